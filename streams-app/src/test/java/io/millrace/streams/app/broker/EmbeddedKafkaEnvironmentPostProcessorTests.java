package io.millrace.streams.app.broker;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EmbeddedKafkaEnvironmentPostProcessor}. Starting the broker with the
 * context is covered by {@link EmbeddedKafkaEnvironmentPostProcessorIntegrationTests}.
 */
class EmbeddedKafkaEnvironmentPostProcessorTests {

    private final AtomicInteger brokersMade = new AtomicInteger();

    private final EmbeddedKafkaEnvironmentPostProcessor postProcessor = new EmbeddedKafkaEnvironmentPostProcessor(
            new DeferredLogs(), (properties) -> {
                this.brokersMade.incrementAndGet();
                throw new IllegalStateException("No broker expected");
            });

    private final SpringApplication application = new SpringApplication();

    @TempDir
    Path logDir;

    @Test
    void bootstrapServersPointAtTheDefaultPortAndTheBrokerWaitsForTheContext() {
        MockEnvironment environment = new MockEnvironment().withProperty("millrace.embedded-broker.log-dir",
                this.logDir.toString());
        new EmbeddedKafkaEnvironmentPostProcessor(new DeferredLogs()).postProcessEnvironment(environment,
                this.application);
        assertThat(environment.getProperty("spring.kafka.bootstrap-servers")).isEqualTo("localhost:9092");
        assertThat(this.application.getListeners()).filteredOn(EmbeddedKafkaBrokerRegistrar.class::isInstance)
            .hasSize(1);
        assertThat(this.logDir).isEmptyDirectory();
    }

    @Test
    void portZeroTakesAFreePortAndExplicitEnablingOverridesBootstrapServers() {
        MockEnvironment environment = new MockEnvironment().withProperty("spring.kafka.bootstrap-servers", "kafka:9092")
            .withProperty("millrace.embedded-broker.enabled", "true")
            .withProperty("millrace.embedded-broker.port", "0")
            .withProperty("millrace.embedded-broker.log-dir", this.logDir.toString());
        new EmbeddedKafkaEnvironmentPostProcessor(new DeferredLogs()).postProcessEnvironment(environment,
                this.application);
        assertThat(environment.getProperty("spring.kafka.bootstrap-servers")).matches("localhost:\\d+")
            .isNotEqualTo("localhost:0");
    }

    @Test
    void noBrokerWhenBootstrapServersAreSet() {
        MockEnvironment environment = new MockEnvironment().withProperty("spring.kafka.bootstrap-servers",
                "kafka:9092");
        postProcess(environment);
        assertNoBroker(environment);
        assertThat(environment.getProperty("spring.kafka.bootstrap-servers")).isEqualTo("kafka:9092");
    }

    @Test
    void noBrokerWhenBootstrapServersComeFromAnEnvironmentVariable() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources()
            .replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            Map.of("SPRING_KAFKA_BOOTSTRAPSERVERS", "kafka:9092")));
        postProcess(environment);
        assertNoBroker(environment);
    }

    @Test
    void noBrokerWhenDisabled() {
        MockEnvironment environment = new MockEnvironment().withProperty("millrace.embedded-broker.enabled", "false");
        postProcess(environment);
        assertNoBroker(environment);
    }

    @Test
    void noSecondBrokerWhenTheEnvironmentHasOneAlready() {
        MockEnvironment environment = new MockEnvironment();
        environment.getPropertySources()
            .addFirst(new MapPropertySource(
                    EmbeddedKafkaEnvironmentPostProcessor.PROPERTY_SOURCE_NAME,
                    Map.of("spring.kafka.bootstrap-servers", "localhost:9092")));
        postProcess(environment);
        assertThat(this.brokersMade).hasValue(0);
        assertThat(this.application.getListeners()).noneMatch(EmbeddedKafkaBrokerRegistrar.class::isInstance);
    }

    private void postProcess(ConfigurableEnvironment environment) {
        this.postProcessor.postProcessEnvironment(environment, this.application);
    }

    private void assertNoBroker(ConfigurableEnvironment environment) {
        assertThat(this.brokersMade).hasValue(0);
        assertThat(environment.getPropertySources()
            .contains(EmbeddedKafkaEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).isFalse();
        assertThat(this.application.getListeners()).noneMatch(EmbeddedKafkaBrokerRegistrar.class::isInstance);
    }

}
