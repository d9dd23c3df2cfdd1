package io.millrace.streams.bench;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import io.millrace.streams.autoconfigure.SchemaResolver;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.samples.animals.Animal;
import io.millrace.streams.samples.animals.AnimalIngest;
import io.millrace.streams.samples.animals.AnimalSummary;

/**
 * The {@code animals} ingest with one output that is stalled behind a {@link Gate} (a bean the harness
 * registers), to see what the stream holds while nothing leaves it.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class StalledStreamApplication {

    static final String STREAM = "stalled";

    static final String OUTPUT = "stalled-millrace-aquatic";

    @Bean
    StreamDefinition stalledAnimals(SchemaResolver schemas, Environment environment, Gate gate) {
        return StreamDefinition.builder(STREAM)
                .input(environment.getRequiredProperty("bench.stall.input"),
                        schemas.resolve(Animal.class).orElseThrow(), new AnimalIngest())
                .output(OUTPUT, schemas.resolve(AnimalSummary.class).orElseThrow(), gate)
                .build();
    }
}
