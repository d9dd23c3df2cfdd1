package io.millrace.streams.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.management.OperatingSystemMXBean;

/**
 * Times one run of one contender from the Kafka clients' side, so that every contender is timed alike whatever
 * its internals: the clock starts when its consumer first returns records and stops when the broker has
 * acknowledged as many output records as the input calls for.
 *
 * <p>The clients find their meter through the interceptors ({@link MeteringConsumerInterceptor},
 * {@link MeteringProducerInterceptor}) by client id: every client of a run has an id that starts with the run id
 * and a dash.
 */
final class Meter implements AutoCloseable {

    private static final Map<String, Meter> active = new ConcurrentHashMap<>();

    private final String runId;

    private final long expected;

    private static final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory
            .getOperatingSystemMXBean();

    private final AtomicLong firstConsumed = new AtomicLong();

    /** This process's CPU time when the first records were consumed; written before {@link #firstConsumed}. */
    private volatile long cpuAtFirstConsumed;

    private final AtomicLong consumed = new AtomicLong();

    private final AtomicLong acknowledged = new AtomicLong();

    private final Map<String, AtomicLong> acknowledgedByTopic = new ConcurrentHashMap<>();

    private final AtomicReference<Exception> failure = new AtomicReference<>();

    private final CountDownLatch done = new CountDownLatch(1);

    /** When the expected acknowledgement count was reached; written once, before {@link #done} opens. */
    private volatile long lastAcknowledged;

    /** This process's CPU time then. */
    private volatile long cpuAtLastAcknowledged;

    /** When the latest acknowledgement arrived, whether or not the expected count was reached. */
    private volatile long latestAcknowledged;

    private Meter(String runId, long expected) {
        this.runId = runId;
        this.expected = expected;
    }

    /**
     * Starts metering the clients of a run.
     * @param runId the prefix of the run's client ids
     * @param expected how many output acknowledgements mean the run is done
     * @return the meter; close it when the run is over
     */
    static Meter start(String runId, long expected) {
        Meter meter = new Meter(runId, expected);
        if (active.putIfAbsent(runId, meter) != null) {
            throw new IllegalStateException("run " + runId + " is metered already");
        }
        return meter;
    }

    /**
     * The meter of a client, if its run is metered.
     * @param clientId the client id
     * @return the meter or {@code null}
     */
    static Meter forClient(Object clientId) {
        if (clientId == null) {
            return null;
        }
        String id = clientId.toString();
        for (Meter meter : active.values()) {
            if (id.startsWith(meter.runId + "-")) {
                return meter;
            }
        }
        return null;
    }

    void consumed(int records) {
        if (records > 0) {
            if (this.firstConsumed.get() == 0) {
                long cpu = os.getProcessCpuTime();
                if (this.firstConsumed.compareAndSet(0, System.nanoTime())) {
                    this.cpuAtFirstConsumed = cpu;
                }
            }
            this.consumed.addAndGet(records);
        }
    }

    void acknowledged(String topic, Exception exception) {
        if (exception != null) {
            this.failure.compareAndSet(null, exception);
            return;
        }
        this.acknowledgedByTopic.computeIfAbsent(topic, (key) -> new AtomicLong()).incrementAndGet();
        this.latestAcknowledged = System.nanoTime();
        if (this.acknowledged.incrementAndGet() == this.expected) {
            this.lastAcknowledged = System.nanoTime();
            this.cpuAtLastAcknowledged = os.getProcessCpuTime();
            this.done.countDown();
        }
    }

    /**
     * Waits until the run is done.
     * @param timeout how long to wait
     * @return whether the expected acknowledgements arrived in time
     * @throws InterruptedException if interrupted
     */
    boolean await(Duration timeout) throws InterruptedException {
        return this.done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * From the first record consumed to the last acknowledgement expected.
     * @return the elapsed time
     */
    Duration elapsed() {
        return Duration.ofNanos(this.lastAcknowledged - this.firstConsumed.get());
    }

    /**
     * The CPU time this process spent over the same span as {@link #elapsed()}: every thread of the contender,
     * garbage collection and compilation included. The broker runs elsewhere.
     * @return the CPU time
     */
    Duration cpu() {
        return Duration.ofNanos(this.cpuAtLastAcknowledged - this.cpuAtFirstConsumed);
    }

    /**
     * When the first records were consumed.
     * @return {@link System#nanoTime()} then, or {@code 0} before any
     */
    long firstConsumedAt() {
        return this.firstConsumed.get();
    }

    /**
     * This process's CPU time when the first records were consumed.
     * @return nanoseconds
     */
    long cpuAtFirstConsumed() {
        return this.cpuAtFirstConsumed;
    }

    /**
     * When the latest acknowledgement arrived: the end of a run whose output count is not known in advance.
     * @return {@link System#nanoTime()} then, or {@code 0} before any
     */
    long latestAcknowledgedAt() {
        return this.latestAcknowledged;
    }

    /**
     * This process's CPU time now.
     * @return nanoseconds
     */
    static long processCpu() {
        return os.getProcessCpuTime();
    }

    long consumed() {
        return this.consumed.get();
    }

    long acknowledged() {
        return this.acknowledged.get();
    }

    Map<String, Long> acknowledgedByTopic() {
        Map<String, Long> counts = new TreeMap<>();
        this.acknowledgedByTopic.forEach((topic, count) -> counts.put(topic, count.get()));
        return counts;
    }

    Exception failure() {
        return this.failure.get();
    }

    @Override
    public void close() {
        active.remove(this.runId, this);
    }

    @Override
    public String toString() {
        return "Meter[" + this.runId + ": consumed " + consumed() + ", acknowledged " + acknowledged() + " of "
                + this.expected + " " + acknowledgedByTopic() + "]";
    }
}
