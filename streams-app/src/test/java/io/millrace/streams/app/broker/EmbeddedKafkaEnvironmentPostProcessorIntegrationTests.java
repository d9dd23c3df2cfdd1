package io.millrace.streams.app.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Integration tests for {@link EmbeddedKafkaEnvironmentPostProcessor} in a Spring application.
 */
class EmbeddedKafkaEnvironmentPostProcessorIntegrationTests {

    @TempDir
    Path logDir;

    @Test
    void brokerRunsBeforeTheFirstBeanAndUntilTheLastIsDestroyed() {
        ConfigurableApplicationContext context = application(ProbeConfiguration.class).run();
        EmbeddedKafkaBroker broker = context.getBean(EmbeddedKafkaBroker.class);
        assertThat(context.getEnvironment().getProperty("spring.kafka.bootstrap-servers"))
            .isEqualTo(broker.bootstrapServers());
        BrokerProbe probe = context.getBean(BrokerProbe.class);
        assertThat(probe.reachableWhenCreated).isTrue();

        context.close();

        assertThat(probe.reachableWhenStopped).isTrue();
        assertThat(probe.reachableWhenDestroyed).isTrue();
        assertThat(broker.isRunning()).isFalse();
    }

    @Test
    void brokerStopsWhenTheContextFailsToRefresh() {
        assertThatException().isThrownBy(() -> application(FailingConfiguration.class).run())
            .withStackTraceContaining("No context for you");
        // A broker left running would hold the lock on the log directory.
        EmbeddedKafkaBroker next = new EmbeddedKafkaBroker(0, this.logDir);
        try {
            next.start();
            assertThat(next.isRunning()).isTrue();
        }
        finally {
            next.stop();
        }
    }

    private SpringApplicationBuilder application(Class<?> configuration) {
        return new SpringApplicationBuilder(configuration).web(WebApplicationType.NONE)
            .properties("millrace.embedded-broker.port=0", "millrace.embedded-broker.log-dir=" + this.logDir);
    }

    @Configuration(proxyBeanMethods = false)
    static class ProbeConfiguration {

        @Bean
        BrokerProbe brokerProbe(@Value("${spring.kafka.bootstrap-servers}") String bootstrapServers) {
            return new BrokerProbe(bootstrapServers);
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class FailingConfiguration {

        @Bean
        Object failing() {
            throw new IllegalStateException("No context for you");
        }

    }

    /**
     * Checks that the broker answers when it is created, when it stops as the last lifecycle
     * bean, and when it is destroyed; it does not depend on the broker bean, whose
     * dependents Spring would destroy first.
     */
    static class BrokerProbe implements SmartLifecycle, DisposableBean {

        private final String bootstrapServers;

        private volatile boolean running;

        boolean reachableWhenCreated;

        boolean reachableWhenStopped;

        boolean reachableWhenDestroyed;

        BrokerProbe(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            this.reachableWhenCreated = isReachable();
        }

        @Override
        public void start() {
            this.running = true;
        }

        @Override
        public void stop() {
            this.reachableWhenStopped = isReachable();
            this.running = false;
        }

        @Override
        public boolean isRunning() {
            return this.running;
        }

        @Override
        public int getPhase() {
            return Integer.MIN_VALUE;
        }

        @Override
        public void destroy() {
            this.reachableWhenDestroyed = isReachable();
        }

        private boolean isReachable() {
            int timeout = (int) Duration.ofSeconds(5).toMillis();
            Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
            try (Admin admin = Admin.create(config)) {
                admin.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
                return true;
            }
            catch (Exception ex) {
                return false;
            }
        }

    }

}
