package io.millrace.streams.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Supplier;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

import io.millrace.streams.query.QueryHandler;
import io.millrace.streams.query.TableQueries;
import io.millrace.streams.runtime.StreamManager;

/**
 * Queries of the streams' tables: {@link TableQueries} for this instance's partitions always; over HTTP, answered by
 * any instance, in a servlet web application with {@code millrace.queries.enabled=true}, which also makes the
 * streams with tables advertise {@code millrace.queries.advertised-url} in their consumer groups.
 */
@AutoConfiguration(after = MillraceAutoConfiguration.class)
@ConditionalOnBean(StreamManager.class)
@EnableConfigurationProperties(QueriesProperties.class)
public final class QueriesAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TableQueries millraceTableQueries(StreamManager manager) {
        return new TableQueries(manager);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(RouterFunction.class)
    @ConditionalOnBooleanProperty("millrace.queries.enabled")
    static final class HttpQueries {

        @Bean
        @ConditionalOnMissingBean
        QueryHandler millraceQueryHandler(StreamManager manager, QueriesProperties properties,
                ObjectProvider<JsonMapper> json, Environment environment) {
            Supplier<String> url = advertisedUrl(properties, environment);
            // Before the streams start: their consumers advertise the URL when they join.
            manager.advertiseQueries(url);
            return new QueryHandler(manager, json.getIfAvailable(() -> JsonMapper.builder().build()), url,
                    properties.getForwardTimeout());
        }

        @Bean
        RouterFunction<ServerResponse> millraceQueryRoutes(QueryHandler handler) {
            return handler.routes();
        }

        /**
         * The configured URL, or {@code http://<server.address or this host's address>:<local.server.port>} once
         * the web server has a port ({@code null} before).
         */
        static Supplier<String> advertisedUrl(QueriesProperties properties, Environment environment) {
            String configured = properties.getAdvertisedUrl();
            if (configured != null && !configured.isBlank()) {
                return () -> configured;
            }
            return () -> {
                String port = environment.getProperty("local.server.port");
                if (port == null) {
                    return null;
                }
                String host = environment.getProperty("server.address");
                if (host == null || host.isBlank() || host.equals("0.0.0.0")) {
                    try {
                        host = InetAddress.getLocalHost().getHostAddress();
                    }
                    catch (UnknownHostException ex) {
                        host = "localhost";
                    }
                }
                return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
            };
        }
    }
}
