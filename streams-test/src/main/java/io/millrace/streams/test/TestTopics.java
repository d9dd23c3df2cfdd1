package io.millrace.streams.test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;

/**
 * The driver's topics: per topic, per partition, the records in offset order; and every topic's records in the
 * order they were written. Partitions are chosen as Kafka's producer chooses them for a key (murmur2), round-robin
 * without a key.
 */
final class TestTopics {

    private final Map<String, Topic> topics = new LinkedHashMap<>();

    private final int defaultPartitions;

    TestTopics(int defaultPartitions) {
        this.defaultPartitions = defaultPartitions;
    }

    /**
     * Creates a topic unless it exists.
     * @param name the topic
     * @param partitions its partitions, {@code 0} for the default
     * @return the topic
     */
    Topic create(String name, int partitions) {
        return this.topics.computeIfAbsent(name,
                (key) -> new Topic(name, (partitions > 0) ? partitions : this.defaultPartitions));
    }

    Topic topic(String name) {
        return create(name, 0);
    }

    boolean exists(String name) {
        return this.topics.containsKey(name);
    }

    /**
     * Appends a record.
     * @param topic the topic, created if missing
     * @param partition the partition, or {@code null} to choose one by key
     * @param timestamp the timestamp
     * @param key the key
     * @param value the value
     * @param headers the headers
     * @return the record as appended
     */
    TestRecord append(String topic, Integer partition, long timestamp, byte[] key, byte[] value, Headers headers) {
        return topic(topic).append(partition, timestamp, key, value, headers);
    }

    /** One topic. */
    static final class Topic {

        private final String name;

        private final List<List<TestRecord>> partitions = new ArrayList<>();

        private final List<TestRecord> all = new ArrayList<>();

        private int roundRobin;

        Topic(String name, int partitions) {
            this.name = name;
            for (int i = 0; i < partitions; i++) {
                this.partitions.add(new ArrayList<>());
            }
        }

        String name() {
            return this.name;
        }

        int partitions() {
            return this.partitions.size();
        }

        List<TestRecord> partition(int partition) {
            return this.partitions.get(partition);
        }

        List<TestRecord> all() {
            return this.all;
        }

        TestRecord append(Integer partition, long timestamp, byte[] key, byte[] value, Headers headers) {
            int target = (partition != null) ? partition : choose(key);
            if (target < 0 || target >= this.partitions.size()) {
                throw new IllegalArgumentException("Topic " + this.name + " has " + this.partitions.size()
                        + " partition(s); there is no partition " + target);
            }
            List<TestRecord> log = this.partitions.get(target);
            Headers copy = (headers != null) ? new RecordHeaders(headers.toArray()) : new RecordHeaders();
            TestRecord record = new TestRecord(this.name, target, log.size(), timestamp, key, value, copy);
            log.add(record);
            this.all.add(record);
            return record;
        }

        private int choose(byte[] key) {
            if (key == null) {
                return Utils.toPositive(this.roundRobin++) % this.partitions.size();
            }
            return Utils.toPositive(Utils.murmur2(key)) % this.partitions.size();
        }
    }
}
