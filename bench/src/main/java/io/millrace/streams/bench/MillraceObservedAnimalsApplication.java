package io.millrace.streams.bench;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;

import io.millrace.streams.samples.animals.Animal;

/**
 * The sample {@code animals} stream as shipped, with an {@link ObservationRegistry} but no tracer: what an
 * application with Boot's actuator and no tracing bridge has. Millrace's tracing is off; the registry counts the
 * record observations started, which must stay at 0.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@ComponentScan(basePackageClasses = Animal.class)
class MillraceObservedAnimalsApplication {

    @Bean
    BenchTracing.ObservedRecords observedRecords() {
        return new BenchTracing.ObservedRecords();
    }

    @Bean
    ObservationRegistry observationRegistry(BenchTracing.ObservedRecords observed) {
        return BenchTracing.untraced(observed);
    }
}
