package io.millrace.streams.strategy.step;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.MessageRejected;
import io.millrace.streams.strategy.Task;
import io.millrace.streams.strategy.worker.Ordering;
import io.millrace.streams.strategy.worker.WorkerContext;
import io.millrace.streams.strategy.worker.WorkerPool;

import static io.millrace.streams.strategy.step.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tests for {@link RunTaskInThreads} on a real {@link WorkerPool}. The test thread plays the poll thread, so every
 * wait polls the step from the test thread.
 */
class RunTaskInThreadsTests {

    private final RecordingStep<String> next = new RecordingStep<>();

    /** Payloads the task ran on, in the order the runs started. */
    private final List<String> ran = new CopyOnWriteArrayList<>();

    /** Released by the test; a task on a payload starting with {@code gated} waits for it. */
    private final CountDownLatch gate = new CountDownLatch(1);

    private WorkerPool pool;

    @AfterEach
    void openTheGateAndClose() {
        this.gate.countDown();
        if (this.pool != null) {
            this.pool.close();
        }
    }

    @Test
    void keyOrderingKeepsEachKeysOrderUnderUnevenWorkWhileRunningKeysInParallel() {
        Lanes lanes = new Lanes((record) -> TestRecords.string(record.key()));
        RunTaskInThreads<String, String> step = step(lanes.task(), Ordering.KEY, 4, 1000);
        List<String> submitted = new ArrayList<>();
        long offset = 0;
        for (int seq = 0; seq < 15; seq++) {
            for (int key = 0; key < 12; key++) {
                // One partition: any parallelism comes from the keys.
                Message<String> message = payload(0, offset++, "k" + key, "k" + key + "#" + seq);
                step.submit(message);
                submitted.add(message.payload());
            }
        }
        pollUntilHandedOn(step, submitted.size());
        assertThat(lanes.overlapped).as("two records of one key ran at once").isFalse();
        assertThat(lanes.seen).hasSize(12);
        lanes.seen.forEach((key, offsets) -> assertThat(offsets).as("order of " + key).isSorted().hasSize(15));
        assertThat(lanes.most.get()).as("records running at once").isGreaterThan(1).isLessThanOrEqualTo(4);
        assertThat(this.next.payloads()).isEqualTo(submitted.stream().map((value) -> value + "!").toList());
    }

    @Test
    void keyOrderingKeepsRecordsWithoutAKeyInPartitionOrder() {
        Lanes lanes = new Lanes(ConsumerRecord::partition);
        RunTaskInThreads<String, String> step = step(lanes.task(), Ordering.KEY, 4, 1000);
        for (int offset = 0; offset < 40; offset++) {
            step.submit(payload(offset % 2, offset, null, "v" + offset));
        }
        pollUntilHandedOn(step, 40);
        assertThat(lanes.overlapped).as("two records of one partition ran at once").isFalse();
        lanes.seen.forEach((partition, offsets) -> assertThat(offsets).as("order of " + partition).isSorted());
    }

    @Test
    void partitionOrderingKeepsEachPartitionsOrderWhileRunningPartitionsInParallel() {
        Lanes lanes = new Lanes(ConsumerRecord::partition);
        RunTaskInThreads<String, String> step = step(lanes.task(), Ordering.PARTITION, 6, 1000);
        for (int offset = 0; offset < 90; offset++) {
            // Every record has its own key: only the partition may order them.
            step.submit(payload(offset % 3, offset, "key-" + offset, "v" + offset));
        }
        pollUntilHandedOn(step, 90);
        assertThat(lanes.overlapped).as("two records of one partition ran at once").isFalse();
        assertThat(lanes.seen).hasSize(3);
        lanes.seen.forEach((partition, offsets) -> assertThat(offsets).as("order of " + partition).isSorted()
            .hasSize(30));
        assertThat(lanes.most.get()).as("records running at once").isBetween(2, 3);
    }

    @Test
    void noOrderingRunsEvenRecordsOfOneKeyAndPartitionAllAtOnce() {
        CountDownLatch allStarted = new CountDownLatch(4);
        RunTaskInThreads<String, String> step = step((message, context) -> {
            allStarted.countDown();
            boolean together = released(allStarted, Duration.ofSeconds(5));
            return message.withPayload(together ? "together" : "alone");
        }, Ordering.NONE, 4, 10);
        for (int offset = 0; offset < 4; offset++) {
            step.submit(payload(0, offset, "same", "v" + offset));
        }
        pollUntilHandedOn(step, 4);
        assertThat(this.next.payloads()).containsOnly("together");
    }

    @Test
    void resultsAreHandedOnInSubmissionOrderWhateverOrderTheyFinishIn() {
        Map<String, CountDownLatch> releases = Map.of("a", new CountDownLatch(1), "b", new CountDownLatch(1), "c",
                new CountDownLatch(1));
        List<String> finished = new CopyOnWriteArrayList<>();
        RunTaskInThreads<String, String> step = step((message, context) -> {
            released(releases.get(message.payload()), Duration.ofSeconds(10));
            finished.add(message.payload());
            return message.withPayload(message.payload().toUpperCase());
        }, Ordering.NONE, 3, 10);
        step.submit(payload(0, 0, "k", "a"));
        step.submit(payload(0, 1, "k", "b"));
        step.submit(payload(0, 2, "k", "c"));
        releases.get("c").countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> finished.contains("c"));
        releases.get("b").countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> finished.contains("b"));
        pollingFor(Duration.ofMillis(200)).until(() -> {
            step.poll();
            return this.next.submitted.isEmpty();
        });
        releases.get("a").countDown();
        pollUntilHandedOn(step, 3);
        assertThat(finished).containsExactly("c", "b", "a");
        assertThat(this.next.payloads()).containsExactly("A", "B", "C");
        assertThat(this.next.submitted).extracting((message) -> message.origin().offset()).containsExactly(0L, 1L,
                2L);
    }

    @Test
    void submitRejectsOnceMaxInFlightMessagesAreHeld() {
        RunTaskInThreads<String, String> step = step(this::gatedUpperCase, Ordering.NONE, 2, 2);
        step.submit(payload(0, 0, "a", "gated-a"));
        step.submit(payload(0, 1, "b", "gated-b"));
        assertThatExceptionOfType(MessageRejected.class).isThrownBy(() -> step.submit(payload(0, 2, "c", "c")));
        this.gate.countDown();
        pollUntilHandedOn(step, 2);
        step.submit(payload(0, 2, "c", "c"));
        pollUntilHandedOn(step, 3);
        assertThat(this.next.payloads()).containsExactly("GATED-A", "GATED-B", "C");
        assertThat(this.ran).hasSize(3);
    }

    @Test
    void finishedResultsTheNextStepRefusesStillCountTowardsMaxInFlight() {
        RunTaskInThreads<String, String> step = step(this::gatedUpperCase, Ordering.NONE, 2, 2);
        this.next.rejecting(true);
        step.submit(payload(0, 0, "a", "a"));
        step.submit(payload(0, 1, "b", "b"));
        await().atMost(Duration.ofSeconds(10)).until(() -> this.ran.size() == 2);
        step.poll();
        assertThatExceptionOfType(MessageRejected.class).isThrownBy(() -> step.submit(payload(0, 2, "c", "c")));
        this.next.rejecting(false);
        pollUntilHandedOn(step, 2);
        step.submit(payload(0, 2, "c", "c"));
        pollUntilHandedOn(step, 3);
        assertThat(this.next.payloads()).containsExactly("A", "B", "C");
        assertThat(this.ran).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void aTaskThatThrowsSurfacesFromPollAfterTheResultsBeforeIt() {
        IllegalStateException failure = new IllegalStateException("bug in task");
        RunTaskInThreads<String, String> step = step((message, context) -> {
            if (message.payload().equals("boom")) {
                throw failure;
            }
            return message.withPayload(message.payload().toUpperCase());
        }, Ordering.NONE, 2, 10);
        step.submit(payload(0, 0, "k", "fine"));
        step.submit(payload(0, 1, "k", "boom"));
        polling().untilAsserted(() -> assertThatExceptionOfType(KafkaException.class).isThrownBy(step::poll)
            .withCause(failure)
            .withMessageContaining("in-0@1"));
        assertThat(this.next.payloads()).containsExactly("FINE");
        assertThatExceptionOfType(KafkaException.class).as("the failure stays until the pipeline is dropped")
            .isThrownBy(step::poll);
    }

    @Test
    void filteredAndInvalidMessagesKeepTheirPlaceWithoutRunningTheTask() {
        RunTaskInThreads<String, String> step = step(this::gatedUpperCase, Ordering.KEY, 2, 10);
        Message<String> filtered = payload(0, 1, "k1", "f").filtered();
        Message<String> invalid = payload(0, 2, "k2", "i")
            .invalid(new InvalidMessage(InvalidMessage.Reason.INVALID_INPUT, new RuntimeException("undecodable")));
        step.submit(payload(0, 0, "k0", "gated-0"));
        step.submit(filtered);
        step.submit(invalid);
        step.submit(payload(0, 3, "k3", "three"));
        pollingFor(Duration.ofMillis(100)).until(() -> {
            step.poll();
            return this.next.submitted.isEmpty();
        });
        this.gate.countDown();
        pollUntilHandedOn(step, 4);
        assertThat(this.next.payloads()).containsExactly("GATED-0", null, null, "THREE");
        assertThat(this.next.submitted.get(1)).isSameAs(filtered);
        assertThat(this.next.submitted.get(2)).isSameAs(invalid);
        assertThat(this.ran).containsExactlyInAnyOrder("gated-0", "three");
    }

    @Test
    void pollDrivesTheNextStep() {
        step(this::gatedUpperCase, Ordering.KEY, 1, 10).poll();
        assertThat(this.next.calls).containsExactly("poll");
    }

    @Test
    void joinWaitsForRunningTasksAndHandsTheirResultsOnThenClosesAndJoinsTheNextStep() {
        RunTaskInThreads<String, String> step = step(this::gatedUpperCase, Ordering.KEY, 2, 10);
        step.submit(payload(0, 0, "k", "gated-0"));
        step.submit(payload(0, 1, "k", "one"));
        step.close();
        CompletableFuture.runAsync(this.gate::countDown,
                CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
        step.join(Duration.ofSeconds(10));
        assertThat(this.next.payloads()).containsExactly("GATED-0", "ONE");
        assertThat(this.next.calls).endsWith("close", "join");
        assertThat(this.next.joinTimeout).isPositive().isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void joinGivesUpOnUnfinishedTasksWhenTheTimeoutPasses() {
        RunTaskInThreads<String, String> step = step(this::gatedUpperCase, Ordering.KEY, 2, 10);
        step.submit(payload(0, 0, "k", "gated-0"));
        step.close();
        long start = System.nanoTime();
        // A join that ignored its timeout would block for good: bounded far above what honouring it takes.
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> step.join(Duration.ofMillis(200)));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(this.next.submitted).isEmpty();
        assertThat(this.next.calls).endsWith("close", "join");
        assertThat(this.next.joinTimeout).isLessThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void submitAfterCloseThrows() {
        RunTaskInThreads<String, String> step = step(this::gatedUpperCase, Ordering.KEY, 1, 10);
        step.close();
        assertThatIllegalStateException().isThrownBy(() -> step.submit(payload(0, 0, "k", "a")));
        assertThat(this.ran).isEmpty();
    }

    @Test
    void terminateDropsEverythingAndStopsSchedulingQueuedSuccessors() {
        RunTaskInThreads<String, String> step = step(this::gatedUpperCase, Ordering.KEY, 1, 10);
        step.submit(payload(0, 0, "k", "gated-0"));
        // Waits behind gated-0 in its key's lane.
        step.submit(payload(0, 1, "k", "successor"));
        // Another key: queued for the single worker.
        step.submit(payload(0, 2, "other", "queued"));
        await().atMost(Duration.ofSeconds(10)).until(() -> this.ran.contains("gated-0"));
        step.terminate();
        this.gate.countDown();
        pollingFor(Duration.ofMillis(300)).until(() -> {
            step.poll();
            return this.ran.equals(List.of("gated-0")) && this.next.submitted.isEmpty();
        });
        assertThat(this.next.calls).contains("terminate");
        assertThatIllegalStateException().isThrownBy(() -> step.submit(payload(0, 3, "k", "late")));
    }

    private Message<String> gatedUpperCase(Message<String> message, WorkerContext context) {
        this.ran.add(message.payload());
        if (message.payload().startsWith("gated")) {
            released(this.gate, Duration.ofSeconds(10));
        }
        return message.withPayload(message.payload().toUpperCase());
    }

    private RunTaskInThreads<String, String> step(Task<String, String> task, Ordering ordering, int workers,
            int maxInFlight) {
        this.pool = new WorkerPool("threads-test", workers, false, "words", Map.of(), (context) -> {
        });
        return new RunTaskInThreads<>(task, this.pool, ordering, maxInFlight, this.next);
    }

    /** Polls the step, as the consumer's loop would, until the next step has the results. */
    private void pollUntilHandedOn(RunTaskInThreads<String, String> step, int count) {
        polling().until(() -> {
            step.poll();
            return this.next.submitted.size() >= count;
        });
        assertThat(this.next.submitted).hasSize(count);
    }

    /** Waits on the test thread, which plays the poll thread. */
    private static ConditionFactory polling() {
        return await().atMost(Duration.ofSeconds(20)).pollInSameThread().pollInterval(Duration.ofMillis(1));
    }

    /** Checks that a condition holds throughout a period. */
    private static ConditionFactory pollingFor(Duration period) {
        return await().during(period).atMost(period.multipliedBy(10)).pollInSameThread()
            .pollInterval(Duration.ofMillis(5));
    }

    private static boolean released(CountDownLatch latch, Duration timeout) {
        try {
            return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Message<String> payload(int partition, long offset, String key, String value) {
        return Message.of(record("in", partition, offset, key, value)).withPayload(value);
    }

    /** A task of uneven duration that watches which records run at once, overall and per lane. */
    private static final class Lanes {

        private final Function<ConsumerRecord<byte[], byte[]>, Object> laneOf;

        private final Map<Object, AtomicInteger> running = new ConcurrentHashMap<>();

        private final AtomicInteger all = new AtomicInteger();

        final AtomicInteger most = new AtomicInteger();

        final AtomicBoolean overlapped = new AtomicBoolean();

        /** Per lane, the offsets in the order their runs started. */
        final Map<Object, List<Long>> seen = new ConcurrentHashMap<>();

        Lanes(Function<ConsumerRecord<byte[], byte[]>, Object> laneOf) {
            this.laneOf = laneOf;
        }

        Task<String, String> task() {
            return (message, context) -> {
                Object lane = this.laneOf.apply(message.origin());
                AtomicInteger inLane = this.running.computeIfAbsent(lane, (key) -> new AtomicInteger());
                if (inLane.incrementAndGet() > 1) {
                    this.overlapped.set(true);
                }
                this.most.accumulateAndGet(this.all.incrementAndGet(), Math::max);
                this.seen.computeIfAbsent(lane, (key) -> Collections.synchronizedList(new ArrayList<>()))
                    .add(message.origin().offset());
                try {
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2_000_000));
                    return message.withPayload(message.payload() + "!");
                }
                finally {
                    this.all.decrementAndGet();
                    inLane.decrementAndGet();
                }
            };
        }
    }
}
