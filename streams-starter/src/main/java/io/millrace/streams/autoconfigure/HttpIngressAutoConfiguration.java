package io.millrace.streams.autoconfigure;

import java.util.Map;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.util.unit.DataSize;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

import io.millrace.streams.ingress.HttpIngressHandler;
import io.millrace.streams.runtime.KafkaClients;
import io.millrace.streams.runtime.StreamManager;

/**
 * The HTTP source of records ({@code POST /streams/{name}/records}), in a servlet web application with
 * {@code millrace.http-ingress.enabled=true}: off by default, because it lets any HTTP client write to the input
 * topics.
 */
@AutoConfiguration(after = MillraceAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBooleanProperty("millrace.http-ingress.enabled")
@ConditionalOnBean({ StreamManager.class, KafkaClients.class })
public final class HttpIngressAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    HttpIngressHandler millraceHttpIngressHandler(StreamManager manager, KafkaClients clients,
            MillraceProperties properties) {
        MillraceProperties.HttpIngress ingress = properties.getHttpIngress();
        DataSize maxBodySize = ingress.getMaxBodySize();
        int limit = (maxBodySize != null) ? (int) Math.min(maxBodySize.toBytes(), Integer.MAX_VALUE)
                : clients.maxRequestSize(Map.of());
        return new HttpIngressHandler(manager, clients, new HttpIngressHandler.Limits(limit, ingress.getMaxInFlight()));
    }

    @Bean
    RouterFunction<ServerResponse> millraceHttpIngressRoutes(HttpIngressHandler handler) {
        return handler.routes();
    }
}
