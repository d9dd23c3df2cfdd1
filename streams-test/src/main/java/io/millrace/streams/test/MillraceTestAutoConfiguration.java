package io.millrace.streams.test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Scope;

import io.millrace.streams.autoconfigure.MillraceStreams;
import io.millrace.streams.autoconfigure.StreamDefinitionsConfiguration;
import io.millrace.streams.runtime.StreamChecks;

/**
 * The streams as the application builds them ({@link StreamDefinitionsConfiguration}, the same configuration the
 * runtime's auto-configuration imports), checked at startup as the application checks them, and a fresh
 * {@link MillraceTestDriver} of them for each injection point. {@code spring.kafka.*} is bound, not used to make
 * clients: the consumers' {@code max.poll.interval.ms} bounds the retries as in the application.
 */
@AutoConfiguration(after = { JacksonAutoConfiguration.class, ValidationAutoConfiguration.class })
@EnableConfigurationProperties(KafkaProperties.class)
@Import(StreamDefinitionsConfiguration.class)
public final class MillraceTestAutoConfiguration {

    @Bean
    MillraceTestDrivers millraceTestDrivers(MillraceStreams streams, KafkaProperties kafka) {
        return new MillraceTestDrivers(streams, kafka.buildConsumerProperties());
    }

    @Bean
    @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
    MillraceTestDriver millraceTestDriver(MillraceTestDrivers drivers) {
        return drivers.create();
    }

    /**
     * Makes drivers of the application's streams; checks them once at startup, so that a misconfigured stream
     * fails the context.
     */
    static final class MillraceTestDrivers {

        private final MillraceStreams streams;

        private final Map<String, Object> consumer;

        MillraceTestDrivers(MillraceStreams streams, Map<String, Object> consumer) {
            this.streams = streams;
            this.consumer = consumer;
            StreamChecks.check(streams.definitions(), streams.settings(), this::maxPollInterval);
        }

        private Duration maxPollInterval(Map<String, String> overrides) {
            Map<String, Object> properties = new HashMap<>(this.consumer);
            properties.putAll(overrides);
            return StreamChecks.maxPollInterval(properties);
        }

        MillraceTestDriver create() {
            return MillraceTestDriver.builder().streams(this.streams.definitions())
                .settings(this.streams.settings()).applicationId(this.streams.applicationId())
                .maxPollInterval(this::maxPollInterval).build();
        }
    }
}
