package io.millrace.streams.runtime;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.PipelineListener;

/**
 * The running counts of one stream, kept across restarts of its consumer clients. Written by the poll threads,
 * read by the endpoint, the health indicator and the metrics.
 */
public final class StreamStats implements PipelineListener {

    private final LongAdder consumed = new LongAdder();

    private final LongAdder completed = new LongAdder();

    private final LongAdder filtered = new LongAdder();

    private final LongAdder deadLettered = new LongAdder();

    private final Map<InvalidMessage.Reason, LongAdder> deadLetteredByReason = new ConcurrentHashMap<>();

    private final Map<String, LongAdder> produced = new ConcurrentHashMap<>();

    /** Time from fetch to fully processed, summed over processed records. */
    private final LongAdder latencyNanos = new LongAdder();

    private final LongAdder commits = new LongAdder();

    private final LongAdder commitNanos = new LongAdder();

    /** Throughput over the last second or so; updated by whichever poll thread passes a second boundary. */
    private volatile double consumedRate;

    private volatile double processedRate;

    private long rateSampledAt;

    private long rateConsumed;

    private long rateProcessed;

    public void onConsumed(int records) {
        this.consumed.add(records);
    }

    @Override
    public void onCompleted(Message<?> message) {
        this.completed.increment();
        this.latencyNanos.add(System.nanoTime() - message.startNanos());
    }

    public void onCommitted(long nanos) {
        this.commits.increment();
        this.commitNanos.add(nanos);
    }

    /**
     * Updates the rates when a second has passed since the last update. Cheap when it has not.
     * @param nowMillis the current time
     */
    public void tick(long nowMillis) {
        if (nowMillis - this.rateSampledAt < 1000) {
            return;
        }
        synchronized (this) {
            long elapsed = nowMillis - this.rateSampledAt;
            if (elapsed < 1000) {
                return;
            }
            long consumedNow = consumed();
            long processedNow = processed();
            if (this.rateSampledAt > 0) {
                this.consumedRate = (consumedNow - this.rateConsumed) * 1000.0 / elapsed;
                this.processedRate = (processedNow - this.rateProcessed) * 1000.0 / elapsed;
            }
            this.rateSampledAt = nowMillis;
            this.rateConsumed = consumedNow;
            this.rateProcessed = processedNow;
        }
    }

    /**
     * Records fetched per second, over the last second.
     * @return the rate
     */
    public double consumedRate() {
        return this.consumedRate;
    }

    /**
     * Records fully processed per second, over the last second.
     * @return the rate
     */
    public double processedRate() {
        return this.processedRate;
    }

    /**
     * Total time from fetch to fully processed of the processed records.
     * @return nanoseconds
     */
    public long latencyNanos() {
        return this.latencyNanos.sum();
    }

    /**
     * Offset commits acknowledged by the broker.
     * @return the count
     */
    public long commits() {
        return this.commits.sum();
    }

    /**
     * Total round-trip time of the acknowledged commits.
     * @return nanoseconds
     */
    public long commitNanos() {
        return this.commitNanos.sum();
    }

    @Override
    public void onFiltered(Message<?> message) {
        this.filtered.increment();
    }

    @Override
    public void onDeadLettered(Message<?> message, InvalidMessage reason) {
        this.deadLettered.increment();
        this.deadLetteredByReason.computeIfAbsent(reason.reason(), (key) -> new LongAdder()).increment();
    }

    @Override
    public void onProduced(String topic, int records) {
        // Once per output record: a plain get first, the allocating path only for a topic's first record.
        LongAdder adder = this.produced.get(topic);
        if (adder == null) {
            adder = this.produced.computeIfAbsent(topic, (key) -> new LongAdder());
        }
        adder.add(records);
    }

    /**
     * Records fetched from the input topic.
     * @return the count
     */
    public long consumed() {
        return this.consumed.sum();
    }

    /**
     * Records fully processed: outputs acknowledged, filtered or dead-lettered.
     * @return the count
     */
    public long processed() {
        return this.completed.sum();
    }

    /**
     * Records the input processor dropped.
     * @return the count
     */
    public long filtered() {
        return this.filtered.sum();
    }

    /**
     * Records sent to the dead-letter topic.
     * @return the count
     */
    public long deadLettered() {
        return this.deadLettered.sum();
    }

    /**
     * Records sent to the dead-letter topic, by reason.
     * @return the counts, by reason
     */
    public Map<InvalidMessage.Reason, Long> deadLetteredByReason() {
        Map<InvalidMessage.Reason, Long> counts = new TreeMap<>();
        this.deadLetteredByReason.forEach((reason, count) -> counts.put(reason, count.sum()));
        return counts;
    }

    /**
     * Output records acknowledged by the broker, by output topic.
     * @return the counts, by topic
     */
    public Map<String, Long> produced() {
        Map<String, Long> counts = new TreeMap<>();
        this.produced.forEach((topic, count) -> counts.put(topic, count.sum()));
        return counts;
    }
}
