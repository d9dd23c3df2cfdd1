package io.millrace.streams.autoconfigure;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

import io.millrace.streams.health.StreamsHealthIndicator;
import io.millrace.streams.runtime.StreamManager;

/**
 * The {@code streams} health component, when Boot's health support is on the classpath.
 */
@AutoConfiguration(after = MillraceAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(StreamManager.class)
@ConditionalOnEnabledHealthIndicator("streams")
@EnableConfigurationProperties(StreamsHealthProperties.class)
public final class StreamsHealthAutoConfiguration {

    @Bean(name = "streamsHealthIndicator")
    @ConditionalOnMissingBean(name = "streamsHealthIndicator")
    StreamsHealthIndicator streamsHealthIndicator(StreamManager manager, StreamsHealthProperties properties,
            ObjectProvider<Clock> clock) {
        return new StreamsHealthIndicator(manager, properties.getStuckAfter(),
                clock.getIfUnique(Clock::systemUTC));
    }
}
