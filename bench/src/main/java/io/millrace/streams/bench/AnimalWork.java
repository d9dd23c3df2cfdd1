package io.millrace.streams.bench;

import java.util.List;

import jakarta.validation.Validator;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import io.millrace.streams.autoconfigure.SchemaResolver;
import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.samples.animals.Animal;
import io.millrace.streams.samples.animals.AnimalIngest;
import io.millrace.streams.samples.animals.AnimalSummary;
import io.millrace.streams.samples.animals.Aquatic;
import io.millrace.streams.samples.animals.Flying;
import io.millrace.streams.samples.animals.Spooky;
import io.millrace.streams.schema.Schema;

/**
 * The per-record work of the {@code animals} stream, for the contenders that are not Millrace: the very schemas
 * (Jackson 3 and Bean Validation, with the mapper and validator Spring Boot configures) and the very processors
 * of the sample stream, so that a difference in throughput is the runtime's and not the work's.
 */
final class AnimalWork implements AutoCloseable {

    /** The outputs of the stream, in routing order, by the name of their topic in the sample. */
    static final List<String> OUTPUTS = List.of("aquatic", "spooky", "flying");

    /** The name of the dead-letter output. */
    static final String DEAD_LETTERS = "dlt";

    /** Holds the validator, which its factory closes with the context. */
    private final ConfigurableApplicationContext context;

    private final Schema<Animal> input;

    private final Schema<AnimalSummary> summary;

    private final InputProcessor<Animal, Animal> ingest;

    private final List<Output> outputs = List.of(new Output("aquatic", new Aquatic()),
            new Output("spooky", new Spooky()), new Output("flying", new Flying()));

    private AnimalWork(ConfigurableApplicationContext context, Schema<Animal> input, Schema<AnimalSummary> summary,
            InputProcessor<Animal, Animal> ingest) {
        this.context = context;
        this.input = input;
        this.summary = summary;
        this.ingest = ingest;
    }

    /**
     * Builds the work with Spring Boot's own Jackson and validation configuration, as Millrace gets it.
     * @return the work; close it at the end of the benchmark
     */
    static AnimalWork fromSpringBoot() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(JacksonAndValidation.class)
                .web(WebApplicationType.NONE).bannerMode(org.springframework.boot.Banner.Mode.OFF)
                .logStartupInfo(false).run();
        SchemaResolver schemas = new SchemaResolver(List.of(), context.getBean(JsonMapper.class),
                context.getBean(Validator.class));
        return new AnimalWork(context, schemas.resolve(Animal.class).orElseThrow(),
                schemas.resolve(AnimalSummary.class).orElseThrow(), new AnimalIngest());
    }

    /**
     * The same work with another input processor.
     * @param processor the input processor
     * @return a view of this work; closing it closes nothing
     */
    AnimalWork withIngest(InputProcessor<Animal, Animal> processor) {
        return new AnimalWork(null, this.input, this.summary, processor);
    }

    /**
     * Decodes, validates and ingests one input value.
     * @param value the raw value
     * @return the ingested animal
     * @throws RuntimeException if the value is invalid
     */
    Animal ingest(byte[] value) {
        return this.ingest.ingest(this.input.decode(value), null);
    }

    Schema<AnimalSummary> summary() {
        return this.summary;
    }

    List<Output> outputs() {
        return this.outputs;
    }

    @Override
    public void close() {
        if (this.context != null) {
            this.context.close();
        }
    }

    /**
     * One output of the stream.
     *
     * @param name the output's name (its topic in the sample)
     * @param processor the sample's processor
     */
    record Output(String name, OutputProcessor<Animal, AnimalSummary> processor) {

        /**
         * Filters, transforms and encodes an animal for this output.
         * @param animal the ingested animal
         * @param summary the output schema
         * @return the encoded value, or {@code null} if the output does not want the animal
         */
        byte[] encode(Animal animal, Schema<AnimalSummary> summary) {
            return this.processor.filter(animal) ? summary.encode(this.processor.transform(animal)) : null;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({ JacksonAutoConfiguration.class, ValidationAutoConfiguration.class })
    static class JacksonAndValidation {

    }
}
