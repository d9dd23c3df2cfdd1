package io.millrace.streams.runtime.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.millrace.streams.processor.Output;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.runtime.StreamStats;
import io.millrace.streams.runtime.internal.ConsumerLoopTests.FakeFactory;
import io.millrace.streams.runtime.internal.ConsumerLoopTests.RecordingListener;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.strategy.RecordLimits;
import io.millrace.streams.strategy.RetryPolicy;
import io.millrace.streams.strategy.step.MutableClock;
import io.millrace.streams.strategy.worker.WorkerContext;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.TestTables;
import io.millrace.streams.table.WindowClosing;
import io.millrace.streams.table.WindowKeys;
import io.millrace.streams.table.WindowState;
import io.millrace.streams.table.Windowed;
import io.millrace.streams.table.Windows;
import io.millrace.streams.table.internal.TableManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link ConsumerLoop} with {@link IdleWindows} on a {@link MutableClock}: a partition that has had no record for
 * the table's {@code idle-after}, and has nothing in flight, lets its stream time follow the clock and its windows
 * close, not a moment before; a partition that keeps receiving records never does. Windows are tumbling 10 s with a
 * grace of 5 s; the clock starts at {@code T0}, a multiple of 10 s.
 */
class IdleWindowsTests {

    private static final Duration IDLE_AFTER = Duration.ofSeconds(30);

    private static final TopicPartition P0 = new TopicPartition("in", 0);

    private static final TopicPartition CHANGELOG0 = new TopicPartition("app-counts-changelog", 0);

    private static final TableDefinition<String, Long> COUNTS = TableDefinition
        .of("counts", Schemas.string(), TestTables.LONGS)
        .withWindows(Windows.tumbling(Duration.ofSeconds(10)).withGrace(Duration.ofSeconds(5))
            .withIdleAfter(IDLE_AFTER))
        .withStore(TableDefinition.StoreType.MEMORY);

    private static final Output<?, ?> RESULTS = Output.closedWindows("counts", "results", Schemas.string(),
            (OutputProcessor<Windowed<String, Long>, String>) (window) -> window.key() + "[" + window.windowStart()
                    + "," + window.windowEnd() + ")=" + window.value());

    private final MutableClock clock = new MutableClock();

    private final long t0 = this.clock.millis();

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

    private final MockConsumer<byte[], byte[]> restoreConsumer = new MockConsumer<>("earliest");

    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer());

    private final FakeFactory factory = new FakeFactory();

    private TableManager tables;

    private ConsumerLoop loop;

    private long offset;

    @AfterEach
    void close() {
        if (this.tables != null) {
            this.tables.close();
        }
    }

    @Test
    void aQuietPartitionsWindowsCloseOnTheClockAfterIdleAfterAndNotBefore() {
        start(false);
        // apple in [T0 - 10 s, T0) twice, pear in [T0, T0 + 10 s): the stream time stops at T0 + 1 s.
        fetchAndFinish(2);
        count("apple", this.t0 - 5000);
        count("apple", this.t0 - 1000);
        count("pear", this.t0 + 1000);
        assertThat(state().streamTime()).isEqualTo(this.t0 + 1000);

        this.clock.advance(IDLE_AFTER.minusMillis(1));
        this.loop.runOnce();
        assertThat(results()).isEmpty();
        assertThat(state().streamTime()).isEqualTo(this.t0 + 1000);

        this.clock.advance(Duration.ofMillis(1));
        this.loop.runOnce();
        // Stream time T0 + 30 s: [T0 - 10 s, T0) and [T0, T0 + 10 s) closed (ends plus grace T0 + 5 s, T0 + 15 s).
        assertThat(results()).containsExactly("apple[" + (this.t0 - 10000) + "," + this.t0 + ")=2",
                "pear[" + this.t0 + "," + (this.t0 + 10000) + ")=1");
        assertThat(state().streamTime()).isEqualTo(this.t0 + 30000);
        assertThat(state().lastClosedStart()).isEqualTo(this.t0 + 10000);
        // The mark, one closing behind under at-least-once, goes to the changelog with the next commit (at the
        // latest after a commit interval); no offset moved.
        assertThat(metaAtCommit()).containsExactly(List.of(this.t0 + 30000, this.t0 - 20000));
        assertThat(this.factory.current().submitted).hasSize(2);

        // On its clock: the stream time follows, nothing more closes until the next window's end plus grace.
        this.clock.advance(Duration.ofSeconds(4));
        this.loop.runOnce();
        assertThat(state().streamTime()).isEqualTo(this.t0 + 34000);
        assertThat(results()).hasSize(2);
    }

    @Test
    void aPartitionThatKeepsReceivingRecordsNeverUsesTheClock() {
        start(false);
        fetchAndFinish(1);
        count("apple", this.t0 - 5000);
        for (int i = 0; i < 12; i++) {
            // A record every 20 s, for four minutes: never quiet for 30 s.
            this.clock.advance(Duration.ofSeconds(20));
            fetchAndFinish(1);
        }
        this.clock.advance(IDLE_AFTER.minusMillis(1));
        this.loop.runOnce();
        assertThat(results()).isEmpty();
        assertThat(state().streamTime()).isEqualTo(this.t0 - 5000);
        assertThat(state().lastClosedStart()).isLessThan(this.t0 - 10000);
    }

    @Test
    void aPartitionWithARecordInFlightWaitsForIt() {
        start(false);
        fetchAndFinish(1);
        count("apple", this.t0 - 5000);
        // A record fetched and submitted, not finished.
        addRecord();
        this.loop.runOnce();
        this.clock.advance(IDLE_AFTER.multipliedBy(3));
        this.loop.runOnce();
        assertThat(results()).isEmpty();
        assertThat(state().streamTime()).isEqualTo(this.t0 - 5000);

        finish();
        this.loop.runOnce();
        assertThat(results()).containsExactly("apple[" + (this.t0 - 10000) + "," + this.t0 + ")=1");
    }

    @Test
    void aPartitionBehindItsEndOffsetOrPausedIsNotQuiet() {
        start(false);
        fetchAndFinish(1);
        count("apple", this.t0 - 5000);
        // Records wait in the partition: the consumer knows its end is past its position.
        this.consumer.updateEndOffsets(Map.of(P0, this.offset + 3));
        this.clock.advance(IDLE_AFTER.multipliedBy(2));
        this.loop.runOnce();
        assertThat(results()).isEmpty();
        // An operator pauses the stream: no record comes because none is fetched; the idle time starts when the
        // pause ends.
        this.consumer.updateEndOffsets(Map.of(P0, this.offset));
        this.loop.requestPause(true);
        this.loop.runOnce();
        this.clock.advance(IDLE_AFTER.multipliedBy(2));
        this.loop.runOnce();
        assertThat(results()).isEmpty();
        this.loop.requestPause(false);
        this.loop.runOnce();
        this.clock.advance(IDLE_AFTER.minusMillis(1));
        this.loop.runOnce();
        assertThat(results()).isEmpty();
        this.clock.advance(Duration.ofMillis(1));
        this.loop.runOnce();
        assertThat(results()).containsExactly("apple[" + (this.t0 - 10000) + "," + this.t0 + ")=1");
    }

    @Test
    void underExactlyOnceTheClosingGoesIntoTheLoopsTransactionAndAnAbortForgetsIt() {
        start(true);
        fetchAndFinish(1);
        count("apple", this.t0 - 5000);
        // The record's transaction commits, with the count.
        Duration interval = StreamSettings.DEFAULTS.commitInterval();
        this.clock.advance(interval);
        this.loop.runOnce();
        assertThat(this.producer.transactionCommitted()).isTrue();
        assertThat(this.producer.transactionInFlight()).isFalse();

        this.clock.advance(IDLE_AFTER.minus(interval));
        this.loop.runOnce();
        // A transaction begun for the closing, open until the commit interval passes.
        assertThat(this.producer.transactionInFlight()).isTrue();
        assertThat(this.producer.uncommittedRecords()).isNotEmpty();
        assertThat(results()).containsExactly("apple[" + (this.t0 - 10000) + "," + this.t0 + ")=1");
        // Under exactly-once the mark is the new boundary, in the same transaction: a write of the table that
        // reaches the changelog when the transaction commits.
        assertThat(meta()).doesNotContain(List.of(this.t0 + 30000, this.t0 + 10000));
        assertThat(metaAtCommit()).containsExactly(List.of(this.t0 + 30000, this.t0 + 10000));
        assertThat(state().lastClosedStart()).isEqualTo(this.t0 + 10000);

        // The transaction aborts: the closing is forgotten, the times come back from the store.
        this.tables.aborted(java.util.Set.of(0));
        assertThat(state().streamTime()).isEqualTo(this.t0 - 5000);
        assertThat(state().lastClosedStart()).isLessThan(this.t0 - 10000);
    }

    @Test
    void aFailingOutputOfClosedWindowsWritesNothingAndIsTriedAgainAfterAnotherIdleTime() {
        AtomicInteger calls = new AtomicInteger();
        Output<?, ?> failingOnce = Output.closedWindows("counts", "results", Schemas.string(),
                (OutputProcessor<Windowed<String, Long>, String>) (window) -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("down");
                    }
                    return window.key() + "=" + window.value();
                });
        start(false, this.producer, failingOnce);
        fetchAndFinish(1);
        count("apple", this.t0 - 5000);
        this.clock.advance(IDLE_AFTER);
        this.loop.runOnce();
        assertThat(calls).hasValue(1);
        assertThat(results()).isEmpty();
        assertThat(state().streamTime()).isEqualTo(this.t0 - 5000);
        this.clock.advance(IDLE_AFTER.minusMillis(1));
        this.loop.runOnce();
        assertThat(calls).hasValue(1);
        this.clock.advance(Duration.ofMillis(1));
        this.loop.runOnce();
        assertThat(results()).containsExactly("apple=1");
        assertThat(state().streamTime()).isEqualTo(this.t0 + 60000);
    }

    @Test
    void underAtLeastOnceAFailedSendFailsTheLoop() {
        MockProducer<byte[], byte[]> failing = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer()) {

            @Override
            public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                    ProducerRecord<byte[], byte[]> record, org.apache.kafka.clients.producer.Callback callback) {
                callback.onCompletion(null, new org.apache.kafka.common.errors.TimeoutException("no broker"));
                return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException());
            }
        };
        start(false, failing, RESULTS);
        fetchAndFinish(1);
        count("apple", this.t0 - 5000);
        this.clock.advance(IDLE_AFTER);
        assertThatExceptionOfType(org.apache.kafka.common.KafkaException.class).isThrownBy(this.loop::runOnce)
            .withMessageContaining("quiet partitions").withRootCauseInstanceOf(
                    org.apache.kafka.common.errors.TimeoutException.class);
    }

    private void start(boolean exactlyOnce) {
        start(exactlyOnce, this.producer, RESULTS);
    }

    private void start(boolean exactlyOnce, MockProducer<byte[], byte[]> producer, Output<?, ?> results) {
        this.tables = new TableManager("fruit", "app", List.of(COUNTS), TableDefinition.StoreType.MEMORY, null, null,
                exactlyOnce, () -> this.restoreConsumer, List.of(), this.clock);
        this.restoreConsumer.updateBeginningOffsets(Map.of(CHANGELOG0, 0L));
        this.restoreConsumer.updateEndOffsets(Map.of(CHANGELOG0, 0L));
        this.consumer.updateBeginningOffsets(Map.of(P0, 0L));
        this.tables.start();
        IdleWindows idle = new IdleWindows("fruit", Map.of(), this.tables, List.of(results),
                new RetryPolicy(1, Duration.ZERO, 1, Duration.ZERO), RecordLimits.UNLIMITED, producer,
                exactlyOnce, new StreamStats());
        this.loop = new ConsumerLoop("in", this.consumer, this.factory, StreamSettings.DEFAULTS, new StreamStats(),
                new RecordingListener(), this.tables, exactlyOnce ? this.producer : null, this.clock, idle, null,
                "fruit", producer);
        if (exactlyOnce) {
            this.producer.initTransactions();
        }
        this.consumer.subscribe(List.of("in"), this.loop);
        this.consumer.rebalance(List.of(P0));
        // The (empty) restore runs on the reader's thread.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            this.loop.runOnce();
            assertThat(this.tables.ready(java.util.Set.of(0))).containsExactly(0);
            assertThat(this.consumer.paused()).isEmpty();
        });
    }

    /** Records fetched, submitted and finished: the partition is active, nothing stays in flight. */
    private void fetchAndFinish(int records) {
        for (int i = 0; i < records; i++) {
            addRecord();
        }
        this.loop.runOnce();
        finish();
        this.loop.runOnce();
    }

    private void addRecord() {
        this.consumer.addRecord(new ConsumerRecord<>("in", 0, this.offset++, this.clock.millis(),
                TimestampType.CREATE_TIME, -1, -1, new byte[0], new byte[0], new RecordHeaders(), Optional.empty()));
    }

    private void finish() {
        this.factory.current().commit.commit(Map.of(P0, this.offset), false);
    }

    /** What Ingest and Route do for a record: count it in its windows, move the stream time. */
    private void count(String word, long eventTime) {
        WorkerContext context = new WorkerContext("fruit", Map.of(), this.tables);
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("in", 0, 0, new byte[0], new byte[0]);
        context.setRecord(record);
        context.setEventTime(record, eventTime);
        context.<String, Long>windowedTable("counts").merge(word, 1L, Long::sum);
        WindowClosing.close(this.tables, 0, eventTime, context.writes(), (table, window, key) -> {
        });
        context.writes().finish(new ArrayList<>());
    }

    private WindowState state() {
        return this.tables.partition("counts", 0).windowState();
    }

    private List<ProducerRecord<byte[], byte[]>> sent() {
        List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>(this.producer.history());
        sent.addAll(this.producer.uncommittedRecords());
        return sent;
    }

    private List<String> results() {
        return sent().stream()
            .filter((record) -> record.topic().equals("results"))
            .map((record) -> new String(record.value(), StandardCharsets.UTF_8))
            .toList();
    }

    /** Under exactly-once: the marks the open transaction sends to the changelog when it commits. */
    private List<List<Long>> metaAtCommit() {
        List<List<Long>> marks = new ArrayList<>();
        this.tables.sendChangelogs(java.util.Set.of(0), (record) -> {
            if (WindowKeys.isMeta(record.key())) {
                marks.add(List.of(WindowKeys.streamTime(record.value()), WindowKeys.lastClosedStart(record.value())));
            }
        });
        return marks;
    }

    private List<List<Long>> meta() {
        List<List<Long>> marks = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : sent()) {
            if (record.topic().equals(CHANGELOG0.topic()) && WindowKeys.isMeta(record.key())) {
                marks.add(List.of(WindowKeys.streamTime(record.value()), WindowKeys.lastClosedStart(record.value())));
            }
        }
        return marks;
    }
}
