package io.millrace.streams.strategy;

import java.util.HashMap;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * The largest record each topic of a stream takes: the producer's {@code max.request.size}, lowered for a topic
 * whose {@code max.message.bytes} is smaller (the broker refuses a batch above it; under {@code exactly-once} that
 * refusal aborts the transaction, and the replay would be refused the same way). {@code Route} checks every output
 * and table write against it before sending, and dead-letters the input record of one too large.
 *
 * <p>Sizes are {@link RecordSize#upperBound uncompressed upper bounds} of a batch holding the one record, which is
 * what the producer checks against {@code max.request.size}. The broker checks {@code max.message.bytes} against the
 * batch as written, compressed if the producer compresses: topic limits are only known to hold for an uncompressed
 * producer, so the runtime collects them only then (see {@code KafkaClients#recordLimits}).
 */
public final class RecordLimits implements ToIntFunction<String> {

    /** No limit for any topic. */
    public static final RecordLimits UNLIMITED = new RecordLimits(RecordSize.UNLIMITED, Map.of());

    private final int maxRequestSize;

    private final Map<String, Integer> topicLimits;

    private RecordLimits(int maxRequestSize, Map<String, Integer> topicLimits) {
        this.maxRequestSize = maxRequestSize;
        this.topicLimits = Map.copyOf(topicLimits);
    }

    /**
     * The same limit for every topic.
     * @param maxRequestSize the producer's {@code max.request.size}, {@link RecordSize#UNLIMITED} for none
     * @return the limits
     */
    public static RecordLimits of(int maxRequestSize) {
        return (maxRequestSize == RecordSize.UNLIMITED) ? UNLIMITED : new RecordLimits(maxRequestSize, Map.of());
    }

    /**
     * These limits, lowered for the topics whose {@code max.message.bytes} is below the producer's limit.
     * @param maxMessageBytes {@code max.message.bytes} by topic
     * @return the new limits
     */
    public RecordLimits withTopicLimits(Map<String, Integer> maxMessageBytes) {
        Map<String, Integer> lower = new HashMap<>(this.topicLimits);
        maxMessageBytes.forEach((topic, limit) -> {
            if (limit != null && limit < this.maxRequestSize) {
                lower.merge(topic, limit, Math::min);
            }
        });
        return new RecordLimits(this.maxRequestSize, lower);
    }

    /** @return the producer's {@code max.request.size} */
    public int maxRequestSize() {
        return this.maxRequestSize;
    }

    /** @return the topics whose limit is their {@code max.message.bytes}, with it */
    public Map<String, Integer> topicLimits() {
        return this.topicLimits;
    }

    /**
     * The largest record a topic takes.
     * @param topic the topic
     * @return its limit in bytes
     */
    @Override
    public int applyAsInt(String topic) {
        Integer limit = this.topicLimits.get(topic);
        return (limit != null) ? limit : this.maxRequestSize;
    }

    /**
     * Why a record of this size does not fit its topic.
     * @param what the record, as the message names it ("The output record", "The changelog record of table 'x'")
     * @param topic its topic
     * @param size its upper bound in bytes
     * @return the reason, or {@code null} if it fits
     */
    public String tooLarge(String what, String topic, int size) {
        int limit = applyAsInt(topic);
        if (size <= limit) {
            return null;
        }
        String which = this.topicLimits.containsKey(topic) ? "the topic's max.message.bytes"
                : "the producer's max.request.size";
        return what + " for " + topic + " is " + size + " bytes, more than " + which + " (" + limit + ")";
    }

    /** @return whether no topic has a limit */
    public boolean unlimited() {
        return this.maxRequestSize == RecordSize.UNLIMITED && this.topicLimits.isEmpty();
    }

    @Override
    public String toString() {
        return "RecordLimits[max.request.size=" + this.maxRequestSize + ", max.message.bytes=" + this.topicLimits
                + "]";
    }
}
