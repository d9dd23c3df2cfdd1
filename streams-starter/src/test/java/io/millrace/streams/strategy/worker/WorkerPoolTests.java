package io.millrace.streams.strategy.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.millrace.streams.strategy.step.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link WorkerPool}, with real threads.
 */
class WorkerPoolTests {

    private final List<WorkerPool> pools = new ArrayList<>();

    @AfterEach
    void closePools() {
        this.pools.forEach(WorkerPool::close);
    }

    @Test
    void initRunsExactlyOncePerContextOnTheThreadOfItsFirstJobBeforeThatJob() throws Exception {
        Map<WorkerContext, AtomicInteger> inits = new ConcurrentHashMap<>();
        Map<WorkerContext, Thread> initThreads = new ConcurrentHashMap<>();
        WorkerPool pool = pool(3, false, (context) -> {
            inits.computeIfAbsent(context, (key) -> new AtomicInteger()).incrementAndGet();
            initThreads.put(context, Thread.currentThread());
            context.attributes().put("initialised", true);
        });
        Map<WorkerContext, Thread> firstJobThreads = new ConcurrentHashMap<>();
        List<Boolean> initialisedBeforeJob = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(30);
        for (int i = 0; i < 30; i++) {
            pool.execute(job((context) -> {
                firstJobThreads.putIfAbsent(context, Thread.currentThread());
                initialisedBeforeJob.add(Boolean.TRUE.equals(context.attributes().get("initialised")));
                LockSupport.parkNanos(1_000_000);
                done.countDown();
            }));
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(inits).isNotEmpty().hasSizeLessThanOrEqualTo(3);
        assertThat(inits.values()).allSatisfy((count) -> assertThat(count).hasValue(1));
        assertThat(initialisedBeforeJob).hasSize(30).containsOnly(true);
        assertThat(initThreads).isEqualTo(firstJobThreads);
        assertThat(initThreads.values()).allSatisfy((thread) -> {
            assertThat(thread).isNotSameAs(Thread.currentThread());
            assertThat(thread.getName()).startsWith("pool-test-worker-");
        });
    }

    @Test
    void theContextsCarryTheStreamAndItsProperties() throws Exception {
        AtomicReference<WorkerContext> seen = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        pool(1, false, (context) -> {
        }).execute(job((context) -> {
            seen.set(context);
            done.countDown();
        }));
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seen.get().stream()).isEqualTo("words");
        assertThat(seen.get().properties()).isEqualTo(Map.of("greeting", "hi"));
    }

    @Test
    void atMostSizeJobsRunAtOnce() throws Exception {
        assertAtMostSizeJobsRunAtOnce(pool(3, false, (context) -> {
        }), 3);
    }

    @Test
    void theRecordSetByAJobIsClearedBeforeTheNextJobOfItsContext() throws Exception {
        WorkerPool pool = pool(1, false, (context) -> {
        });
        CountDownLatch first = new CountDownLatch(1);
        pool.execute(job((context) -> {
            context.setRecord(record(7, "v"));
            first.countDown();
        }));
        assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicReference<String> topic = new AtomicReference<>("unset");
        CountDownLatch second = new CountDownLatch(1);
        pool.execute(job((context) -> {
            topic.set(context.topic());
            second.countDown();
        }));
        assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(topic.get()).isNull();
    }

    @Test
    void anInitThatThrowsReachesTheJobsFailedWithoutRunningIt() throws Exception {
        IllegalStateException failure = new IllegalStateException("cannot init");
        WorkerPool pool = pool(1, false, (context) -> {
            throw failure;
        });
        RecordingJob job = new RecordingJob();
        pool.execute(job);
        assertThat(job.finished.await(10, TimeUnit.SECONDS)).as("job finished").isTrue();
        assertThat(job.failure.get()).isSameAs(failure);
        assertThat(job.ran).isFalse();
    }

    @Test
    void aJobThatThrowsReachesItsFailedAndTheWorkerServesTheNextJob() throws Exception {
        WorkerPool pool = pool(1, false, (context) -> {
        });
        IllegalStateException bug = new IllegalStateException("bug");
        RecordingJob failing = new RecordingJob() {
            @Override
            public void run(WorkerContext context) {
                throw bug;
            }
        };
        pool.execute(failing);
        assertThat(failing.finished.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(failing.failure.get()).isSameAs(bug);
        RecordingJob after = new RecordingJob();
        pool.execute(after);
        assertThat(after.finished.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(after.ran).isTrue();
        assertThat(after.failure.get()).isNull();
    }

    @Test
    void virtualThreadsAreAvailableOnlyFromJava21() {
        assertThat(WorkerPool.virtualThreadsAvailable()).isEqualTo(Runtime.version().feature() >= 21);
    }

    @Test
    void aPoolAskedForVirtualThreadsWorksAndKeepsItsBoundWhereThereAreNone() throws Exception {
        WorkerPool pool = pool(2, true, (context) -> {
        });
        assertThat(pool.size()).isEqualTo(2);
        assertAtMostSizeJobsRunAtOnce(pool, 2);
        if (!WorkerPool.virtualThreadsAvailable()) {
            AtomicReference<Thread> thread = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            pool.execute(job((context) -> {
                thread.set(Thread.currentThread());
                done.countDown();
            }));
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(thread.get().getName()).startsWith("pool-test-worker-");
            assertThat(thread.get().isDaemon()).isTrue();
        }
    }

    @Test
    void aPoolNeedsAtLeastOneWorker() {
        assertThatIllegalArgumentException().isThrownBy(() -> new WorkerPool("pool-test", 0, false, "words",
                Map.of(), (context) -> {
                }));
    }

    private void assertAtMostSizeJobsRunAtOnce(WorkerPool pool, int size) throws InterruptedException {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(20);
        for (int i = 0; i < 20; i++) {
            pool.execute(job((context) -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                LockSupport.parkNanos(5_000_000);
                running.decrementAndGet();
                done.countDown();
            }));
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(most.get()).isBetween(1, size);
    }

    private WorkerPool pool(int size, boolean virtualThreads, Consumer<WorkerContext> init) {
        WorkerPool pool = new WorkerPool("pool-test", size, virtualThreads, "words", Map.of("greeting", "hi"), init);
        this.pools.add(pool);
        return pool;
    }

    private static WorkerPool.Job job(Consumer<WorkerContext> work) {
        return new WorkerPool.Job() {

            @Override
            public void run(WorkerContext context) {
                work.accept(context);
            }

            @Override
            public void failed(Throwable ex) {
            }
        };
    }

    /** A job that says whether it ran or failed, and when it is finished either way. */
    private static class RecordingJob implements WorkerPool.Job {

        final CountDownLatch finished = new CountDownLatch(1);

        final AtomicReference<Throwable> failure = new AtomicReference<>();

        volatile boolean ran;

        @Override
        public void run(WorkerContext context) {
            this.ran = true;
            this.finished.countDown();
        }

        @Override
        public void failed(Throwable ex) {
            this.failure.set(ex);
            this.finished.countDown();
        }
    }
}
