package io.millrace.streams.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import io.millrace.streams.actuate.StreamsEndpoint;
import io.millrace.streams.health.StreamsHealthIndicator;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamState;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dead-letter limits on a real broker: a stream that reaches its limit, and one whose dead-letter topic cannot be
 * written, stop in {@code FAILED} with health {@code DOWN}, commit nothing from the failing record on, and lose
 * nothing once restarted. Streams defined in configuration: values that are not JSON are dead-lettered
 * ({@code INVALID_INPUT}), valid ones copied to the output.
 */
@ExtendWith(OutputCaptureExtension.class)
class DeadLetterLimitIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void theThirdDeadLetterInARowStopsTheStreamUncommittedAndARestartWithTheLimitRaisedLosesNothing(
            CapturedOutput output) {
        TestKafka.createTopic("guarded-in", 1);
        // Offsets 0-4 valid, 5-7 not JSON, 8-11 valid.
        List<String[]> records = new ArrayList<>();
        IntStream.range(0, 5).forEach((id) -> records.add(valid(id)));
        IntStream.range(5, 8).forEach((id) -> records.add(new String[] { String.valueOf(id), "{not json " + id }));
        IntStream.range(8, 12).forEach((id) -> records.add(valid(id)));
        try (ConfigurableApplicationContext context = guarded("guarded", "at-least-once", 3)) {
            StreamManager manager = context.getBean(StreamManager.class);
            TestKafka.send("guarded-in", records);
            await().atMost(TIMEOUT).until(() -> manager.stream("guarded").orElseThrow().state() == StreamState.FAILED);

            StreamView view = new StreamsEndpoint(manager).stream("guarded");
            assertThat(view.error()).contains("DeadLetterLimitExceeded")
                .contains("on guarded-in-0 at offset 7")
                .contains("3 dead letters in a row (max-consecutive 3)")
                .contains("guarded-in-0@5 INVALID_INPUT", "guarded-in-0@6 INVALID_INPUT", "guarded-in-0@7 INVALID_INPUT");
            Health health = context.getBean(StreamsHealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("guarded").toString()).contains("max-consecutive 3");
            assertThat(output.getOut()).containsPattern("ERROR .*Stream 'guarded' failed.*max-consecutive 3.*"
                    + "Last dead letters: guarded-in-0@5 INVALID_INPUT");
            // Everything before the third dead letter is committed, nothing from it on.
            assertThat(TestKafka.committed("dlq-limit-test-guarded")).isEqualTo(7);
        }

        try (ConfigurableApplicationContext context = guarded("guarded", "at-least-once", 10)) {
            StreamManager manager = context.getBean(StreamManager.class);
            await().atMost(TIMEOUT).until(() -> TestKafka.committed("dlq-limit-test-guarded") == 12);
            assertThat(manager.stream("guarded").orElseThrow().state()).isEqualTo(StreamState.RUNNING);
            // The restart began at the third bad record: it is dead-lettered again, and the valid ones after it copied.
            assertThat(manager.stream("guarded").orElseThrow().deadLettered()).isEqualTo(1);
            assertThat(manager.stream("guarded").orElseThrow().processed()).isEqualTo(5);
        }
        assertThat(TestKafka.readAll("guarded-out")).extracting((record) -> TestKafka.utf8(record.key()))
            .containsAll(IntStream.range(0, 12).filter((id) -> id < 5 || id >= 8).mapToObj(String::valueOf).toList())
            .doesNotContain("5", "6", "7");
        assertThat(TestKafka.readAll("guarded-in-dlt")).extracting((record) -> TestKafka.utf8(record.key()))
            .containsOnly("5", "6", "7")
            .contains("5", "6", "7");
    }

    @Test
    void aStreamWhoseDeadLetterTopicCannotBeWrittenStopsUncommittedAtTheRecordAndLosesNothing() throws Exception {
        TestKafka.createTopic("orphan-in", 1);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(LimitApplication.class)
            .web(WebApplicationType.NONE)
            .run("--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                    "--millrace.application-id=dlq-limit-test",
                    "--millrace.streams.orphan.input=orphan-in",
                    "--millrace.streams.orphan.schema=json:" + Payload.class.getName(),
                    "--millrace.streams.orphan.outputs.orphan-out.partitioner=hash",
                    "--millrace.streams.orphan.dead-letter-topic=orphan-dlt",
                    "--millrace.streams.orphan.commit.interval=100ms",
                    // Fail a send to a missing topic within seconds rather than after the default two minutes.
                    "--millrace.streams.orphan.producer.max.block.ms=3000",
                    "--millrace.streams.orphan.producer.request.timeout.ms=2000",
                    "--millrace.streams.orphan.producer.delivery.timeout.ms=4000")) {
            StreamManager manager = context.getBean(StreamManager.class);
            TestKafka.send("orphan-in", List.<String[]>of(valid(0)));
            await().atMost(TIMEOUT).until(() -> TestKafka.committed("dlq-limit-test-orphan") == 1);
            assertThat(TestKafka.topicExists("orphan-dlt")).isTrue();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.brokers()))) {
                admin.deleteTopics(List.of("orphan-dlt")).all().get(30, TimeUnit.SECONDS);
            }
            await().atMost(TIMEOUT).until(() -> !TestKafka.topicExists("orphan-dlt"));

            TestKafka.send("orphan-in", List.of(new String[] { "1", "{not json" }, valid(2)));
            await().atMost(TIMEOUT).until(() -> manager.stream("orphan").orElseThrow().state() == StreamState.FAILED);
            assertThat(manager.stream("orphan").orElseThrow().error())
                .contains("The dead letter of orphan-in-0@1 could not be written to orphan-dlt");
            assertThat(context.getBean(StreamsHealthIndicator.class).health(true).getStatus())
                .isEqualTo(Status.DOWN);
            assertThat(TestKafka.committed("dlq-limit-test-orphan")).isEqualTo(1);

            TestKafka.createTopic("orphan-dlt", 1);
            manager.restartStream("orphan");
            await().atMost(TIMEOUT).until(() -> TestKafka.committed("dlq-limit-test-orphan") == 3);
            assertThat(manager.stream("orphan").orElseThrow().state()).isEqualTo(StreamState.RUNNING);
        }
        assertThat(TestKafka.readAll("orphan-dlt")).singleElement().satisfies((letter) -> {
            assertThat(TestKafka.utf8(letter.key())).isEqualTo("1");
            assertThat(TestKafka.header(letter, DeadLetters.REASON)).isEqualTo("INVALID_INPUT");
        });
        assertThat(TestKafka.readAll("orphan-out")).extracting((record) -> TestKafka.utf8(record.key()))
            .contains("0", "2");
    }

    @Test
    void underExactlyOnceTheLimitAbortsTheOpenTransactionAndARestartYieldsEveryRecordOnce() {
        TestKafka.createTopic("sealed-in", 1);
        List<String[]> records = new ArrayList<>();
        IntStream.range(0, 5).forEach((id) -> records.add(valid(id)));
        IntStream.range(5, 8).forEach((id) -> records.add(new String[] { String.valueOf(id), "{not json " + id }));
        IntStream.range(8, 12).forEach((id) -> records.add(valid(id)));
        try (ConfigurableApplicationContext context = guarded("sealed", "exactly-once", 3)) {
            StreamManager manager = context.getBean(StreamManager.class);
            TestKafka.send("sealed-in", records);
            await().atMost(TIMEOUT).until(() -> manager.stream("sealed").orElseThrow().state() == StreamState.FAILED);
            assertThat(manager.stream("sealed").orElseThrow().error()).contains("on sealed-in-0 at offset 7")
                .contains("max-consecutive 3");
            // The last transaction committed before the third dead letter, whichever that was.
            assertThat(TestKafka.committed("dlq-limit-test-sealed")).isLessThanOrEqualTo(7);
        }
        try (ConfigurableApplicationContext context = guarded("sealed", "exactly-once", 0)) {
            await().atMost(TIMEOUT).until(() -> TestKafka.committed("dlq-limit-test-sealed") == 12);
        }
        // Read committed: the aborted transaction's outputs and dead letters are not there, the restart's are, once.
        assertThat(TestKafka.readAll("sealed-out")).extracting((record) -> TestKafka.utf8(record.key()))
            .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 12).filter((id) -> id < 5 || id >= 8)
                .mapToObj(String::valueOf).toList());
        assertThat(TestKafka.readAll("sealed-in-dlt")).extracting((record) -> TestKafka.utf8(record.key()))
            .containsExactlyInAnyOrder("5", "6", "7");
    }

    /** A stream reading {@code <name>-in}, stopping at {@code maxConsecutive} dead letters in a row (0: never). */
    private static ConfigurableApplicationContext guarded(String name, String guarantee, int maxConsecutive) {
        String stream = "--millrace.streams." + name + ".";
        return new SpringApplicationBuilder(LimitApplication.class).web(WebApplicationType.NONE).run(
                "--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                "--millrace.application-id=dlq-limit-test",
                stream + "input=" + name + "-in",
                stream + "schema=json:" + Payload.class.getName(),
                stream + "outputs." + name + "-out.partitioner=hash",
                stream + "guarantee=" + guarantee,
                stream + "commit.interval=100ms",
                stream + "dead-letter-limit.max-consecutive=" + maxConsecutive);
    }

    private static String[] valid(int id) {
        return new String[] { String.valueOf(id), "{\"id\": " + id + ", \"kind\": \"fine\"}" };
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class LimitApplication {
    }
}
