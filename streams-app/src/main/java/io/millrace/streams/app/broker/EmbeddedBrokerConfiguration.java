package io.millrace.streams.app.broker;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Beans around the embedded broker; the broker itself is started and registered by
 * {@link EmbeddedKafkaEnvironmentPostProcessor}, before this configuration is read.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EmbeddedBrokerProperties.class)
class EmbeddedBrokerConfiguration {

    /** Shows the running broker under {@code embeddedBroker} in {@code /actuator/info}. */
    @Bean
    InfoContributor embeddedBrokerInfoContributor(ObjectProvider<EmbeddedKafkaBroker> broker) {
        return (builder) -> broker.ifAvailable((running) -> {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("running", running.isRunning());
            details.put("bootstrapServers", running.bootstrapServers());
            details.put("clusterId", running.clusterId());
            details.put("logDir", running.logDir().toString());
            builder.withDetail("embeddedBroker", details);
        });
    }

}
