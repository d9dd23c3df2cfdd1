package io.millrace.streams.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import io.millrace.streams.actuate.StreamsEndpoint;
import io.millrace.streams.health.StreamsHealthIndicator;
import io.millrace.streams.metrics.StreamsMetrics;
import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.processor.StreamProcessor;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamState;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The endpoint, the health component and the meters against a real broker: offsets, lag and counts per partition,
 * a paused stream's partitions, a stuck processor turning health DOWN with the partition and offset it is stuck on.
 */
class ObservabilityIntegrationTests {

    static final CountDownLatch RELEASE = new CountDownLatch(1);

    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() {
        TestKafka.createTopic("watch-in", 2);
        context = new SpringApplicationBuilder(WatchApplication.class).web(WebApplicationType.NONE).run(
                "--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                "--millrace.application-id=watch-test",
                "--millrace.health.stuck-after=1s",
                "--millrace.streams.watched.commit.interval=100ms");
    }

    @AfterAll
    static void stop() {
        RELEASE.countDown();
        if (context != null) {
            context.close();
        }
    }

    @Test
    void showsPartitionsCountsPausesAndAStuckRecordThenRecovers() {
        StreamManager manager = context.getBean(StreamManager.class);
        // The endpoint bean needs an exposure this web-less test has no use for: call the endpoint type directly.
        StreamsEndpoint endpoint = new StreamsEndpoint(manager);
        StreamsHealthIndicator health = context.getBean(StreamsHealthIndicator.class);
        MeterRegistry registry = new SimpleMeterRegistry();
        StreamsMetrics metrics = new StreamsMetrics(manager);
        metrics.bindTo(registry);
        try {
            TestKafka.send("watch-in", IntStream.range(0, 50)
                .mapToObj((id) -> new String[] { String.valueOf(id), "{\"id\": " + id + ", \"kind\": \"fine\"}" })
                .toList());
            TestKafka.send("watch-in", "bad", "not json");
            await().atMost(Duration.ofSeconds(60)).until(() -> endpoint.stream("watched").processed() == 51);
            // Committed offsets are live, the loops' views of their partitions are refreshed periodically.
            await().atMost(Duration.ofSeconds(30)).until(() -> endpoint.stream("watched").lag() == 0
                    && endpoint.stream("watched").partitions().values().stream()
                        .allMatch((p) -> p.end() >= 0 && p.inFlight() == 0));
            StreamView view = endpoint.stream("watched");
            assertThat(view.partitions()).containsOnlyKeys("watch-in-0", "watch-in-1");
            assertThat(view.partitions().values().stream().mapToLong(StreamView.PartitionView::committed).sum())
                .isEqualTo(51);
            assertThat(view.partitions().values()).allMatch((p) -> p.end() == p.committed() && p.inFlight() == 0);
            assertThat(view.produced()).containsEntry("watch-out", 50L);
            assertThat(view.deadLettered()).isEqualTo(1);
            assertThat(view.topology().inputSchema()).isEqualTo("Payload");
            assertThat(view.topology().outputSchemas()).containsEntry("watch-out", "Payload");
            assertThat(registry.get(StreamsMetrics.PROCESSED).tag("stream", "watched").functionCounter().count())
                .isEqualTo(51);
            assertThat(registry.get(StreamsMetrics.PRODUCED).tags("stream", "watched", "topic", "watch-out")
                .functionCounter().count()).isEqualTo(50);
            assertThat(registry.get(StreamsMetrics.LATENCY).tag("stream", "watched").functionTimer().count())
                .isEqualTo(51);
            assertThat(registry.get(StreamsMetrics.COMMIT_LATENCY).tag("stream", "watched").functionTimer().count())
                .isPositive();
            await().atMost(Duration.ofSeconds(20)).until(() -> registry.find(StreamsMetrics.PARTITION_LAG)
                .tags("stream", "watched", "partition", "watch-in-0").gauge() != null);
            assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);

            endpoint.act("watched", "pause");
            await().atMost(Duration.ofSeconds(10))
                .until(() -> endpoint.stream("watched").paused().equals(List.of("watch-in-0", "watch-in-1")));
            assertThat(endpoint.stream("watched").state()).isEqualTo(StreamState.PAUSED);
            assertThat(registry.get(StreamsMetrics.PARTITIONS_PAUSED).tag("stream", "watched").gauge().value())
                .isEqualTo(2);
            endpoint.act("watched", "resume");
            await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.stream("watched").paused().isEmpty());

            TestKafka.send("watch-in", "blocker", "{\"id\": 99, \"kind\": \"block\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> health.health(true).getStatus() == Status.DOWN);
            Health down = health.health(true);
            @SuppressWarnings("unchecked")
            Map<String, Object> details = (Map<String, Object>) down.getDetails().get("watched");
            assertThat(details.get("stuck").toString()).contains("watch-in-").contains("offset=");
            String stuckPartition = ((List<Map<String, Object>>) details.get("stuck")).get(0).get("partition")
                .toString();
            long stuckOffset = (long) ((List<Map<String, Object>>) details.get("stuck")).get(0).get("offset");
            assertThat(endpoint.stream("watched").partitions().get(stuckPartition).committed()).isEqualTo(stuckOffset);

            RELEASE.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> health.health(true).getStatus() == Status.UP);
            await().atMost(Duration.ofSeconds(30)).until(() -> endpoint.stream("watched").processed() == 52);
        }
        finally {
            metrics.close();
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({ WatchedIngest.class, WatchedOut.class })
    static class WatchApplication {
    }

    /** Blocks the poll thread on kind {@code block} until released: a stuck processor. */
    @StreamProcessor(stream = "watched", input = "watch-in")
    static class WatchedIngest implements InputProcessor<Payload, Payload> {

        @Override
        public Payload ingest(Payload payload, StreamContext context) {
            if (payload.kind().equals("block")) {
                try {
                    RELEASE.await(60, TimeUnit.SECONDS);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
            return payload;
        }
    }

    @StreamProcessor(stream = "watched", output = "watch-out")
    static class WatchedOut implements OutputProcessor<Payload, Payload> {

        @Override
        public Payload transform(Payload payload) {
            return payload;
        }
    }
}
