package io.millrace.streams.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import io.millrace.streams.processor.BatchInputProcessor;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.processor.StreamProcessor;
import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * A stream whose input processor takes batches ({@code batch.size=10}, {@code batch.time=100ms}) against a real
 * broker: every record goes out or to the dead-letter topic, and a failing batch dead-letters all its records.
 */
class BatchInputProcessorIntegrationTests {

    private static final String INPUT = "batch-processor-in";

    private static final String OUTPUT = "batch-processor-out";

    private static final String DEAD_LETTERS = INPUT + "-dlt";

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** The ids of each call of the batch processor, retries included, in call order. */
    static final List<List<Long>> CALLS = new CopyOnWriteArrayList<>();

    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() {
        TestKafka.createTopic(INPUT, 2);
        context = new SpringApplicationBuilder(BatchApplication.class).web(WebApplicationType.NONE).run(
                "--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                "--millrace.application-id=batch-processor-test",
                "--millrace.streams.batched.batch.size=10",
                "--millrace.streams.batched.batch.time=100ms",
                "--millrace.streams.batched.retry.max-attempts=2",
                "--millrace.streams.batched.retry.backoff=10ms",
                "--millrace.streams.batched.commit.interval=100ms");
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void everyValidRecordGoesOutInBatchesOfAtMostTheSizeAndInvalidOnesAreDeadLettered() {
        List<String[]> records = new ArrayList<>();
        for (long id = 0; id < 95; id++) {
            records.add(new String[] { String.valueOf(id), "{\"id\": " + id + ", \"kind\": \"fine\"}" });
            if (id == 10) {
                records.add(new String[] { "not-json", "{not json" });
            }
            else if (id == 50) {
                records.add(new String[] { "no-kind", "{\"id\": 500}" });
            }
            else if (id == 90) {
                records.add(new String[] { "blank-kind", "{\"id\": 501, \"kind\": \" \"}" });
            }
        }
        TestKafka.send(INPUT, records);
        LongPredicate mine = (id) -> id < 95;

        List<Long> out = outputIds(mine, 95);
        assertThat(out).containsExactlyInAnyOrderElementsOf(LongStream.range(0, 95).boxed().toList());
        List<ConsumerRecord<byte[], byte[]>> dead = TestKafka.readUntil(DEAD_LETTERS,
                (read) -> read.stream().filter(BatchInputProcessorIntegrationTests::invalidInput).count() >= 3, WAIT);
        assertThat(dead).filteredOn(BatchInputProcessorIntegrationTests::invalidInput)
            .extracting((letter) -> TestKafka.utf8(letter.key()))
            .containsExactlyInAnyOrder("not-json", "no-kind", "blank-kind");
        assertThat(dead).filteredOn(BatchInputProcessorIntegrationTests::invalidInput)
            .allSatisfy((letter) -> assertThat(TestKafka.header(letter, DeadLetters.REASON)).isEqualTo("INVALID_INPUT"));

        List<List<Long>> calls = callsWith(mine);
        assertThat(calls).allSatisfy((call) -> assertThat(call).hasSizeBetween(1, 10));
        assertThat(calls).as("processor calls for 95 records").hasSizeLessThan(95);
        Set<Long> processed = calls.stream().flatMap(List::stream).collect(Collectors.toCollection(TreeSet::new));
        assertThat(processed).hasSize(95);
    }

    @Test
    void aBatchThatThrowsDeadLettersEveryRecordOfThatBatchAsProcessorFailed() {
        List<String[]> records = new ArrayList<>();
        for (long id = 1000; id < 1030; id++) {
            String kind = (id == 1015) ? "poison" : "fine";
            records.add(new String[] { String.valueOf(id), "{\"id\": " + id + ", \"kind\": \"" + kind + "\"}" });
        }
        TestKafka.send(INPUT, records);
        LongPredicate mine = (id) -> id >= 1000 && id < 1030;
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
            .until(() -> ids(TestKafka.readAll(OUTPUT), mine).size() + ids(TestKafka.readAll(DEAD_LETTERS), mine)
                .size() >= 30);

        List<List<Long>> poisoned = CALLS.stream().filter((call) -> call.contains(1015L)).toList();
        assertThat(poisoned).as("the poisoned batch, tried twice").hasSize(2);
        assertThat(poisoned.get(0)).isEqualTo(poisoned.get(1)).hasSizeBetween(1, 10);
        Set<Long> batch = new TreeSet<>(poisoned.get(0));
        List<ConsumerRecord<byte[], byte[]>> dead = TestKafka.readAll(DEAD_LETTERS).stream()
            .filter((letter) -> mine.test(id(letter)))
            .toList();
        assertThat(dead).extracting(BatchInputProcessorIntegrationTests::id).containsExactlyInAnyOrderElementsOf(batch);
        assertThat(dead).allSatisfy((letter) -> {
            assertThat(TestKafka.header(letter, DeadLetters.REASON)).isEqualTo("PROCESSOR_FAILED");
            assertThat(TestKafka.header(letter, DeadLetters.EXCEPTION_MESSAGE)).contains("poison");
        });
        Set<Long> expectedOut = LongStream.range(1000, 1030).boxed().filter((id) -> !batch.contains(id))
            .collect(Collectors.toCollection(TreeSet::new));
        assertThat(ids(TestKafka.readAll(OUTPUT), mine)).containsExactlyInAnyOrderElementsOf(expectedOut);
    }

    @Test
    void aBatchProcessorWithSeveralWorkersFailsAtStartupNamingTheStream() {
        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(WorkersBatchApplication.class)
            .web(WebApplicationType.NONE)
            .run("--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                    "--millrace.application-id=batch-workers-test",
                    "--millrace.streams.batchworkers.workers=4")
            .close());
        assertThat(failure).as("startup failure").isNotNull();
        assertThat(failure).rootCause().isInstanceOf(InvalidStreamsException.class)
            .hasMessageContaining("'batchworkers'")
            .hasMessageContaining("workers");
    }

    /** Reads the output until it holds {@code count} records of the test's ids, and returns their ids. */
    private static List<Long> outputIds(LongPredicate mine, int count) {
        return ids(TestKafka.readUntil(OUTPUT, (read) -> ids(read, mine).size() >= count, WAIT), mine);
    }

    private static List<List<Long>> callsWith(LongPredicate mine) {
        return CALLS.stream().filter((call) -> call.stream().anyMatch(mine::test)).toList();
    }

    private static List<Long> ids(List<ConsumerRecord<byte[], byte[]>> records, LongPredicate mine) {
        return records.stream().map(BatchInputProcessorIntegrationTests::id).filter(mine::test).toList();
    }

    /** The record's id, from its key; {@code -1} for the keys of the invalid records. */
    private static long id(ConsumerRecord<byte[], byte[]> record) {
        String key = TestKafka.utf8(record.key());
        return (key != null && key.matches("\\d+")) ? Long.parseLong(key) : -1;
    }

    private static boolean invalidInput(ConsumerRecord<byte[], byte[]> letter) {
        return Set.of("not-json", "no-kind", "blank-kind").contains(TestKafka.utf8(letter.key()));
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({ BatchIngest.class, BatchOut.class })
    static class BatchApplication {
    }

    /** Records each batch; a batch that holds a payload of kind {@code poison} fails as a whole. */
    @StreamProcessor(stream = "batched", input = INPUT)
    static class BatchIngest implements BatchInputProcessor<Payload, Payload> {

        @Override
        public List<Payload> ingestBatch(List<Payload> values, StreamContext context) {
            CALLS.add(values.stream().map(Payload::id).toList());
            if (values.stream().anyMatch((payload) -> payload.kind().equals("poison"))) {
                throw new IllegalStateException("poison in batch of " + values.size());
            }
            return values;
        }
    }

    @StreamProcessor(stream = "batched", output = OUTPUT)
    static class BatchOut implements OutputProcessor<Payload, Payload> {

        @Override
        public Payload transform(Payload payload) {
            return payload;
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({ WorkersBatchIngest.class, WorkersBatchOut.class })
    static class WorkersBatchApplication {
    }

    @StreamProcessor(stream = "batchworkers", input = "batch-workers-in")
    static class WorkersBatchIngest implements BatchInputProcessor<Payload, Payload> {

        @Override
        public List<Payload> ingestBatch(List<Payload> values, StreamContext context) {
            return values;
        }
    }

    @StreamProcessor(stream = "batchworkers", output = "batch-workers-out")
    static class WorkersBatchOut implements OutputProcessor<Payload, Payload> {

        @Override
        public Payload transform(Payload payload) {
            return payload;
        }
    }
}
