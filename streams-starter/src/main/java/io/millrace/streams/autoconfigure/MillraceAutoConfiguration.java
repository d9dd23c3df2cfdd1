package io.millrace.streams.autoconfigure;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.validation.Validator;
import io.micrometer.observation.ObservationRegistry;
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
import org.springframework.context.annotation.Import;
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
 * Runs the application's streams: takes them as {@link StreamDefinitionsConfiguration} finds them (the
 * {@code @StreamProcessor} beans, the {@link StreamDefinition} beans and the streams defined in
 * {@code millrace.streams.*} alone), and hands them to a {@link StreamManager}, which checks them, with Kafka clients
 * built from {@code spring.kafka.*}.
 */
@AutoConfiguration(after = { KafkaAutoConfiguration.class, JacksonAutoConfiguration.class,
        ValidationAutoConfiguration.class })
@EnableConfigurationProperties(MillraceProperties.class)
@Import(StreamDefinitionsConfiguration.class)
public final class MillraceAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(KafkaClients.class)
    SpringKafkaClients millraceKafkaClients(KafkaProperties properties, KafkaConnectionDetails connectionDetails,
            KafkaAdmin kafkaAdmin, ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers,
            ObjectProvider<DefaultKafkaProducerFactoryCustomizer> producerCustomizers) {
        return new SpringKafkaClients(properties, connectionDetails, kafkaAdmin,
                consumerCustomizers.orderedStream().toList(), producerCustomizers.orderedStream().toList());
    }

    @Bean
    @ConditionalOnMissingBean
    StreamManager streamManager(MillraceStreams streams, MillraceProperties properties, KafkaClients clients,
            ObjectProvider<RocksDbOptionsCustomizer> rocksDbCustomizers, ObjectProvider<TableListener> tableListeners,
            ObjectProvider<Clock> clock, ObjectProvider<ObservationRegistry> observationRegistry,
            ListableBeanFactory beans) {
        String applicationId = streams.applicationId();
        return new StreamManager(streams.definitions(), streams.settings(), clients, applicationId,
                properties.getTopics().isCreate(), clock.getIfUnique(Clock::systemUTC),
                stateConfig(properties, applicationId, rocksDbCustomizers.orderedStream().toList(),
                        tableListeners.orderedStream().toList()),
                tracingOn(beans) ? observationRegistry.getIfUnique() : null);
    }

    /**
     * Whether Boot's tracing is on: a {@code Tracer} bean exists. Without one, Boot's observation registry only
     * times observations, and observing every record would cost allocations for metrics Millrace already has.
     */
    static boolean tracingOn(ListableBeanFactory beans) {
        ClassLoader classLoader = MillraceAutoConfiguration.class.getClassLoader();
        if (!ClassUtils.isPresent(TRACER, classLoader)) {
            return false;
        }
        return beans.getBeanNamesForType(ClassUtils.resolveClassName(TRACER, classLoader), true, false).length > 0;
    }

    private static final String TRACER = "io.micrometer.tracing.Tracer";

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

    static String applicationId(MillraceProperties properties, Environment environment) {
        return StreamDefinitionsConfiguration.applicationId(properties, environment);
    }
}
