package io.millrace.streams.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

import io.millrace.streams.ingress.HttpIngressHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HttpIngressAutoConfiguration}.
 */
class HttpIngressAutoConfigurationTests {

    private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(KafkaAutoConfiguration.class,
            JacksonAutoConfiguration.class, ValidationAutoConfiguration.class, MillraceAutoConfiguration.class,
            HttpIngressAutoConfiguration.class);

    private static final String[] PROPERTIES = { "spring.kafka.bootstrap-servers=localhost:" + unusedPort(),
            "spring.kafka.admin.properties[default.api.timeout.ms]=500",
            "spring.kafka.admin.properties[request.timeout.ms]=500", "millrace.streams.notes.input=notes" };

    private final WebApplicationContextRunner webRunner = new WebApplicationContextRunner()
        .withConfiguration(CONFIGURATIONS)
        .withPropertyValues(PROPERTIES);

    @Test
    void aServletApplicationThatEnablesTheIngressGetsTheController() {
        this.webRunner.withPropertyValues("millrace.http-ingress.enabled=true")
            .run((context) -> assertThat(context).hasNotFailed().hasSingleBean(HttpIngressHandler.class)
                .hasBean("millraceHttpIngressRoutes"));
    }

    @Test
    void theIngressIsOffByDefault() {
        this.webRunner.run((context) -> assertThat(context).hasNotFailed()
            .doesNotHaveBean(HttpIngressHandler.class));
    }

    @Test
    void scanningTheStartersPackagesDoesNotTurnTheIngressOn() {
        this.webRunner.withUserConfiguration(ScanningEverything.class)
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(HttpIngressHandler.class));
    }

    @Test
    void anApplicationThatIsNoWebApplicationGetsNoIngress() {
        new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
            .withPropertyValues(PROPERTIES)
            .withPropertyValues("millrace.http-ingress.enabled=true")
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(HttpIngressHandler.class));
    }

    @Test
    void withoutSpringMvcOnTheClasspathThereIsNoIngress() {
        this.webRunner.withPropertyValues("millrace.http-ingress.enabled=true")
            .withClassLoader(new FilteredClassLoader("org.springframework.web.servlet"))
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(HttpIngressHandler.class));
    }

    @Test
    void theAutoConfigurationIsRegisteredForBoot() {
        List<String> candidates = ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
            .getCandidates();
        assertThat(candidates).contains(HttpIngressAutoConfiguration.class.getName());
    }

    /** Scans the starter's ingress package, as the streams service scans io.millrace.streams for its samples. */
    @Configuration(proxyBeanMethods = false)
    @ComponentScan("io.millrace.streams.ingress")
    static class ScanningEverything {
    }

    private static String unusedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return String.valueOf(socket.getLocalPort());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
