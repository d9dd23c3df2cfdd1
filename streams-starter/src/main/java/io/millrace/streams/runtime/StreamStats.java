package io.millrace.streams.runtime;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.step.PipelineListener;

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

    void onConsumed(int records) {
        this.consumed.add(records);
    }

    @Override
    public void onCompleted(Message<?> message) {
        this.completed.increment();
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
        this.produced.computeIfAbsent(topic, (key) -> new LongAdder()).add(records);
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
