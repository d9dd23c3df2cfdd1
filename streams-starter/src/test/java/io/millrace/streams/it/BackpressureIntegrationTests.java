package io.millrace.streams.it;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.processor.StreamProcessor;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stalled stream stops fetching (its partitions pause) and holds a bounded number of records; when a second
 * instance joins and leaves during the stall, no partition stays paused and no record is lost.
 */
class BackpressureIntegrationTests {

    private static final int RECORDS = 400;

    /** Holds every record until released: the stall. */
    static volatile CountDownLatch stall = new CountDownLatch(1);

    private ConfigurableApplicationContext first;

    private ConfigurableApplicationContext second;

    @BeforeAll
    static void topics() {
        TestKafka.createTopic("stall-in", 4);
    }

    @AfterEach
    void close() {
        stall.countDown();
        if (this.second != null) {
            this.second.close();
        }
        if (this.first != null) {
            this.first.close();
        }
    }

    @Test
    void aStalledStreamPausesHoldsBoundedRecordsAndLosesNothingAcrossARebalance() {
        this.first = start();
        TestKafka.send("stall-in", IntStream.range(0, RECORDS)
            .mapToObj((id) -> new String[] { String.valueOf(id), "{\"id\": " + id + ", \"kind\": \"fine\"}" })
            .toList());
        StreamManager manager = this.first.getBean(StreamManager.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            StreamView view = manager.stream("stall").orElseThrow();
            return !view.partitions().isEmpty() && view.paused().size() == view.partitions().size();
        });
        // max-in-flight (40) held by the workers, plus at most one fetch (max.poll.records 25) waiting.
        assertThat(manager.stream("stall").orElseThrow().consumed()).isLessThanOrEqualTo(40 + 25);

        this.second = start();
        StreamManager other = this.second.getBean(StreamManager.class);
        await().atMost(Duration.ofSeconds(60))
            .until(() -> !other.stream("stall").orElseThrow().partitions().isEmpty());
        stall.countDown();
        await().atMost(Duration.ofSeconds(60)).until(() -> outputIds().size() >= RECORDS / 2);
        this.second.close();
        this.second = null;

        await().atMost(Duration.ofSeconds(90)).until(() -> outputIds().size() == RECORDS);
        assertThat(outputIds()).containsExactlyElementsOf(IntStream.range(0, RECORDS).boxed().toList());
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            StreamView view = manager.stream("stall").orElseThrow();
            return view.partitions().size() == 4 && view.paused().isEmpty();
        });
    }

    private static Set<Integer> outputIds() {
        return TestKafka.readAll("stall-out").stream().map((record) -> Integer.valueOf(TestKafka.utf8(record.key())))
            .collect(Collectors.toCollection(TreeSet::new));
    }

    private static ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(StallApplication.class).web(WebApplicationType.NONE).run(
                "--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                "--millrace.application-id=stall-test",
                "--millrace.streams.stall.workers=4",
                "--millrace.streams.stall.max-in-flight=40",
                "--millrace.streams.stall.shutdown-timeout=2s",
                "--millrace.streams.stall.commit.interval=100ms",
                "--millrace.streams.stall.consumer.max.poll.records=25");
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({ StallIngest.class, StallOut.class })
    static class StallApplication {
    }

    @StreamProcessor(stream = "stall", input = "stall-in")
    static class StallIngest implements InputProcessor<Payload, Payload> {

        @Override
        public Payload ingest(Payload payload, StreamContext context) {
            try {
                stall.await(60, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
            return payload;
        }
    }

    @StreamProcessor(stream = "stall", output = "stall-out")
    static class StallOut implements OutputProcessor<Payload, Payload> {

        @Override
        public Payload transform(Payload payload) {
            return payload;
        }
    }
}
