package io.millrace.streams.autoconfigure;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.validation.Validator;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.json.JsonMapper;

import io.millrace.streams.processor.BatchInputProcessor;
import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.runtime.KafkaClients;
import io.millrace.streams.runtime.StateConfig;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamStrategy;
import io.millrace.streams.schema.Schema;
import io.millrace.streams.strategy.ProcessingStrategyFactory;
import io.millrace.streams.table.RocksDbOptionsCustomizer;
import io.millrace.streams.table.TableListener;

/**
 * Runs the application's streams: finds the {@code @StreamProcessor} beans, the {@link StreamDefinition} beans and
 * the streams defined in {@code millrace.streams.*} alone, checks them, and hands them to a {@link StreamManager}
 * with Kafka clients built from {@code spring.kafka.*}.
 */
@AutoConfiguration(after = { KafkaAutoConfiguration.class, JacksonAutoConfiguration.class,
        ValidationAutoConfiguration.class })
@EnableConfigurationProperties(MillraceProperties.class)
public final class MillraceAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SchemaResolver millraceSchemaResolver(ObjectProvider<Schema<?>> schemas, ObjectProvider<JsonMapper> mapper,
            ObjectProvider<Validator> validator) {
        return new SchemaResolver(schemas.orderedStream().toList(), mapper.getIfAvailable(JsonMapper::new),
                validator.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean(KafkaClients.class)
    SpringKafkaClients millraceKafkaClients(KafkaProperties properties, KafkaConnectionDetails connectionDetails,
            KafkaAdmin kafkaAdmin, ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers,
            ObjectProvider<DefaultKafkaProducerFactoryCustomizer> producerCustomizers) {
        return new SpringKafkaClients(properties, connectionDetails, kafkaAdmin,
                consumerCustomizers.orderedStream().toList(), producerCustomizers.orderedStream().toList());
    }

    @Bean
    static ConfiguredProcessorClasses millraceConfiguredProcessorClasses() {
        return new ConfiguredProcessorClasses();
    }

    @Bean
    @ConditionalOnMissingBean
    StreamManager streamManager(ListableBeanFactory beans, SchemaResolver schemas, MillraceProperties properties,
            KafkaClients clients, ObjectProvider<StreamDefinition> declared, Environment environment,
            ObjectProvider<JsonMapper> mapper, ObjectProvider<Validator> validator,
            ObjectProvider<RocksDbOptionsCustomizer> rocksDbCustomizers, ObjectProvider<TableListener> tableListeners,
            ObjectProvider<Clock> clock) {
        List<StreamDefinition> definitions = new ArrayList<>(
                new AnnotatedStreams(schemas, properties.getStreams()).discover(beans));
        declared.orderedStream().forEach(definitions::add);
        ConfiguredSchemas configuredSchemas = new ConfiguredSchemas(beans, mapper.getIfAvailable(JsonMapper::new),
                validator.getIfAvailable(), classLoader(beans));
        definitions.addAll(new ConfiguredStreams(beans, schemas, configuredSchemas, properties.getStreams())
            .define(names(definitions)));
        definitions.replaceAll(new ConfiguredPartitioners(properties.getStreams(), clients)::apply);
        definitions.replaceAll(new ConfiguredTables(schemas, configuredSchemas, properties.getStreams())::apply);
        definitions.replaceAll((definition) -> withConfiguredStrategy(definition, properties, beans));
        definitions.forEach((definition) -> checkBatching(definition, properties));
        String applicationId = applicationId(properties, environment);
        return new StreamManager(definitions, StreamSettingsMapper.byName(properties.getStreams()), clients,
                applicationId, properties.getTopics().isCreate(), clock.getIfUnique(Clock::systemUTC),
                stateConfig(properties, applicationId, rocksDbCustomizers.orderedStream().toList(),
                        tableListeners.orderedStream().toList()));
    }

    private static StateConfig stateConfig(MillraceProperties properties, String applicationId,
            List<RocksDbOptionsCustomizer> customizers, List<TableListener> listeners) {
        StateConfig defaults = StateConfig.defaults(applicationId);
        MillraceProperties.Tables tables = properties.getTables();
        Path directory = (properties.getStateDir() != null && !properties.getStateDir().isBlank())
                ? Path.of(properties.getStateDir()) : defaults.directory();
        RocksDbOptionsCustomizer customizer = (table, options) -> customizers
            .forEach((each) -> each.customize(table, options));
        return new StateConfig(directory, tables.getStore(), tables.getStandbyReplicas(),
                tables.getRocksdb().getBlockCacheSize().toBytes(), tables.getRocksdb().getWriteBufferSize().toBytes(),
                customizer, listeners);
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
