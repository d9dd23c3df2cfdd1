package io.millrace.streams.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

import jakarta.validation.Validator;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.json.JsonMapper;

import io.millrace.streams.processor.BatchInputProcessor;
import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.runtime.KafkaClients;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamStrategy;
import io.millrace.streams.schema.Schema;
import io.millrace.streams.strategy.ProcessingStrategyFactory;

/**
 * Finds the application's streams without Kafka: the {@code @StreamProcessor} beans, the {@link StreamDefinition}
 * beans and the streams defined in {@code millrace.streams.*} alone, with their configured partitioners, tables,
 * strategies and settings, as {@link MillraceStreams}. {@link MillraceAutoConfiguration} runs them; the test kit's
 * {@code @MillraceTest} imports this same configuration to drive them without a broker.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MillraceProperties.class)
public class StreamDefinitionsConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SchemaResolver millraceSchemaResolver(ObjectProvider<Schema<?>> schemas, ObjectProvider<JsonMapper> mapper,
            ObjectProvider<Validator> validator) {
        return new SchemaResolver(schemas.orderedStream().toList(), mapper.getIfAvailable(JsonMapper::new),
                validator.getIfAvailable());
    }

    @Bean
    static ConfiguredProcessorClasses millraceConfiguredProcessorClasses() {
        return new ConfiguredProcessorClasses();
    }

    /** Lazy: an application that brings its own {@code StreamManager} never builds them, as before. */
    @Bean
    @Lazy
    @ConditionalOnMissingBean
    MillraceStreams millraceStreams(ListableBeanFactory beans, SchemaResolver schemas, MillraceProperties properties,
            ObjectProvider<StreamDefinition> declared, Environment environment, ObjectProvider<JsonMapper> mapper,
            ObjectProvider<Validator> validator, ObjectProvider<KafkaClients> clients) {
        List<StreamDefinition> definitions = new ArrayList<>(
                new AnnotatedStreams(schemas, properties.getStreams()).discover(beans));
        declared.orderedStream().forEach(definitions::add);
        ConfiguredSchemas configuredSchemas = new ConfiguredSchemas(beans, mapper.getIfAvailable(JsonMapper::new),
                validator.getIfAvailable(), classLoader(beans));
        definitions.addAll(new ConfiguredStreams(beans, schemas, configuredSchemas, properties.getStreams())
            .define(names(definitions)));
        definitions.replaceAll(new ConfiguredPartitioners(properties.getStreams(), (topic) -> partitions(clients,
                topic))::apply);
        definitions.replaceAll(new ConfiguredTables(schemas, configuredSchemas, properties.getStreams())::apply);
        definitions.replaceAll((definition) -> withConfiguredStrategy(definition, properties, beans));
        definitions.forEach((definition) -> checkBatching(definition, properties));
        return new MillraceStreams(definitions, StreamSettingsMapper.byName(properties.getStreams()),
                applicationId(properties, environment));
    }

    /** Looked up when a random partitioner sends its first record, once the runtime has created the topic. */
    private static OptionalInt partitions(ObjectProvider<KafkaClients> clients, String topic) {
        KafkaClients available = clients.getIfAvailable();
        if (available == null) {
            throw new IllegalStateException("No Kafka clients to look up the partitions of " + topic);
        }
        return available.partitions(topic);
    }

    private static StreamDefinition withConfiguredStrategy(StreamDefinition definition,
            MillraceProperties properties, ListableBeanFactory beans) {
        MillraceProperties.Stream configured = properties.getStreams().get(definition.name());
        String name = (configured != null) ? configured.getStrategy() : null;
        if (name == null || name.isBlank()) {
            return definition;
        }
        Object bean = beans.containsBean(name) ? beans.getBean(name) : null;
        if (bean instanceof StreamStrategy strategy) {
            return definition.withStrategy(strategy);
        }
        if (bean instanceof ProcessingStrategyFactory factory) {
            return definition.withStrategy(StreamStrategy.of(factory));
        }
        throw new InvalidStreamsException("millrace.streams." + definition.name() + ".strategy: "
                + ((bean == null) ? "no bean named '" + name + "'" : "bean '" + name + "' is a "
                        + bean.getClass().getName())
                + "; it must name a ProcessingStrategyFactory or StreamStrategy bean");
    }

    private static void checkBatching(StreamDefinition definition, MillraceProperties properties) {
        MillraceProperties.Stream configured = properties.getStreams().get(definition.name());
        if (definition.inputProcessor() instanceof BatchInputProcessor && configured != null
                && configured.getWorkers() > 1) {
            throw new InvalidStreamsException("Stream '" + definition.name() + "' has a BatchInputProcessor, which "
                    + "runs batches on the consumer's thread: set millrace.streams." + definition.name()
                    + ".workers to 1, or implement InputProcessor to run records on workers");
        }
    }

    private static ClassLoader classLoader(ListableBeanFactory beans) {
        return (beans instanceof ConfigurableBeanFactory configurable) ? configurable.getBeanClassLoader()
                : ClassUtils.getDefaultClassLoader();
    }

    private static Set<String> names(List<StreamDefinition> streams) {
        Set<String> names = new LinkedHashSet<>();
        streams.forEach((stream) -> names.add(stream.name()));
        return names;
    }

    static String applicationId(MillraceProperties properties, Environment environment) {
        if (properties.getApplicationId() != null && !properties.getApplicationId().isBlank()) {
            return properties.getApplicationId();
        }
        return environment.getProperty("spring.application.name", "millrace");
    }
}
