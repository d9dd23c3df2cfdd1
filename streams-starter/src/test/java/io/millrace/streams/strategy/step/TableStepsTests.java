package io.millrace.streams.strategy.step;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

import io.millrace.streams.processor.FlatOutputProcessor;
import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.Output;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.RecordLimits;
import io.millrace.streams.strategy.RetryPolicy;
import io.millrace.streams.strategy.Task;
import io.millrace.streams.strategy.worker.WorkerContext;
import io.millrace.streams.table.ChangelogRecord;
import io.millrace.streams.table.Table;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.TestTables;

import static io.millrace.streams.strategy.step.TestRecords.record;
import static io.millrace.streams.table.TestTables.COUNTS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Ingest} and {@link Route} with a table: a record's writes reach the table and its changelog only when the
 * record finishes, once, and never for a record that is dead-lettered.
 */
class TableStepsTests {

    private static final RetryPolicy THREE_ATTEMPTS = new RetryPolicy(3, Duration.ZERO, 1, Duration.ZERO);

    private static final TableDefinition<String, String> NAMES = TableDefinition.of("names", Schemas.string(),
            Schemas.string());

    private final TestTables tables = new TestTables(false, COUNTS, NAMES);

    private final WorkerContext context = new WorkerContext("fruit", Map.of(), this.tables);

    private final RecordingStep<List<ProducerRecord<byte[], byte[]>>> next = new RecordingStep<>();

    /** Counts each fruit, then hands it on. */
    private final InputProcessor<String, String> counting = (fruit, context) -> {
        context.<String, Long>table("counts").merge(fruit, 1L, Long::sum);
        return fruit;
    };

    private final List<Output<String, ?>> echo = List.of(Output.of("out", Schemas.string(),
            (OutputProcessor<String, String>) (fruit) -> fruit));

    @Test
    void aFinishedRecordsWritesReachTheTableAndItsChangelogAtTheCommitInTheInputPartition() {
        pipeline(this.counting, this.echo).submit(payload(2, 10, "apple"));
        pipeline(this.counting, this.echo).submit(payload(2, 11, "apple"));
        assertThat(count(2, "apple")).isEqualTo(2L);
        assertThat(this.next.submitted).hasSize(2);
        // The outputs go on alone; the changelog gets the latest value of the key once, when the loop commits.
        assertThat(this.next.submitted.get(1).payload()).satisfiesExactly(
                (output) -> assertThat(output.topic()).isEqualTo("out"));
        List<ChangelogRecord> changelog = new ArrayList<>();
        this.tables.partition("counts", 2).sendChangelog(changelog::add);
        assertThat(changelog).singleElement().satisfies((record) -> {
            assertThat(record.topic()).isEqualTo("app-counts-changelog");
            assertThat(record.partition()).isEqualTo(2);
            assertThat(TestRecords.string(record.key())).isEqualTo("apple");
            assertThat(TestRecords.string(record.value())).isEqualTo("2");
        });
        assertThat(count(0, "apple")).isNull();
        assertThat(this.context.writes().isEmpty()).isTrue();
    }

    @Test
    void aProcessorThatWritesThenFailsLeavesTheTableUntouchedAndTheRecordIsDeadLettered() {
        AtomicInteger attempts = new AtomicInteger();
        this.tables.store("counts", 1).put(TestTables.utf8("apple"), TestTables.utf8("5"));
        InputProcessor<String, String> failing = (fruit, context) -> {
            attempts.incrementAndGet();
            Table<String, Long> counts = context.table("counts");
            counts.merge(fruit, 1L, Long::sum);
            counts.put("pear", 1L);
            throw new IllegalStateException("indigestible " + fruit);
        };
        pipeline(failing, this.echo).submit(payload(1, 0, "apple"));
        assertThat(attempts).hasValue(3);
        assertThat(this.next.submitted).singleElement().satisfies((message) -> {
            assertThat(message.invalid().reason()).isEqualTo(InvalidMessage.Reason.PROCESSOR_FAILED);
            assertThat(message.payload()).isNull();
        });
        assertThat(count(1, "apple")).isEqualTo(5L);
        assertThat(count(1, "pear")).isNull();
        assertThat(this.tables.partition("counts", 1).view().written()).isZero();
        assertThat(this.context.writes().isEmpty()).isTrue();

        // The next record starts clean.
        pipeline(this.counting, this.echo).submit(payload(1, 1, "apple"));
        assertThat(count(1, "apple")).isEqualTo(6L);
        assertThat(count(1, "pear")).isNull();
        assertThat(changelogAtCommit(1)).containsExactly("apple=6");
    }

    @Test
    void aRetriedInputProcessorAppliesItsWritesOnce() {
        AtomicInteger attempts = new AtomicInteger();
        InputProcessor<String, String> flaky = (fruit, context) -> {
            long count = context.<String, Long>table("counts").merge(fruit, 1L, Long::sum);
            if (attempts.incrementAndGet() < 3) {
                throw new IllegalStateException("not yet, count would be " + count);
            }
            return fruit + "=" + count;
        };
        pipeline(flaky, this.echo).submit(payload(0, 0, "apple"));
        assertThat(attempts).hasValue(3);
        assertThat(count(0, "apple")).isEqualTo(1L);
        assertThat(this.next.submitted).singleElement().satisfies((message) -> {
            assertThat(TestRecords.string(message.payload().get(0).value())).isEqualTo("apple=1");
        });
        assertThat(changelogAtCommit(0)).containsExactly("apple=1");
    }

    @Test
    void aRetriedOutputProcessorAppliesItsWritesOnceAndKeepsTheInputProcessorsWrites() {
        AtomicInteger attempts = new AtomicInteger();
        FlatOutputProcessor<String, String> flakyOutput = (fruit, context, emitter) -> {
            context.<String, Long>table("counts").merge("emitted", 1L, Long::sum);
            emitter.emit(fruit);
            if (attempts.incrementAndGet() < 2) {
                throw new IllegalStateException("flaky output");
            }
        };
        List<Output<String, ?>> outputs = List.of(new Output<>("out", Schemas.string(), flakyOutput));
        pipeline(this.counting, outputs).submit(payload(0, 0, "apple"));
        assertThat(attempts).hasValue(2);
        assertThat(count(0, "apple")).isEqualTo(1L);
        assertThat(count(0, "emitted")).isEqualTo(1L);
        assertThat(this.next.submitted).singleElement().satisfies((message) -> {
            assertThat(message.payload()).hasSize(1);
        });
        assertThat(changelogAtCommit(0)).containsExactlyInAnyOrder("apple=1", "emitted=1");
    }

    @Test
    void aFailingOutputProcessorDeadLettersTheRecordAndDropsTheInputProcessorsWrites() {
        FlatOutputProcessor<String, String> failingOutput = (fruit, context, emitter) -> {
            throw new IllegalStateException("no output for " + fruit);
        };
        List<Output<String, ?>> outputs = List.of(new Output<>("out", Schemas.string(), failingOutput));
        pipeline(this.counting, outputs).submit(payload(0, 0, "apple"));
        assertThat(this.next.submitted).singleElement().satisfies((message) -> assertThat(message.invalid().reason())
            .isEqualTo(InvalidMessage.Reason.OUTPUT_FAILED));
        assertThat(count(0, "apple")).isNull();
        assertThat(this.context.writes().isEmpty()).isTrue();
    }

    @Test
    void anOutputLargerThanTheProducerSendsDeadLettersTheRecordAndDropsItsWrites() {
        List<Output<String, ?>> outputs = List.of(Output.of("out", Schemas.string(),
                (OutputProcessor<String, String>) (fruit) -> fruit.repeat(200)));
        Route<String> route = new Route<>(outputs, this.context, THREE_ATTEMPTS, 1000, this.next);
        new Ingest<>(this.counting, this.context, THREE_ATTEMPTS, route).submit(payload(0, 0, "apple"));
        new Ingest<>(this.counting, this.context, THREE_ATTEMPTS, route).submit(payload(0, 1, "fig"));
        assertThat(this.next.submitted).hasSize(2);
        assertThat(this.next.submitted.get(0).invalid()).satisfies((invalid) -> {
            assertThat(invalid.reason()).isEqualTo(InvalidMessage.Reason.OUTPUT_FAILED);
            assertThat(invalid.getCause()).isInstanceOf(RecordTooLargeException.class)
                .hasMessageContaining("The output record for out is")
                .hasMessageContaining("max.request.size (1000)");
        });
        assertThat(count(0, "apple")).isNull();
        assertThat(this.next.submitted.get(1).invalid()).isNull();
        assertThat(count(0, "fig")).isEqualTo(1L);
        assertThat(this.context.writes().isEmpty()).isTrue();
    }

    @Test
    void aTableWriteLargerThanTheProducerSendsDeadLettersTheRecordEvenIfItIsFiltered() {
        InputProcessor<String, String> hoard = (fruit, context) -> {
            context.<String, String>table("names").put(fruit, fruit.repeat(300));
            return fruit.startsWith("drop") ? null : fruit;
        };
        Route<String> route = new Route<>(this.echo, this.context, THREE_ATTEMPTS, 1000, this.next);
        new Ingest<>(hoard, this.context, THREE_ATTEMPTS, route).submit(payload(0, 0, "apple"));
        new Ingest<>(hoard, this.context, THREE_ATTEMPTS, route).submit(payload(0, 1, "drop-apple"));
        assertThat(this.next.submitted).hasSize(2).allSatisfy((message) -> {
            assertThat(message.invalid().reason()).isEqualTo(InvalidMessage.Reason.OUTPUT_FAILED);
            assertThat(message.invalid().getCause()).isInstanceOf(RecordTooLargeException.class)
                .hasMessageContaining("The changelog record of table 'names' for app-names-changelog is")
                .hasMessageContaining("max.request.size (1000)");
        });
        assertThat(this.tables.partition("names", 0).get(TestTables.utf8("apple"))).isNull();
        assertThat(this.context.writes().isEmpty()).isTrue();
    }

    @Test
    void aTopicWhoseMaxMessageBytesIsBelowTheProducersLimitTakesOnlyRecordsThatFitIt() {
        OutputProcessor<String, String> wide = (fruit) -> fruit.repeat(200);
        OutputProcessor<String, String> narrow = (fruit) -> fruit.startsWith("big") ? fruit.repeat(200) : fruit;
        List<Output<String, ?>> outputs = List.of(Output.of("wide", Schemas.string(), wide),
                Output.of("narrow", Schemas.string(), narrow));
        RecordLimits limits = RecordLimits.of(10_000).withTopicLimits(Map.of("narrow", 1000, "wide", 50_000));
        Route<String> route = new Route<>(outputs, this.context, THREE_ATTEMPTS, limits, this.next);
        new Ingest<>(this.counting, this.context, THREE_ATTEMPTS, route).submit(payload(0, 0, "apple"));
        new Ingest<>(this.counting, this.context, THREE_ATTEMPTS, route).submit(payload(0, 1, "big-apple"));
        assertThat(this.next.submitted).hasSize(2);
        // 1,000 bytes to the wide topic: above the narrow topic's limit, below the producer's.
        assertThat(this.next.submitted.get(0).invalid()).isNull();
        assertThat(this.next.submitted.get(0).payload()).extracting(ProducerRecord::topic)
            .containsExactly("wide", "narrow");
        assertThat(changelogAtCommit(0)).containsExactly("apple=1");
        assertThat(this.next.submitted.get(1).invalid()).satisfies((invalid) -> {
            assertThat(invalid.reason()).isEqualTo(InvalidMessage.Reason.OUTPUT_FAILED);
            assertThat(invalid.getCause()).isInstanceOf(RecordTooLargeException.class)
                .hasMessageContaining("The output record for narrow is")
                .hasMessageContaining("the topic's max.message.bytes (1000)");
        });
        assertThat(count(0, "apple")).isEqualTo(1L);
        assertThat(count(0, "big-apple")).isNull();
    }

    @Test
    void aChangelogWhoseMaxMessageBytesIsBelowTheProducersLimitDeadLettersLargerWrites() {
        InputProcessor<String, String> hoard = (fruit, context) -> {
            context.<String, String>table("names").put(fruit, fruit.repeat(300));
            return fruit;
        };
        RecordLimits limits = RecordLimits.of(1_000_000).withTopicLimits(Map.of("app-names-changelog", 1000));
        Route<String> route = new Route<>(this.echo, this.context, THREE_ATTEMPTS, limits, this.next);
        new Ingest<>(hoard, this.context, THREE_ATTEMPTS, route).submit(payload(0, 0, "apple"));
        new Ingest<>(hoard, this.context, THREE_ATTEMPTS, route).submit(payload(0, 1, "fig"));
        assertThat(this.next.submitted).hasSize(2);
        assertThat(this.next.submitted.get(0).invalid().getCause()).isInstanceOf(RecordTooLargeException.class)
            .hasMessageContaining("The changelog record of table 'names' for app-names-changelog is")
            .hasMessageContaining("the topic's max.message.bytes (1000)");
        assertThat(this.next.submitted.get(1).invalid()).isNull();
        assertThat(this.tables.partition("names", 0).get(TestTables.utf8("apple"))).isNull();
        assertThat(this.tables.partition("names", 0).get(TestTables.utf8("fig"))).isNotNull();
    }

    @Test
    void aFilteredRecordsWritesStillApplyAndGoToTheChangelog() {
        InputProcessor<String, String> countThenDrop = (fruit, context) -> {
            context.<String, Long>table("counts").merge(fruit, 1L, Long::sum);
            return null;
        };
        pipeline(countThenDrop, this.echo).submit(payload(3, 0, "apple"));
        assertThat(count(3, "apple")).isEqualTo(1L);
        assertThat(this.next.submitted).singleElement().satisfies((message) -> {
            assertThat(message.invalid()).isNull();
            assertThat(message.payload()).as("no output").isNullOrEmpty();
        });
        assertThat(changelogAtCommit(3)).containsExactly("apple=1");
    }

    @Test
    void aFilteredRecordWithoutWritesStaysFiltered() {
        pipeline((fruit, context) -> null, this.echo).submit(payload(3, 0, "apple"));
        assertThat(this.next.submitted).singleElement().satisfies((message) -> {
            assertThat(message.payload()).as("no output").isNullOrEmpty();
            assertThat(message.payload()).isNull();
        });
    }

    @Test
    void anUndecodableRecordReachesNoProcessorAndWritesNothing() {
        Message<String> invalid = payload(0, 0, "apple")
            .invalid(new InvalidMessage(InvalidMessage.Reason.INVALID_INPUT, new RuntimeException("undecodable")));
        pipeline(this.counting, this.echo).submit(invalid);
        assertThat(this.next.submitted).singleElement()
            .satisfies((message) -> assertThat(message.invalid()).isNotNull());
        assertThat(count(0, "apple")).isNull();
    }

    @Test
    void theThreadedTasksApplyWritesLikeTheSteps() {
        AtomicInteger attempts = new AtomicInteger();
        InputProcessor<String, String> failingOnce = (fruit, context) -> {
            context.<String, Long>table("counts").merge(fruit, 1L, Long::sum);
            if (fruit.equals("poison") || attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("no");
            }
            return fruit;
        };
        Task<String, List<ProducerRecord<byte[], byte[]>>> task = Ingest.task(failingOnce, THREE_ATTEMPTS)
            .andThen(Route.task(this.echo, THREE_ATTEMPTS));
        Message<List<ProducerRecord<byte[], byte[]>>> counted = task.run(payload(2, 0, "apple"), this.context);
        assertThat(counted.invalid()).isNull();
        assertThat(changelogAtCommit(2)).containsExactly("apple=1");
        Message<List<ProducerRecord<byte[], byte[]>>> poisoned = task.run(payload(2, 1, "poison"), this.context);
        assertThat(poisoned.invalid().reason()).isEqualTo(InvalidMessage.Reason.PROCESSOR_FAILED);
        assertThat(count(2, "apple")).isEqualTo(1L);
        assertThat(count(2, "poison")).isNull();
    }

    private Ingest<String, String> pipeline(InputProcessor<String, String> processor,
            List<Output<String, ?>> outputs) {
        Route<String> route = new Route<>(outputs, this.context, THREE_ATTEMPTS, this.next);
        return new Ingest<>(processor, this.context, THREE_ATTEMPTS, route);
    }

    private static Message<String> payload(int partition, long offset, String value) {
        return Message.of(record("in", partition, offset, value, value)).withPayload(value);
    }

    private Long count(int partition, String fruit) {
        byte[] value = this.tables.partition("counts", partition).get(TestTables.utf8(fruit));
        return (value != null) ? Long.valueOf(TestTables.text(value)) : null;
    }

    /** What a partition of the counts table sends to its changelog when the loop commits next. */
    private List<String> changelogAtCommit(int partition) {
        List<ChangelogRecord> records = new ArrayList<>();
        this.tables.partition("counts", partition).sendChangelog(records::add);
        return records.stream()
            .map((record) -> TestRecords.string(record.key()) + "=" + TestRecords.string(record.value()))
            .toList();
    }
}
