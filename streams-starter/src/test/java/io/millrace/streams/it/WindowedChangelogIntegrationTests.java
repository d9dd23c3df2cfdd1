package io.millrace.streams.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.TestTables;
import io.millrace.streams.table.Windows;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The changelog topics a stream creates: a windowed table's is compacted and deleted after the windows' retention
 * plus a day, so that expired windows leave it as they leave the store; a plain table's is compacted only.
 */
class WindowedChangelogIntegrationTests {

    private static final String APPLICATION = "windowed-changelog";

    private static final String INPUT = "windowed-changelog-in";

    @Test
    void aWindowedTablesChangelogIsCompactedAndDeletedAfterTheRetentionPlusADay(@TempDir Path stateDir) {
        TestKafka.createTopic(INPUT, 2);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WindowedApplication.class)
            .web(WebApplicationType.NONE)
            .run("--spring.kafka.bootstrap-servers=" + TestKafka.brokers(), "--millrace.application-id=" + APPLICATION,
                    "--millrace.state-dir=" + stateDir)) {
            String windowed = APPLICATION + "-windows-changelog";
            String plain = APPLICATION + "-totals-changelog";
            await().atMost(Duration.ofSeconds(60))
                .until(() -> TestKafka.topicExists(windowed) && TestKafka.topicExists(plain));
            assertThat(TestKafka.partitions(windowed)).isEqualTo(2);
            Config windowedConfig = topicConfig(windowed);
            assertThat(windowedConfig.get("cleanup.policy").value()).isEqualTo("compact,delete");
            assertThat(windowedConfig.get("retention.ms").value())
                .isEqualTo(Long.toString(Duration.ofMinutes(2).plusDays(1).toMillis()));
            Config plainConfig = topicConfig(plain);
            assertThat(plainConfig.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(plainConfig.get("retention.ms").isDefault()).isTrue();
        }
    }

    private static Config topicConfig(String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.brokers()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        }
        catch (Exception ex) {
            throw new IllegalStateException("Cannot describe topic " + topic, ex);
        }
    }

    /** A stream with a windowed table (tumbling 10 s, grace 5 s, retention 2 min) and a plain one. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class WindowedApplication {

        @Bean
        StreamDefinition windowedStream() {
            return StreamDefinition.builder("windowed")
                .input(INPUT, Schemas.string(), (InputProcessor<String, String>) (value, context) -> value)
                .output(INPUT + "-out", Schemas.string(), (OutputProcessor<String, String>) (value) -> value)
                .table(TableDefinition.of("windows", Schemas.string(), TestTables.LONGS)
                    .withWindows(Windows.tumbling(Duration.ofSeconds(10))
                        .withGrace(Duration.ofSeconds(5))
                        .withRetention(Duration.ofMinutes(2))))
                .table(TableDefinition.of("totals", Schemas.string(), TestTables.LONGS))
                .build();
        }
    }
}
