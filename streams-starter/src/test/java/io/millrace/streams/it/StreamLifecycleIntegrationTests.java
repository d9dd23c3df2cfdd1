package io.millrace.streams.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import io.millrace.streams.autoconfigure.SchemaResolver;
import io.millrace.streams.health.StreamsHealthIndicator;
import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamState;
import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Streams against a real broker: retries and dead letters of failing processors, a stream waiting for its input
 * topic, streams added and removed at runtime.
 */
class StreamLifecycleIntegrationTests {

    private static ConfigurableApplicationContext context;

    private static StreamManager manager;

    @BeforeAll
    static void start() {
        TestKafka.createTopic("flaky-in", 2);
        TestKafka.createTopic("steady-in", 2);
        context = new SpringApplicationBuilder(LifecycleTestApplication.class).web(WebApplicationType.NONE).run(
                "--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                "--millrace.application-id=lifecycle-test",
                "--millrace.streams.flaky.retry.max-attempts=3",
                "--millrace.streams.flaky.retry.backoff=10ms",
                "--millrace.streams.flaky.commit.interval=100ms");
        manager = context.getBean(StreamManager.class);
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void aFailingProcessorIsRetriedThenItsRecordIsDeadLetteredWhileTheStreamGoesOn() {
        TestKafka.send("flaky-in", List.of(
                new String[] { "1", "{\"id\": 1, \"kind\": \"fine\"}" },
                new String[] { "2", "{\"id\": 2, \"kind\": \"poison\"}" },
                new String[] { "3", "{\"id\": 3, \"kind\": \"transient\"}" },
                new String[] { "4", "{\"id\": 4, \"kind\": \"fine\"}" },
                new String[] { "5", "{\"id\": 5, \"kind\": \"bad-output\"}" }));
        await().atMost(Duration.ofSeconds(60)).until(() -> manager.stream("flaky").orElseThrow().processed() >= 5);

        assertThat(LifecycleTestApplication.ATTEMPTS.get(2L)).hasValue(3);
        assertThat(LifecycleTestApplication.ATTEMPTS.get(3L)).hasValue(2);
        assertThat(TestKafka.readAll("flaky-out")).extracting((record) -> TestKafka.utf8(record.key()))
            .containsExactlyInAnyOrder("1", "3", "4");
        List<ConsumerRecord<byte[], byte[]>> dead = TestKafka.readAll("flaky-in-dlt");
        assertThat(dead).hasSize(2);
        assertThat(dead).filteredOn((letter) -> TestKafka.utf8(letter.key()).equals("5")).singleElement()
            .satisfies((letter) -> {
                assertThat(TestKafka.header(letter, DeadLetters.REASON)).isEqualTo("OUTPUT_FAILED");
                assertThat(TestKafka.header(letter, DeadLetters.EXCEPTION_MESSAGE)).contains("kind");
            });
        assertThat(dead).filteredOn((letter) -> TestKafka.utf8(letter.key()).equals("2")).singleElement()
            .satisfies((letter) -> {
            assertThat(TestKafka.utf8(letter.key())).isEqualTo("2");
            assertThat(TestKafka.utf8(letter.value())).isEqualTo("{\"id\": 2, \"kind\": \"poison\"}");
            assertThat(TestKafka.header(letter, DeadLetters.REASON)).isEqualTo("PROCESSOR_FAILED");
            assertThat(TestKafka.header(letter, DeadLetters.EXCEPTION_FQCN))
                .isEqualTo(IllegalStateException.class.getName());
            assertThat(TestKafka.header(letter, DeadLetters.EXCEPTION_MESSAGE)).isEqualTo("cannot digest 2 on attempt 3");
            assertThat(TestKafka.header(letter, DeadLetters.EXCEPTION_STACKTRACE)).contains("FlakyIngest.ingest");
        });
        assertThat(manager.stream("flaky").orElseThrow().state()).isEqualTo(StreamState.RUNNING);
        assertThat(manager.stream("flaky").orElseThrow().deadLettered()).isEqualTo(2);
        // Created by the stream with the input's partition count.
        assertThat(TestKafka.partitions("flaky-out")).isEqualTo(2);
        assertThat(TestKafka.partitions("flaky-in-dlt")).isEqualTo(2);
    }

    @Test
    void aStreamWaitsForItsMissingInputTopicAndSaysSoThenStartsWhenItAppears() {
        await().atMost(Duration.ofSeconds(30))
            .until(() -> manager.stream("late").orElseThrow().state() == StreamState.WAITING_FOR_INPUT);
        Health health = context.getBean(StreamsHealthIndicator.class).health(true);
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails().get("late").toString()).contains("late-in");

        TestKafka.createTopic("late-in", 1);
        TestKafka.send("late-in", "7", "{\"id\": 7, \"kind\": \"fine\"}");
        await().atMost(Duration.ofSeconds(60)).until(() -> manager.stream("late").orElseThrow().processed() == 1);
        assertThat(manager.stream("late").orElseThrow().state()).isEqualTo(StreamState.RUNNING);
        assertThat(TestKafka.readAll("late-out")).extracting((record) -> TestKafka.utf8(record.key()))
            .containsExactly("7");
    }

    @Test
    void aStreamAddedAtRuntimeRunsAndWhenRemovedCommitsAndLeavesItsGroup() throws Exception {
        TestKafka.createTopic("added-in", 2);
        SchemaResolver schemas = context.getBean(SchemaResolver.class);
        InputProcessor<Payload, Payload> ingest = (payload, streamContext) -> payload;
        OutputProcessor<Payload, Payload> out = (payload) -> payload;
        manager.addStream(StreamDefinition.builder("added")
            .input("added-in", schemas.resolve(Payload.class).orElseThrow(), ingest)
            .output("added-out", schemas.resolve(Payload.class).orElseThrow(), out)
            .build());
        TestKafka.send("added-in", IntStream.range(0, 20)
            .mapToObj((id) -> new String[] { String.valueOf(id), "{\"id\": " + id + ", \"kind\": \"fine\"}" })
            .toList());
        await().atMost(Duration.ofSeconds(60)).until(() -> manager.stream("added").orElseThrow().processed() == 20);
        assertThat(keys("added-out")).hasSize(20);

        assertThat(manager.removeStream("added")).isTrue();
        assertThat(manager.stream("added")).isEmpty();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.brokers()))) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("lifecycle-test-added"))
                .describedGroups().get("lifecycle-test-added").get(30, TimeUnit.SECONDS);
            assertThat(group.members()).isEmpty();
            assertThat(group.groupState()).isEqualTo(GroupState.EMPTY);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("lifecycle-test-added")
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(20);
        }
        manager.addStream(StreamDefinition.builder("added")
            .input("added-in", schemas.resolve(Payload.class).orElseThrow(), ingest)
            .output("added-out", schemas.resolve(Payload.class).orElseThrow(), out)
            .build());
        TestKafka.send("added-in", "20", "{\"id\": 20, \"kind\": \"fine\"}");
        await().atMost(Duration.ofSeconds(60)).until(() -> manager.stream("added").orElseThrow().processed() == 1);
        assertThat(keys("added-out")).hasSize(21);
    }

    private static Set<String> keys(String topic) {
        return TestKafka.readAll(topic).stream().map((record) -> TestKafka.utf8(record.key()))
            .collect(Collectors.toCollection(TreeSet::new));
    }
}
