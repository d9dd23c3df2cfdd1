package io.millrace.streams.bench;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clock of one restore run, told by both systems alike: the restore consumer's first changelog fetch
 * ({@link RestoreFetchInterceptor}), the moment every partition's table is restored (Kafka Streams'
 * {@code StateRestoreListener.onRestoreEnd}, Millrace's {@code TableListener.onActivesReady}), and the moment the
 * processor has seen this run's probe record in every partition: the stream is processing.
 */
final class RestoreProbe {

    /** The run in progress; the interceptor, configured by class name, finds it here. */
    private static volatile RestoreProbe current;

    private final String token;

    private final int partitions;

    private final long startedAt = System.nanoTime();

    private final AtomicLong firstFetch = new AtomicLong();

    private final AtomicLong fetched = new AtomicLong();

    private final AtomicLong restored = new AtomicLong();

    private final Set<Integer> ready = ConcurrentHashMap.newKeySet();

    private volatile long readyAt;

    private final Set<Integer> probed = ConcurrentHashMap.newKeySet();

    private volatile long processingAt;

    private final CountDownLatch processing = new CountDownLatch(1);

    private RestoreProbe(String token, int partitions) {
        this.token = token;
        this.partitions = partitions;
    }

    /**
     * Starts the clock of a run; call just before starting the contender.
     * @param token the value of this run's probe records
     * @param partitions the partitions to wait for
     * @return the probe
     */
    static RestoreProbe start(String token, int partitions) {
        RestoreProbe probe = new RestoreProbe(token, partitions);
        current = probe;
        return probe;
    }

    static RestoreProbe current() {
        return current;
    }

    String token() {
        return this.token;
    }

    /** The restore consumer fetched changelog records. */
    void fetched(int records) {
        this.firstFetch.compareAndSet(0, System.nanoTime());
        this.fetched.addAndGet(records);
    }

    /** Partitions' tables are restored (as their system reports it). */
    void ready(Collection<Integer> partitions, long restored) {
        this.restored.addAndGet(restored);
        this.ready.addAll(partitions);
        if (this.readyAt == 0 && this.ready.size() >= this.partitions) {
            this.readyAt = System.nanoTime();
        }
    }

    /** The processor saw a record. */
    void probe(int partition, String value) {
        if (this.token.equals(value) && this.probed.add(partition) && this.probed.size() >= this.partitions) {
            this.processingAt = System.nanoTime();
            this.processing.countDown();
        }
    }

    boolean awaitProcessing(long timeoutMillis) throws InterruptedException {
        return this.processing.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Nanoseconds from the start to an instant, or -1 if it never came. */
    private long since(long instant) {
        return (instant == 0) ? -1 : instant - this.startedAt;
    }

    long toFirstFetch() {
        return since(this.firstFetch.get());
    }

    long toReady() {
        return since(this.readyAt);
    }

    long toProcessing() {
        return since(this.processingAt);
    }

    long fetched() {
        return this.fetched.get();
    }

    long restored() {
        return this.restored.get();
    }

    @Override
    public String toString() {
        return "RestoreProbe[" + this.token + ": fetched " + fetched() + ", restored " + restored() + ", ready "
                + this.ready + ", probed " + this.probed + "]";
    }
}
