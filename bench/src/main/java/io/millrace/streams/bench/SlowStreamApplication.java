package io.millrace.streams.bench;

import java.time.Duration;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import io.millrace.streams.autoconfigure.SchemaResolver;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.samples.animals.Animal;
import io.millrace.streams.samples.animals.AnimalSummary;
import io.millrace.streams.samples.animals.Aquatic;
import io.millrace.streams.samples.animals.Flying;
import io.millrace.streams.samples.animals.Spooky;
import io.millrace.streams.schema.Schema;

/**
 * The {@code animals} stream with a slow input processor ({@link SlowIngest}), declared as a
 * {@link StreamDefinition} bean so that {@code millrace.streams.slow.*} (workers, ordering) applies to it.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class SlowStreamApplication {

    static final String STREAM = "slow";

    static final String TOPIC_PREFIX = "slow-millrace-";

    @Bean
    StreamDefinition slowAnimals(SchemaResolver schemas, Environment environment) {
        Schema<AnimalSummary> summary = schemas.resolve(AnimalSummary.class).orElseThrow();
        Duration delay = environment.getRequiredProperty("bench.slow.delay", Duration.class);
        return StreamDefinition.builder(STREAM)
                .input(environment.getRequiredProperty("bench.slow.input"),
                        schemas.resolve(Animal.class).orElseThrow(), new SlowIngest(delay))
                .output(TOPIC_PREFIX + "aquatic", summary, new Aquatic())
                .output(TOPIC_PREFIX + "spooky", summary, new Spooky())
                .output(TOPIC_PREFIX + "flying", summary, new Flying())
                .build();
    }
}
