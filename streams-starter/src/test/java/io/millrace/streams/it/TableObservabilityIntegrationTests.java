package io.millrace.streams.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.millrace.streams.actuate.StreamsEndpoint;
import io.millrace.streams.health.StreamsHealthIndicator;
import io.millrace.streams.metrics.StreamsMetrics;
import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.processor.StreamProcessor;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.table.StreamTable;
import io.millrace.streams.table.TablePartition;
import io.millrace.streams.table.TablePartitionView;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tables through the endpoint, the health component and the meters against a real broker: writes counted per table
 * partition, then, after a restart with an in-memory table, the whole changelog restored and shown as such.
 */
class TableObservabilityIntegrationTests {

    private static final String STREAM = "observed-tally";

    private static final String TABLE = "observed-counts";

    private static final int RECORDS = 400;

    @TempDir
    Path stateDir;

    @Test
    void showsTableWritesThenTheRestoreOfTheWholeChangelog() {
        TestKafka.createTopic("observed-in", 2);
        TestKafka.send("observed-in", IntStream.range(0, RECORDS)
            .mapToObj((i) -> new String[] { "key-" + (i % 20), "key-" + (i % 20) })
            .toList());
        try (ConfigurableApplicationContext first = start()) {
            StreamManager manager = first.getBean(StreamManager.class);
            MeterRegistry registry = new SimpleMeterRegistry();
            try (StreamsMetrics metrics = new StreamsMetrics(manager)) {
                metrics.bindTo(registry);
                await().atMost(Duration.ofSeconds(60)).until(() -> view(manager).processed() == RECORDS
                        && roles(manager).equals(List.of(TablePartition.Role.ACTIVE, TablePartition.Role.ACTIVE))
                        && view(manager).tables().stream().mapToLong(TablePartitionView::written).sum() == RECORDS);

                JsonNode listed = listed(new StreamsEndpoint(manager));
                assertThat(listed.path("tables").path(TABLE).path("active").asInt()).isEqualTo(2);
                assertThat(listed.path("tables").path(TABLE).path("written").asLong()).isEqualTo(RECORDS);
                assertThat(listed.path("restore").path("restoring").asInt()).isZero();
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(registry.find(StreamsMetrics.TABLE_WRITES).tag("stream", STREAM).functionCounters()
                        .stream().mapToDouble(FunctionCounter::count).sum()).isEqualTo(RECORDS);
                    assertThat(registry.get(StreamsMetrics.TABLE_PARTITIONS)
                        .tags("stream", STREAM, "table", TABLE, "role", "active").gauge().value()).isEqualTo(2);
                });
            }
        }

        // In memory, the table starts empty: the new instance restores every changelog record before processing.
        try (ConfigurableApplicationContext second = start()) {
            StreamManager manager = second.getBean(StreamManager.class);
            MeterRegistry registry = new SimpleMeterRegistry();
            try (StreamsMetrics metrics = new StreamsMetrics(manager)) {
                metrics.bindTo(registry);
                await().atMost(Duration.ofSeconds(60)).until(() -> roles(manager)
                    .equals(List.of(TablePartition.Role.ACTIVE, TablePartition.Role.ACTIVE)));
                StreamView view = view(manager);
                // Every changelog record (the latest value of each key once per commit: at most one per record).
                long restored = view.tables().stream().mapToLong(TablePartitionView::restored).sum();
                assertThat(restored).isPositive()
                    .isLessThanOrEqualTo(RECORDS)
                    .isEqualTo(view.tables().stream().mapToLong(TablePartitionView::restoreEnd).sum());
                assertThat(view.tables()).allSatisfy((table) -> {
                    assertThat(table.remaining()).isZero();
                    assertThat(table.changelogPosition()).isEqualTo(table.restoreEnd());
                });
                Health health = second.getBean(StreamsHealthIndicator.class).health(true);
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails().get(STREAM).toString()).doesNotContain("restoring");
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(registry.find(StreamsMetrics.TABLE_RESTORED).tag("stream", STREAM).gauges().stream()
                        .mapToDouble(Gauge::value).sum()).isEqualTo(restored);
                    assertThat(registry.find(StreamsMetrics.TABLE_RESTORE_REMAINING).tag("stream", STREAM).gauges())
                        .hasSize(2).allSatisfy((gauge) -> assertThat(gauge.value()).isZero());
                });
            }
        }
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(TallyApplication.class).web(WebApplicationType.NONE).run(
                "--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                "--millrace.application-id=table-observability-test", "--millrace.state-dir=" + this.stateDir,
                "--millrace.tables.store=memory", "--millrace.streams." + STREAM + ".commit.interval=100ms");
    }

    private static StreamView view(StreamManager manager) {
        return manager.stream(STREAM).orElseThrow();
    }

    private static List<TablePartition.Role> roles(StreamManager manager) {
        return view(manager).tables().stream().map(TablePartitionView::role).toList();
    }

    private static JsonNode listed(StreamsEndpoint endpoint) {
        JsonNode streams = JsonMapper.builder().build().valueToTree(endpoint.streams()).path("streams");
        for (JsonNode stream : streams) {
            if (stream.path("name").asString().equals(STREAM)) {
                return stream;
            }
        }
        throw new AssertionError("No stream " + STREAM + " in " + streams);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({ Tally.class, TallyOut.class })
    static class TallyApplication {
    }

    /** Counts each key in the table. */
    @StreamProcessor(stream = STREAM, input = "observed-in")
    @StreamTable(name = TABLE, key = String.class, value = Long.class)
    static class Tally implements InputProcessor<String, String> {

        @Override
        public String ingest(String key, StreamContext context) {
            return key + "=" + context.<String, Long>table(TABLE).merge(key, 1L, Long::sum);
        }
    }

    /** Publishes every count. */
    @StreamProcessor(stream = STREAM, output = "observed-out")
    static class TallyOut implements OutputProcessor<String, String> {

        @Override
        public String transform(String count) {
            return count;
        }
    }
}
