package io.millrace.streams.autoconfigure;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.millrace.streams.actuate.StreamsEndpoint;
import io.millrace.streams.runtime.StreamManager;

/**
 * The {@code streams} actuator endpoint, when actuator is on the classpath and the endpoint is available.
 */
@AutoConfiguration(after = MillraceAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean(StreamManager.class)
@ConditionalOnAvailableEndpoint(StreamsEndpoint.class)
public final class StreamsEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    StreamsEndpoint streamsEndpoint(StreamManager manager) {
        return new StreamsEndpoint(manager);
    }
}
