package io.millrace.streams.bench;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;

import io.millrace.streams.samples.animals.Animal;

/**
 * The sample {@code animals} stream as shipped, with a {@code Tracer} bean (Micrometer's {@link SimpleTracer}) and an
 * {@link ObservationRegistry} carrying the tracing handlers: Millrace's tracing is on, every record is observed
 * ({@link BenchTracing}).
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@ComponentScan(basePackageClasses = Animal.class)
class MillraceTracedAnimalsApplication {

    @Bean
    SimpleTracer tracer() {
        return new SimpleTracer();
    }

    @Bean
    BenchTracing.ObservedRecords observedRecords() {
        return new BenchTracing.ObservedRecords();
    }

    @Bean
    ObservationRegistry observationRegistry(SimpleTracer tracer, BenchTracing.ObservedRecords observed) {
        return BenchTracing.traced(tracer, observed);
    }
}
