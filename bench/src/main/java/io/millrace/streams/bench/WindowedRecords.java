package io.millrace.streams.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Seeds the windowed-count input: keys drawn uniformly ({@code key00000} ...), each record keyed by the key it
 * counts (the default partitioner places it) with the key as its value too, so that a re-keyed variant can move
 * the counting key to the value alone. Record timestamps (the event time) advance evenly from a start one hour
 * back (the broker refuses timestamps far in the future), aligned to the windows, over as many windows as asked;
 * then one record per partition, keyed {@link #END}, far enough ahead to close every window of the input in every
 * system (its own window never closes, and it is left out of the expectation).
 *
 * <p>Re-keyed ({@code --scenario=windowed-rekeyed}, issue 12's {@code groupBy}, a repartition topic): each record is
 * keyed by something else (a user, {@code user00000} ..., drawn uniformly from as many users as keys) and the
 * counted key is its value alone, so every contender must re-key by the value. The record goes to the input
 * partition its counted key hashes to (as the default partitioner places the re-keyed record in the repartition
 * topic), so each partition of the repartition topic is fed by one input partition, in order: otherwise the first
 * stage, which reads its input partitions one fetch at a time (thousands of records each, seconds of event time),
 * interleaves them in the repartition topic with skews far beyond the 1 s grace, and every system would drop
 * records as late (reasoned from the fetch sizes, not measured), which is not what this measures. The closing
 * records then carry, as value, keys {@code ~end<n>} chosen to hash to every partition, one per partition, each in
 * that input partition.
 */
final class WindowedRecords {

    /** The window size. */
    static final Duration SIZE = Duration.ofSeconds(10);

    /** The grace for out-of-order records (the input is in order). */
    static final Duration GRACE = Duration.ofSeconds(1);

    /** The key of the records that close the last windows. */
    static final String END = "~end";

    private final String bootstrapServers;

    WindowedRecords(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Seeds the topic.
     * @param topic the topic
     * @param count how many records, closing records aside
     * @param keys how many distinct keys
     * @param windows how many windows the timestamps span
     * @param partitions the topic's partitions, each of which gets a closing record
     * @return every window's count
     */
    Expectation seed(String topic, long count, int keys, int windows, int partitions) {
        return seed(topic, count, keys, windows, partitions, false);
    }

    /**
     * Seeds the topic, keyed by the counted key or re-keyed.
     * @param topic the topic
     * @param count how many records, closing records aside
     * @param keys how many distinct keys
     * @param windows how many windows the timestamps span
     * @param partitions the topic's partitions, each of which gets a closing record
     * @param rekeyed whether the records are keyed by a user and the counted key is the value alone
     * @return every window's count
     */
    Expectation seed(String topic, long count, int keys, int windows, int partitions, boolean rekeyed) {
        long size = SIZE.toMillis();
        long start = Math.floorDiv(System.currentTimeMillis() - Duration.ofHours(1).toMillis(), size) * size;
        Random random = new Random(42);
        Map<String, Long> counts = new HashMap<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long last = start;
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            for (long i = 0; i < count; i++) {
                String key = key(random.nextInt(keys));
                long timestamp = start + i * windows * size / count;
                counts.merge(id(key, Math.floorDiv(timestamp, size) * size), 1L, Long::sum);
                byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
                ProducerRecord<byte[], byte[]> record = rekeyed
                        ? new ProducerRecord<>(topic, partitionOf(bytes, partitions), timestamp,
                                user(random.nextInt(keys)), bytes)
                        : new ProducerRecord<>(topic, null, timestamp, bytes, bytes);
                producer.send(record, (metadata, ex) -> {
                    if (ex != null) {
                        failure.compareAndSet(null, ex);
                    }
                });
                last = timestamp;
            }
            long closing = Math.floorDiv(last, size) * size + 2 * size + GRACE.toMillis();
            byte[] end = END.getBytes(StandardCharsets.UTF_8);
            for (int partition = 0; partition < partitions; partition++) {
                byte[] value = rekeyed ? endKeyFor(partition, partitions) : end;
                producer.send(new ProducerRecord<>(topic, partition, closing, end, value));
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Seeding " + topic + " failed", failure.get());
        }
        return new Expectation(count + partitions, counts);
    }

    static String key(int index) {
        return String.format("key%05d", index);
    }

    private static byte[] user(int index) {
        return String.format("user%05d", index).getBytes(StandardCharsets.UTF_8);
    }

    /** The partition the default partitioner gives a key: where a re-keyed record lands. */
    static int partitionOf(byte[] key, int partitions) {
        return BuiltInPartitioner.partitionForKey(key, partitions);
    }

    /** A closing key ({@code ~end<n>}) that hashes to a partition. */
    static byte[] endKeyFor(int partition, int partitions) {
        for (int n = 0;; n++) {
            byte[] key = (END + n).getBytes(StandardCharsets.UTF_8);
            if (partitionOf(key, partitions) == partition) {
                return key;
            }
        }
    }

    /**
     * Whether a key is a closing record's, left out of the checks.
     * @param key a counted key
     * @return whether it starts with {@link #END}
     */
    static boolean isEnd(String key) {
        return key.startsWith(END);
    }

    /**
     * How the expectation names a key's window.
     * @param key the key
     * @param windowStart the window's start
     * @return {@code key@start}
     */
    static String id(String key, long windowStart) {
        return key + "@" + windowStart;
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return properties;
    }

    /**
     * What counting the input must yield.
     *
     * @param records input records, closing records included: a run has processed them all
     * @param counts the count of every key in every window, by {@link #id(String, long)}
     */
    record Expectation(long records, Map<String, Long> counts) {
    }
}
