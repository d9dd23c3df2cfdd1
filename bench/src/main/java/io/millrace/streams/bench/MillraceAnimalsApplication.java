package io.millrace.streams.bench;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;

import io.millrace.streams.samples.animals.Animal;

/**
 * The sample {@code animals} stream exactly as shipped: its annotated processors and schemas, found by component
 * scanning, run by the starter's auto-configuration. The benchmark only moves its input
 * ({@code millrace.streams.animals.input}) and dead-letter topic; its outputs keep their names.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@ComponentScan(basePackageClasses = Animal.class)
class MillraceAnimalsApplication {

}
