package io.millrace.streams.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.micrometer.core.instrument.MeterRegistry;

import io.millrace.streams.metrics.StreamsMetrics;
import io.millrace.streams.runtime.StreamManager;

/**
 * The {@code millrace.*} meters; Boot binds the binder to every registry.
 */
@AutoConfiguration(after = MillraceAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(StreamManager.class)
public final class StreamsMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    StreamsMetrics streamsMetrics(StreamManager manager) {
        return new StreamsMetrics(manager);
    }
}
