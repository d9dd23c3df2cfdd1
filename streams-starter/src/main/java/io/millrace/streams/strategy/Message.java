package io.millrace.streams.strategy;

import java.util.Map;
import java.util.Objects;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A payload travelling through the pipeline together with the offsets it makes committable.
 *
 * <p>A message is in one of three states: it carries a payload, it was filtered (nothing to send, but its offsets
 * are still committed), or it is invalid (its original record goes to the dead-letter topic). Filtered and invalid
 * messages travel on in order like any other, so that offsets stay contiguous. Immutable.
 *
 * @param <T> the payload type
 */
public final class Message<T> {

    private final T payload;

    /** The record this message came from; {@code null} for a message made of several records (a batch). */
    private final ConsumerRecord<byte[], byte[]> origin;

    /** Offsets committable once this message is done; {@code null} when derived from {@link #origin}. */
    private final Map<TopicPartition, Long> committable;

    private final boolean filtered;

    private final InvalidMessage invalid;

    /** {@link System#nanoTime()} when the message entered the pipeline, kept by derived messages. */
    private final long startNanos;

    /**
     * The origin's topic, partition and offset, copied when the message is made: the last steps read them when the
     * broker acknowledged the outputs, thousands of messages later, when the origin record itself has long left the
     * CPU caches (reading it there was a tenth of the poll thread).
     */
    private final String originTopic;

    private final int originPartition;

    private final long originOffset;

    /** The record's observation when tracing is on, else {@code null}. */
    private final RecordObservation observation;

    private Message(T payload, ConsumerRecord<byte[], byte[]> origin, Map<TopicPartition, Long> committable,
            boolean filtered, InvalidMessage invalid, long startNanos, RecordObservation observation) {
        this.payload = payload;
        this.origin = origin;
        this.committable = committable;
        this.filtered = filtered;
        this.invalid = invalid;
        this.startNanos = startNanos;
        this.observation = observation;
        this.originTopic = (origin != null) ? origin.topic() : null;
        this.originPartition = (origin != null) ? origin.partition() : -1;
        this.originOffset = (origin != null) ? origin.offset() : -1;
    }

    /**
     * A message for one consumed record; its payload is the record itself.
     * @param record the consumed record
     * @return the message
     */
    public static Message<ConsumerRecord<byte[], byte[]>> of(ConsumerRecord<byte[], byte[]> record) {
        return observed(record, null);
    }

    /**
     * A message for one consumed record, observed while it goes through the pipeline.
     * @param record the consumed record
     * @param observation the record's started observation, {@code null} when tracing is off
     * @return the message
     */
    public static Message<ConsumerRecord<byte[], byte[]>> observed(ConsumerRecord<byte[], byte[]> record,
            RecordObservation observation) {
        return new Message<>(Objects.requireNonNull(record, "record"), record, null, false, null, System.nanoTime(),
                observation);
    }

    /**
     * A message standing for several records, such as a batch.
     * @param payload the payload
     * @param committable the next offset to commit per partition once the message is done
     * @param <T> the payload type
     * @return the message
     */
    public static <T> Message<T> of(T payload, Map<TopicPartition, Long> committable) {
        return new Message<>(payload, null, Map.copyOf(committable), false, null, System.nanoTime(), null);
    }

    /**
     * The payload.
     * @return the payload, {@code null} when filtered or invalid
     */
    public T payload() {
        return this.payload;
    }

    /**
     * When the message entered the pipeline, for measuring how long records take.
     * @return a {@link System#nanoTime()} reading
     */
    public long startNanos() {
        return this.startNanos;
    }

    /**
     * Whether this message carries a payload to process (it is neither filtered nor invalid).
     * @return {@code true} if there is a payload to process
     */
    public boolean hasPayload() {
        return !this.filtered && this.invalid == null;
    }

    /**
     * Whether this message was filtered: there is nothing to send, but its offsets are committed.
     * @return {@code true} if filtered
     */
    public boolean isFiltered() {
        return this.filtered;
    }

    /**
     * Why this message is dead-lettered.
     * @return the reason, or {@code null} if the message is valid
     */
    public InvalidMessage invalid() {
        return this.invalid;
    }

    /**
     * The observation of the record this message came from.
     * @return the observation, or {@code null} when tracing is off or for a message made of several records
     */
    public RecordObservation observation() {
        return this.observation;
    }

    /**
     * The record this message came from.
     * @return the record, or {@code null} for a message made of several records
     */
    public ConsumerRecord<byte[], byte[]> origin() {
        return this.origin;
    }

    /**
     * The offsets committable once this message is done.
     * @return the next offset to commit per partition
     */
    public Map<TopicPartition, Long> committable() {
        if (this.committable != null) {
            return this.committable;
        }
        return Map.of(new TopicPartition(this.originTopic, this.originPartition), this.originOffset + 1);
    }

    /**
     * This message with other committable offsets, for example none for all but the last of the messages
     * unfolded from one record, so that its offset is committed only after the last.
     * @param offsets the offsets, possibly empty
     * @return a new message with the same payload and origin
     */
    public Message<T> withCommittable(Map<TopicPartition, Long> offsets) {
        return new Message<>(this.payload, this.origin, Map.copyOf(offsets), this.filtered, this.invalid,
                this.startNanos, this.observation);
    }

    /**
     * Whether this message's offsets are those of its origin record.
     * @return {@code true} when {@link #committable()} is derived from {@link #origin()}
     */
    public boolean commitsOrigin() {
        return this.committable == null && this.origin != null;
    }

    /**
     * The topic of the origin record, without reading the record.
     * @return the topic, or {@code null} for a message without origin
     */
    public String originTopic() {
        return this.originTopic;
    }

    /**
     * The partition of the origin record, without reading the record.
     * @return the partition, or {@code -1} for a message without origin
     */
    public int originPartition() {
        return this.originPartition;
    }

    /**
     * The offset of the origin record, without reading the record.
     * @return the offset, or {@code -1} for a message without origin
     */
    public long originOffset() {
        return this.originOffset;
    }

    /**
     * This message with another payload.
     * @param payload the new payload
     * @param <U> the new payload type
     * @return a new message with the same offsets
     */
    public <U> Message<U> withPayload(U payload) {
        return new Message<>(payload, this.origin, this.committable, false, null, this.startNanos, this.observation);
    }

    /**
     * This message, filtered.
     * @param <U> the payload type expected downstream
     * @return a filtered message with the same offsets
     */
    public <U> Message<U> filtered() {
        return new Message<>(null, this.origin, this.committable, true, null, this.startNanos, this.observation);
    }

    /**
     * This message, marked for the dead-letter topic.
     * @param reason why
     * @param <U> the payload type expected downstream
     * @return an invalid message with the same offsets
     */
    public <U> Message<U> invalid(InvalidMessage reason) {
        return new Message<>(null, this.origin, this.committable, false, Objects.requireNonNull(reason, "reason"),
                this.startNanos, this.observation);
    }

    /**
     * This message as one of another payload type, for a message that carries no payload.
     * @param <U> the payload type expected downstream
     * @return this message
     * @throws IllegalStateException if this message carries a payload
     */
    @SuppressWarnings("unchecked")
    public <U> Message<U> withoutPayload() {
        if (hasPayload()) {
            throw new IllegalStateException("message carries a payload");
        }
        return (Message<U>) this;
    }

    @Override
    public String toString() {
        String where = (this.origin != null)
                ? this.originTopic + "-" + this.originPartition + "@" + this.originOffset
                : String.valueOf(this.committable);
        String state = this.filtered ? "filtered" : (this.invalid != null) ? "invalid" : "payload";
        return "Message[" + where + ", " + state + "]";
    }
}
