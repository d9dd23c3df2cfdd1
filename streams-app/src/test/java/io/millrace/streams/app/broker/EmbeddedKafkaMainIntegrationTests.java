package io.millrace.streams.app.broker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for {@link EmbeddedKafkaMain}, run as a process of its own.
 */
class EmbeddedKafkaMainIntegrationTests {

    @TempDir
    Path logDir;

    private Process process;

    @AfterEach
    void killProcess() {
        if (this.process != null) {
            this.process.destroyForcibly();
        }
    }

    @Test
    void printsReadyWithTheBootstrapServersAndStopsCleanlyOnSigterm() throws Exception {
        Path stderr = this.logDir.resolve("stderr.log");
        this.process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), EmbeddedKafkaMain.class.getName(), "0",
                this.logDir.resolve("data").toString())
            .redirectError(stderr.toFile())
            .start();
        BufferedReader stdout = new BufferedReader(
                new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
        String ready = CompletableFuture.supplyAsync(() -> readLine(stdout)).get(60, TimeUnit.SECONDS);
        assertThat(ready).matches("READY localhost:\\d+");
        String bootstrapServers = ready.substring("READY ".length());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic("from-outside", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }

        this.process.destroy();

        assertThat(this.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // 143: terminated by SIGTERM after the shutdown hooks ran.
        assertThat(this.process.exitValue()).isEqualTo(143);
        assertThat(Files.readString(stderr)).contains("Embedded Kafka broker on " + bootstrapServers + " stopped")
            .doesNotContain("ERROR");
    }

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

}
