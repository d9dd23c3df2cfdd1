package io.millrace.streams.strategy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;


/**
 * Makes the dead-letter record for an invalid message: the original key, value and headers, plus headers that say
 * why, named as spring-kafka's {@code DeadLetterPublishingRecoverer} names them so existing tooling reads them.
 *
 * <p>Also counts dead letters against the stream's {@link DeadLetterLimit}: each consumer client has its own
 * instance ({@link #forClient()}), whose {@link #limit()} the {@code Produce} step reports to.
 */
public final class DeadLetters {

    /** The exception's class name (spring-kafka's {@code KafkaHeaders.DLT_EXCEPTION_FQCN}). */
    public static final String EXCEPTION_FQCN = "kafka_dlt-exception-fqcn";

    /** The root cause's class name ({@code KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN}). */
    public static final String EXCEPTION_CAUSE_FQCN = "kafka_dlt-exception-cause-fqcn";

    /** The exception message ({@code KafkaHeaders.DLT_EXCEPTION_MESSAGE}). */
    public static final String EXCEPTION_MESSAGE = "kafka_dlt-exception-message";

    /** The stack trace, cut to {@value #MAX_STACKTRACE} characters ({@code KafkaHeaders.DLT_EXCEPTION_STACKTRACE}). */
    public static final String EXCEPTION_STACKTRACE = "kafka_dlt-exception-stacktrace";

    /** The original topic ({@code KafkaHeaders.DLT_ORIGINAL_TOPIC}). */
    public static final String ORIGINAL_TOPIC = "kafka_dlt-original-topic";

    /** The original partition, a 4-byte big-endian int ({@code KafkaHeaders.DLT_ORIGINAL_PARTITION}). */
    public static final String ORIGINAL_PARTITION = "kafka_dlt-original-partition";

    /** The original offset, an 8-byte big-endian long ({@code KafkaHeaders.DLT_ORIGINAL_OFFSET}). */
    public static final String ORIGINAL_OFFSET = "kafka_dlt-original-offset";

    /** The original timestamp, an 8-byte big-endian long ({@code KafkaHeaders.DLT_ORIGINAL_TIMESTAMP}). */
    public static final String ORIGINAL_TIMESTAMP = "kafka_dlt-original-timestamp";

    /** The original timestamp type ({@code KafkaHeaders.DLT_ORIGINAL_TIMESTAMP_TYPE}). */
    public static final String ORIGINAL_TIMESTAMP_TYPE = "kafka_dlt-original-timestamp-type";

    /** The consumer group that failed the record ({@code KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP}). */
    public static final String ORIGINAL_CONSUMER_GROUP = "kafka_dlt-original-consumer-group";

    /** The stream that failed the record. */
    public static final String STREAM = "millrace_dlt-stream";

    /** Where in the pipeline it failed: an {@link InvalidMessage.Reason} name. */
    public static final String REASON = "millrace_dlt-reason";

    static final int MAX_STACKTRACE = 4096;

    private final String topic;

    private final String stream;

    private final String consumerGroup;

    private final DeadLetterLimit limit;

    private final DeadLetterLimit.Tracker tracker;

    /**
     * Creates the dead-letter policy of one stream, without a limit.
     * @param topic the dead-letter topic
     * @param stream the stream name
     * @param consumerGroup the stream's consumer group
     */
    public DeadLetters(String topic, String stream, String consumerGroup) {
        this(topic, stream, consumerGroup, DeadLetterLimit.OFF);
    }

    /**
     * Creates the dead-letter policy of one stream.
     * @param topic the dead-letter topic
     * @param stream the stream name
     * @param consumerGroup the stream's consumer group
     * @param limit how many dead letters stop the stream
     */
    public DeadLetters(String topic, String stream, String consumerGroup, DeadLetterLimit limit) {
        this.topic = topic;
        this.stream = stream;
        this.consumerGroup = consumerGroup;
        this.limit = limit;
        this.tracker = limit.tracker();
    }

    /**
     * The same policy with a count of its own, for one consumer client: the count is not thread-safe.
     * @return a new instance with nothing counted
     */
    public DeadLetters forClient() {
        return new DeadLetters(this.topic, this.stream, this.consumerGroup, this.limit);
    }

    /**
     * This client's count against the stream's dead-letter limit; the poll thread only.
     * @return the count, {@link DeadLetterLimit.Tracker#NONE} without a limit
     */
    public DeadLetterLimit.Tracker limit() {
        return this.tracker;
    }

    /**
     * The dead-letter topic.
     * @return the topic
     */
    public String topic() {
        return this.topic;
    }

    /**
     * Makes the dead-letter record.
     * @param origin the original record
     * @param invalid why it is dead-lettered
     * @return the record for the dead-letter topic
     */
    public ProducerRecord<byte[], byte[]> record(ConsumerRecord<byte[], byte[]> origin, InvalidMessage invalid) {
        Throwable failure = (invalid.getCause() != null) ? invalid.getCause() : invalid;
        Headers headers = new RecordHeaders(origin.headers().toArray());
        headers.add(EXCEPTION_FQCN, utf8(failure.getClass().getName()));
        headers.add(EXCEPTION_CAUSE_FQCN, utf8(rootCause(failure).getClass().getName()));
        headers.add(EXCEPTION_MESSAGE, utf8(String.valueOf(failure.getMessage())));
        headers.add(EXCEPTION_STACKTRACE, utf8(stackTrace(failure)));
        headers.add(ORIGINAL_TOPIC, utf8(origin.topic()));
        headers.add(ORIGINAL_PARTITION, ByteBuffer.allocate(Integer.BYTES).putInt(origin.partition()).array());
        headers.add(ORIGINAL_OFFSET, ByteBuffer.allocate(Long.BYTES).putLong(origin.offset()).array());
        headers.add(ORIGINAL_TIMESTAMP, ByteBuffer.allocate(Long.BYTES).putLong(origin.timestamp()).array());
        headers.add(ORIGINAL_TIMESTAMP_TYPE, utf8(origin.timestampType().toString()));
        headers.add(ORIGINAL_CONSUMER_GROUP, utf8(this.consumerGroup));
        headers.add(STREAM, utf8(this.stream));
        headers.add(REASON, utf8(invalid.reason().name()));
        return new ProducerRecord<>(this.topic, null, null, origin.key(), origin.value(), headers);
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String stackTrace(Throwable failure) {
        StringWriter out = new StringWriter();
        failure.printStackTrace(new PrintWriter(out));
        String trace = out.toString();
        return (trace.length() > MAX_STACKTRACE) ? trace.substring(0, MAX_STACKTRACE) : trace;
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
