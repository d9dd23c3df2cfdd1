package io.millrace.streams.strategy.step;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.millrace.streams.processor.FlatOutputProcessor;
import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.Output;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.RecordLimits;
import io.millrace.streams.strategy.RetryPolicy;
import io.millrace.streams.strategy.worker.WorkerContext;
import io.millrace.streams.table.ChangelogRecord;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.TestTables;
import io.millrace.streams.table.WindowKeys;
import io.millrace.streams.table.internal.StoredTablePartition;
import io.millrace.streams.table.Windowed;
import io.millrace.streams.table.Windows;

import static io.millrace.streams.strategy.step.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Ingest} and {@link Route} with a windowed table: records are counted in the windows of their event time,
 * a window's result goes out once, with the record that moves the stream time past its end plus grace, and a
 * record for closed windows is dead-lettered as {@code LATE}. Values are {@code fruit@eventTime}.
 */
class WindowStepsTests {

    private static final RetryPolicy THREE_ATTEMPTS = new RetryPolicy(3, Duration.ZERO, 1, Duration.ZERO);

    private static final TableDefinition<String, Long> TUMBLING = TableDefinition
        .of("counts", Schemas.string(), TestTables.LONGS)
        .withWindows(Windows.tumbling(Duration.ofSeconds(10)).withGrace(Duration.ofSeconds(5)));

    private final RecordingStep<List<ProducerRecord<byte[], byte[]>>> next = new RecordingStep<>();

    /** Counts each fruit in its windows; its own output is nothing. */
    private static final InputProcessor<String, String> COUNTING = new InputProcessor<>() {

        @Override
        public long eventTime(String value, StreamContext context) {
            return Long.parseLong(value.substring(value.indexOf('@') + 1));
        }

        @Override
        public String ingest(String value, StreamContext context) {
            context.<String, Long>windowedTable("counts").merge(fruit(value), 1L, Long::sum);
            return null;
        }
    };

    /** One record per closed window: {@code fruit[start,end)=count}. */
    private static final List<Output<String, ?>> RESULTS = List.of(Output.closedWindows("counts", "results",
            Schemas.string(), (OutputProcessor<Windowed<String, Long>, String>) (window) -> window.key() + "["
                    + window.windowStart() + "," + window.windowEnd() + ")=" + window.value()));

    @Test
    void aWindowsResultGoesOutWithTheRecordThatMovesTheStreamTimePastItsEndPlusGrace() {
        Pipeline pipeline = new Pipeline(new TestTables(false, TUMBLING), COUNTING, RESULTS);
        pipeline.send(0, "apple@1000", "apple@3000", "pear@9000", "apple@12000", "pear@14999");
        assertThat(pipeline.results()).isEmpty();
        // Out of order but inside the grace: still counted in [0, 10000).
        pipeline.send(0, "apple@8000");
        pipeline.send(0, "apple@15000");
        assertThat(pipeline.results()).containsExactly("apple[0,10000)=3", "pear[0,10000)=1");
        // The results travel with the record that closed the window, keyed by the window's key.
        Message<List<ProducerRecord<byte[], byte[]>>> closing = pipeline.next.submitted.get(6);
        assertThat(closing.payload()).filteredOn((record) -> record.topic().equals("results"))
            .extracting((record) -> TestRecords.string(record.key())).containsExactly("apple", "pear");
        pipeline.send(0, "apple@24999", "fig@16000");
        assertThat(pipeline.results()).containsExactly("apple[0,10000)=3", "pear[0,10000)=1");
        pipeline.send(0, "fig@25000");
        // [10000, 20000): apple@12000, apple@15000, pear@14999, fig@16000.
        assertThat(pipeline.results()).containsExactly("apple[0,10000)=3", "pear[0,10000)=1", "apple[10000,20000)=2",
                "fig[10000,20000)=1", "pear[10000,20000)=1");
    }

    @Test
    void aRecordForAClosedWindowIsDeadLetteredAsLateAndNotCounted() {
        TestTables tables = new TestTables(false, TUMBLING);
        Pipeline pipeline = new Pipeline(tables, COUNTING, RESULTS);
        pipeline.send(1, "apple@1000", "apple@15000");
        assertThat(pipeline.results()).containsExactly("apple[0,10000)=1");
        pipeline.send(1, "apple@9999", "pear@-5");
        List<Message<List<ProducerRecord<byte[], byte[]>>>> late = pipeline.next.submitted.subList(2, 4);
        assertThat(late).allSatisfy((message) -> {
            assertThat(message.invalid().reason()).isEqualTo(InvalidMessage.Reason.LATE);
            assertThat(message.invalid()).hasMessageContaining("late for table 'counts'");
        });
        // Neither counted, nor a second result.
        pipeline.send(1, "apple@40000");
        assertThat(pipeline.results()).containsExactly("apple[0,10000)=1", "apple[10000,20000)=1");
        assertThat(tables.partition("counts", 1).view().windows()).satisfies((windows) -> {
            assertThat(windows.late()).isEqualTo(2);
            assertThat(windows.closed()).isEqualTo(2);
            assertThat(windows.open()).isEqualTo(1);
            assertThat(windows.streamTime()).isEqualTo(40000L);
            assertThat(windows.lastClosedStart()).isEqualTo(20000L);
        });
    }

    @Test
    void aTableThatDropsLateRecordsCountsThemAndCommitsTheirOffsets() {
        TableDefinition<String, Long> dropping = TableDefinition.of("counts", Schemas.string(), TestTables.LONGS)
            .withWindows(Windows.tumbling(Duration.ofSeconds(10)).droppingLate());
        TestTables tables = new TestTables(false, dropping);
        Pipeline pipeline = new Pipeline(tables, COUNTING, RESULTS);
        pipeline.send(0, "apple@1000", "apple@10000", "apple@500");
        assertThat(pipeline.next.submitted.get(2).invalid()).isNull();
        assertThat(pipeline.results()).containsExactly("apple[0,10000)=1");
        assertThat(tables.partition("counts", 0).view().windows().droppedLate()).isEqualTo(1);
    }

    @Test
    void hoppingWindowsCountARecordInEveryWindowItFallsIn() {
        TableDefinition<String, Long> hopping = TableDefinition.of("counts", Schemas.string(), TestTables.LONGS)
            .withWindows(Windows.hopping(Duration.ofSeconds(10), Duration.ofSeconds(5)));
        Pipeline pipeline = new Pipeline(new TestTables(false, hopping), COUNTING, RESULTS);
        pipeline.send(0, "apple@7000", "apple@12000", "apple@30000");
        assertThat(pipeline.results()).containsExactly("apple[0,10000)=1", "apple[5000,15000)=2",
                "apple[10000,20000)=1");
    }

    @Test
    void underExactlyOnceTheClosedWindowIsMarkedInTheSameRecordAndAnAbortForgetsIt() {
        TestTables tables = new TestTables(true, TUMBLING);
        Pipeline pipeline = new Pipeline(tables, COUNTING, RESULTS);
        pipeline.send(0, "apple@1000");
        tables.partition("counts", 0).commit();
        pipeline.send(0, "apple@15000");
        // The mark is a write of the record's transaction: it reaches the changelog when the transaction commits
        // (the latest value of each key once), not with the record's outputs.
        assertThat(meta(pipeline.next.submitted.get(1))).isEmpty();
        assertThat(metaAtCommit(tables.partition("counts", 0))).containsExactly(15000L, 0L);
        // The transaction aborts: the closing is forgotten with the result, and the replay closes again.
        tables.partition("counts", 0).abort();
        // Back to what the first, committed record wrote.
        assertThat(tables.partition("counts", 0).windowState().streamTime()).isEqualTo(1000L);
        assertThat(tables.partition("counts", 0).windowState().lastClosedStart()).isEqualTo(-20000L);
        pipeline.send(0, "apple@15000");
        assertThat(pipeline.results()).containsExactly("apple[0,10000)=1", "apple[0,10000)=1");
        tables.partition("counts", 0).commit();
        tables.partition("counts", 0).abort();
        assertThat(tables.partition("counts", 0).windowState().lastClosedStart()).isEqualTo(0L);
        assertThat(tables.partition("counts", 0).windowState().streamTime()).isEqualTo(15000L);
    }

    @Test
    void underAtLeastOnceTheMarkStaysOneClosingBehindSoACrashRepeatsAResultRatherThanLoseIt() {
        TestTables tables = new TestTables(false, TUMBLING);
        Pipeline pipeline = new Pipeline(tables, COUNTING, RESULTS);
        // The first record closes the (empty) windows up to -20000, the second those up to 0, the third up to 10000.
        // Each record's mark reaches the changelog before its offset is committed (here: after each record).
        pipeline.send(0, "apple@1000");
        assertThat(metaAtCommit(tables.partition("counts", 0))).containsExactly(1000L, Long.MIN_VALUE);
        pipeline.send(0, "apple@15000");
        assertThat(metaAtCommit(tables.partition("counts", 0))).containsExactly(15000L, -20000L);
        pipeline.send(0, "apple@25000");
        assertThat(metaAtCommit(tables.partition("counts", 0))).containsExactly(25000L, 0L);
        assertThat(pipeline.next.submitted).filteredOn((message) -> message.payload() != null)
            .allSatisfy((message) -> assertThat(meta(message)).isEmpty());
    }

    @Test
    void aFailingOutputOfClosedWindowsIsRetriedAndTheResultGoesOutOnce() {
        AtomicInteger attempts = new AtomicInteger();
        FlatOutputProcessor<Windowed<String, Long>, String> flaky = (window, context, emitter) -> {
            emitter.emit(window.key() + "=" + window.value());
            if (attempts.incrementAndGet() < 2) {
                throw new IllegalStateException("flaky");
            }
        };
        Pipeline pipeline = new Pipeline(new TestTables(false, TUMBLING), COUNTING, closedWindows(flaky));
        pipeline.send(0, "apple@1000", "apple@15000");
        assertThat(pipeline.results()).containsExactly("apple=1");
    }

    @Test
    void aRecordWhoseClosedWindowsOutputFailsIsDeadLetteredAndTheWindowClosesWithTheNextRecord() {
        AtomicInteger calls = new AtomicInteger();
        FlatOutputProcessor<Windowed<String, Long>, String> failingOnce = (window, context, emitter) -> {
            if (calls.incrementAndGet() <= 3) {
                throw new IllegalStateException("down");
            }
            emitter.emit(window.key() + "=" + window.value());
        };
        Pipeline pipeline = new Pipeline(new TestTables(false, TUMBLING), COUNTING, closedWindows(failingOnce));
        pipeline.send(0, "apple@1000", "apple@15000");
        assertThat(pipeline.next.submitted.get(1).invalid().reason()).isEqualTo(InvalidMessage.Reason.OUTPUT_FAILED);
        assertThat(pipeline.results()).isEmpty();
        pipeline.send(0, "pear@15001");
        assertThat(pipeline.results()).containsExactly("apple=1");
    }

    /** Sessions with a gap of 10 s: a session closes 15 s after its last record, in stream time. */
    private static final TableDefinition<String, Long> SESSIONS = TableDefinition
        .of("counts", Schemas.string(), TestTables.LONGS)
        .withWindows(Windows.session(Duration.ofSeconds(10)).withGrace(Duration.ofSeconds(5)));

    @Test
    void aRecordWithinTheGapOfTwoSessionsMergesThemAndTheirEntriesAreDeleted() {
        TestTables tables = new TestTables(false, SESSIONS);
        Pipeline pipeline = new Pipeline(tables, COUNTING, RESULTS);
        // apple@12000 is 11 s after apple@1000: a session of its own. pear@3000 is 9 s out of order, but its own
        // session [3000, 3000] closes only at 18000.
        pipeline.send(0, "apple@1000", "apple@12000", "pear@3000");
        assertThat(pipeline.next.submitted.get(2).invalid()).isNull();
        assertThat(tables.partition("counts", 0).view().windows().open()).isEqualTo(3);
        changelogAtCommit(tables.partition("counts", 0));
        // apple@6000 is within 10 s of both apple sessions: one session [1000, 12000] of 3.
        pipeline.send(0, "apple@6000");
        assertThat(changelogAtCommit(tables.partition("counts", 0))).containsExactlyInAnyOrder(
                "apple[1000,1000]=null", "apple[12000,12000]=null", "apple[1000,12000]=3");
        assertThat(tables.partition("counts", 0).view().windows().open()).isEqualTo(2);
        assertThat(pipeline.results()).isEmpty();
        // pear's session closes at 3000 + 10000 + 5000, apple's at 12000 + 15000.
        pipeline.send(0, "fig@17999");
        assertThat(pipeline.results()).isEmpty();
        pipeline.send(0, "fig@18000");
        assertThat(pipeline.results()).containsExactly("pear[3000,3001)=1");
        pipeline.send(0, "fig@27000");
        assertThat(pipeline.results()).containsExactly("pear[3000,3001)=1", "apple[1000,12001)=3");
        // fig@27000 is 9 s after fig@18000: one session, which fig@42000 (15 s later) closes, starting another.
        pipeline.send(0, "fig@42000");
        assertThat(pipeline.results()).containsExactly("pear[3000,3001)=1", "apple[1000,12001)=3",
                "fig[17999,27001)=3");
        assertThat(tables.partition("counts", 0).view().windows()).satisfies((windows) -> {
            assertThat(windows.open()).isEqualTo(1);
            assertThat(windows.closed()).isEqualTo(3);
            assertThat(windows.lastClosedStart()).isEqualTo(27000L);
        });
    }

    @Test
    void aQuietPartitionsSessionsCloseOnTheClockWithIdleAfterAndALaterRecordNearThemIsLate() {
        TableDefinition<String, Long> idleSessions = TableDefinition.of("counts", Schemas.string(), TestTables.LONGS)
            .withWindows(Windows.session(Duration.ofSeconds(10)).withGrace(Duration.ofSeconds(5))
                .withIdleAfter(Duration.ofSeconds(30)));
        TestTables tables = new TestTables(false, idleSessions);
        Pipeline pipeline = new Pipeline(tables, COUNTING, RESULTS);
        pipeline.send(0, "apple@1000", "apple@6000", "pear@9000");
        // Quiet for less than idle-after: the clock is not followed, nothing closes.
        pipeline.closeIdle(0, 100_000, 29_999);
        assertThat(pipeline.results()).isEmpty();
        assertThat(tables.partition("counts", 0).windowState().streamTime()).isEqualTo(9000L);
        // Quiet for idle-after, the clock at 23000: apple's session [1000, 6000] closes at 21000, pear's (24000) not.
        pipeline.closeIdle(0, 23_000, 30_000);
        assertThat(pipeline.results()).containsExactly("apple[1000,6001)=2");
        assertThat(tables.partition("counts", 0).windowState().streamTime()).isEqualTo(23_000L);
        // The clock at 24000: pear's closes too, once; apple's is not repeated.
        pipeline.closeIdle(0, 24_000, 31_000);
        assertThat(pipeline.results()).containsExactly("apple[1000,6001)=2", "pear[9000,9001)=1");
        // A record within the gap of apple's closed session is late; one for a new session of apple is not.
        pipeline.send(0, "apple@12000", "apple@24000");
        assertThat(pipeline.next.submitted.get(3).invalid().reason()).isEqualTo(InvalidMessage.Reason.LATE);
        assertThat(pipeline.next.submitted.get(4).invalid()).isNull();
        assertThat(tables.partition("counts", 0).view().windows().open()).isEqualTo(1);
    }

    @Test
    void anOutOfOrderRecordExtendsItsSessionBackAndOneTooLateOrNearAClosedSessionIsDeadLettered() {
        TestTables tables = new TestTables(false, SESSIONS);
        Pipeline pipeline = new Pipeline(tables, COUNTING, RESULTS);
        pipeline.send(0, "kiwi@1000", "apple@10000", "apple@20000");
        // kiwi's session closed at 16000: it went out with apple@20000.
        assertThat(pipeline.results()).containsExactly("kiwi[1000,1001)=1");
        // Stream time 20000, sessions ending at or before 5000 are closed. kiwi@9000 alone would close only at
        // 24000, but it is within the gap of kiwi's closed session: late. pear@4000 would close at 19000: late.
        // apple@8000 is 12 s out of order but within the gap of apple's open session: it joins it.
        pipeline.send(0, "kiwi@9000", "pear@4000", "apple@8000");
        assertThat(pipeline.next.submitted.subList(3, 5)).allSatisfy((message) -> {
            assertThat(message.invalid().reason()).isEqualTo(InvalidMessage.Reason.LATE);
            assertThat(message.invalid()).hasMessageContaining("late for table 'counts'");
        });
        assertThat(pipeline.next.submitted.get(5).invalid()).isNull();
        pipeline.send(0, "apple@34999");
        assertThat(pipeline.results()).containsExactly("kiwi[1000,1001)=1");
        // apple@34999 is 14999 ms after apple's last: a new session; [8000, 20000] closes at 35000.
        pipeline.send(0, "fig@35000");
        assertThat(pipeline.results()).containsExactly("kiwi[1000,1001)=1", "apple[8000,20001)=3");
        assertThat(tables.partition("counts", 0).view().windows()).satisfies((windows) -> {
            assertThat(windows.late()).isEqualTo(2);
            assertThat(windows.closed()).isEqualTo(2);
            assertThat(windows.open()).isEqualTo(2);
        });
    }

    @Test
    void aSessionTableThatDropsLateRecordsCountsThemAndNothingElse() {
        TableDefinition<String, Long> dropping = TableDefinition.of("counts", Schemas.string(), TestTables.LONGS)
            .withWindows(Windows.session(Duration.ofSeconds(10)).withGrace(Duration.ofSeconds(5)).droppingLate());
        TestTables tables = new TestTables(false, dropping);
        Pipeline pipeline = new Pipeline(tables, COUNTING, RESULTS);
        pipeline.send(0, "apple@1000", "apple@20000", "apple@2000");
        assertThat(pipeline.next.submitted.get(2).invalid()).isNull();
        assertThat(pipeline.results()).containsExactly("apple[1000,1001)=1");
        pipeline.send(0, "pear@40000");
        assertThat(pipeline.results()).containsExactly("apple[1000,1001)=1", "apple[20000,20001)=1");
        assertThat(tables.partition("counts", 0).view().windows().droppedLate()).isEqualTo(1);
        assertThat(tables.partition("counts", 0).view().windows().late()).isZero();
    }

    @Test
    void underExactlyOnceASessionClosesWithItsMarkAndAnAbortForgetsTheSessionsOfTheTransaction() {
        TestTables tables = new TestTables(true, SESSIONS);
        Pipeline pipeline = new Pipeline(tables, COUNTING, RESULTS);
        pipeline.send(0, "apple@1000");
        tables.partition("counts", 0).commit();
        // apple@5000 joins [1000, 1000]; the transaction aborts: the index goes back to what the store has.
        pipeline.send(0, "apple@5000");
        tables.partition("counts", 0).abort();
        pipeline.send(0, "apple@8000");
        tables.partition("counts", 0).commit();
        // [1000, 8000] of 2 (not 3, not two sessions) closes at 23000, its mark in the same record.
        pipeline.send(0, "pear@23000");
        assertThat(pipeline.results()).containsExactly("apple[1000,8001)=2");
        assertThat(meta(pipeline.next.submitted.get(3))).isEmpty();
        assertThat(metaAtCommit(tables.partition("counts", 0))).containsExactly(23000L, 8000L);
        // Aborted again: the closing is forgotten with its result, and the replay closes it again.
        tables.partition("counts", 0).abort();
        assertThat(tables.partition("counts", 0).windowState().lastClosedStart()).isEqualTo(8000L - 15000L);
        pipeline.send(0, "pear@23000");
        tables.partition("counts", 0).commit();
        assertThat(pipeline.results()).containsExactly("apple[1000,8001)=2", "apple[1000,8001)=2");
        // Committed: nothing closes twice.
        pipeline.send(0, "pear@30000");
        assertThat(pipeline.results()).hasSize(2);
    }

    @Test
    void aSessionTableRefusesComputeWithoutAMerger() {
        InputProcessor<String, String> computing = new InputProcessor<>() {

            @Override
            public long eventTime(String value, StreamContext context) {
                return COUNTING.eventTime(value, context);
            }

            @Override
            public String ingest(String value, StreamContext context) {
                context.<String, Long>windowedTable("counts").compute(fruit(value), (w, c) -> 1L);
                return null;
            }
        };
        Pipeline pipeline = new Pipeline(new TestTables(false, SESSIONS), computing, RESULTS);
        pipeline.send(0, "apple@1000");
        assertThat(pipeline.next.submitted.get(0).invalid())
            .hasStackTraceContaining("has session windows, which merge: use compute(key, function, merger)");
    }

    @Test
    void aSessionFetchFindsTheKeysSessionsOverlappingARangeOldOnesFromTheStoreRecentOnesFromTheIndex() {
        List<String> reads = new ArrayList<>();
        InputProcessor<String, String> reading = new InputProcessor<>() {

            @Override
            public long eventTime(String value, StreamContext context) {
                return COUNTING.eventTime(value, context);
            }

            @Override
            public String ingest(String value, StreamContext context) {
                var table = context.<String, Long>windowedTable("counts");
                table.merge(fruit(value), 1L, Long::sum);
                reads.add(table.fetch(fruit(value), 0, 100_000).stream()
                    .map((w) -> "[" + w.windowStart() + "," + w.windowEnd() + ")=" + w.value()).toList()
                        + " " + table.fetch(fruit(value), 2000, 29_999).size() + " " + table.get(fruit(value), 1000)
                        + " " + table.get(fruit(value), 30_000));
                return null;
            }
        };
        Pipeline pipeline = new Pipeline(new TestTables(false, SESSIONS), reading, RESULTS);
        // apple[1000] closes with apple@30000, which also drops it from the index (30000 - 2 * gap - grace = 5000).
        pipeline.send(0, "apple@1000", "apple@30000", "apple@31000");
        assertThat(pipeline.results()).containsExactly("apple[1000,1001)=1");
        assertThat(reads).containsExactly("[[1000,1001)=1] 0 1 null", "[[1000,1001)=1, [30000,30001)=1] 0 1 1",
                "[[1000,1001)=1, [30000,31001)=2] 0 1 2");
    }

    /** The changelog writes of a record to windows: {@code key[start,last]=value}, in order. */
    /** The session writes a partition sends to its changelog at the next commit, in no order. */
    private static List<String> changelogAtCommit(StoredTablePartition partition) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        partition.sendChangelog(records::add);
        return changelog(records);
    }

    private static List<String> changelog(List<ProducerRecord<byte[], byte[]>> records) {
        List<String> writes = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            if (record instanceof ChangelogRecord && !WindowKeys.isMeta(record.key())) {
                writes.add(TestRecords.string(WindowKeys.sessionKey(record.key())) + "["
                        + WindowKeys.sessionStart(record.key()) + "," + WindowKeys.start(record.key()) + "]="
                        + ((record.value() != null) ? TestRecords.string(record.value()) : "null"));
            }
        }
        return writes;
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static List<Output<String, ?>> closedWindows(FlatOutputProcessor<Windowed<String, Long>, String> processor) {
        return List.of((Output) new Output<>("results", Schemas.string(), processor).ofClosedWindows("counts"));
    }

    private static List<Long> meta(Message<List<ProducerRecord<byte[], byte[]>>> message) {
        List<Long> times = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : message.payload()) {
            if (record instanceof ChangelogRecord && WindowKeys.isMeta(record.key())) {
                times.add(WindowKeys.streamTime(record.value()));
                times.add(WindowKeys.lastClosedStart(record.value()));
            }
        }
        return times;
    }

    /** Under exactly-once: the mark the open transaction sends to the changelog when it commits. */
    private static List<Long> metaAtCommit(StoredTablePartition partition) {
        List<Long> times = new ArrayList<>();
        partition.sendChangelog((record) -> {
            if (WindowKeys.isMeta(record.key())) {
                times.add(WindowKeys.streamTime(record.value()));
                times.add(WindowKeys.lastClosedStart(record.value()));
            }
        });
        return times;
    }

    private static String fruit(String value) {
        return value.substring(0, value.indexOf('@'));
    }

    /** Ingest and Route over in-memory tables, recording what reaches the producer. */
    private static final class Pipeline {

        final RecordingStep<List<ProducerRecord<byte[], byte[]>>> next = new RecordingStep<>();

        private final Ingest<String, String> ingest;

        private long offset;

        private final WorkerContext context;

        private final List<Output<String, ?>> outputs;

        /** What quiet partitions' closings sent, as {@link IdleWindows} would send it. */
        final List<ProducerRecord<byte[], byte[]>> closedIdle = new java.util.ArrayList<>();

        Pipeline(TestTables tables, InputProcessor<String, String> processor, List<Output<String, ?>> outputs) {
            WorkerContext context = new WorkerContext("fruit", Map.of(), tables);
            this.context = context;
            this.outputs = outputs;
            this.ingest = new Ingest<>(processor, context, THREE_ATTEMPTS,
                    new Route<>(outputs, context, THREE_ATTEMPTS, this.next));
        }

        void send(int partition, String... values) {
            for (String value : values) {
                this.ingest.submit(Message.of(record("in", partition, this.offset++, fruit(value), value))
                    .withPayload(value));
            }
        }

        /** A quiet partition's closing on the clock (the loop's {@code IdleWindows}), between records. */
        void closeIdle(int partition, long now, long idleMillis) {
            this.closedIdle.addAll(Route.closeIdle(List.copyOf(this.outputs), THREE_ATTEMPTS, RecordLimits.UNLIMITED,
                    this.context, partition, now, idleMillis));
        }

        List<String> results() {
            return java.util.stream.Stream.concat(this.next.submitted.stream()
                .filter((message) -> message.payload() != null)
                .flatMap((message) -> message.payload().stream()), this.closedIdle.stream())
                .filter((record) -> record.topic().equals("results"))
                .map((record) -> TestRecords.string(record.value()))
                .toList();
        }
    }
}
