package io.millrace.streams.runtime;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalInt;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;

import io.millrace.streams.strategy.RecordLimits;
import io.millrace.streams.strategy.RecordSize;

/**
 * Makes the Kafka clients and topics the runtime needs; the Boot glue builds them from {@code spring.kafka.*},
 * unit tests from {@code MockConsumer} and {@code MockProducer}.
 */
public interface KafkaClients {

    /**
     * Creates a consumer of raw bytes with auto-commit off.
     * @param groupId the consumer group
     * @param clientId the client id
     * @param overrides properties that win over the defaults
     * @return a new consumer, owned by the caller
     */
    Consumer<byte[], byte[]> consumer(String groupId, String clientId, Map<String, Object> overrides);

    /**
     * Creates a producer of raw bytes.
     * @param clientId the client id
     * @param overrides properties that win over the defaults
     * @return a new producer, owned by the caller
     */
    Producer<byte[], byte[]> producer(String clientId, Map<String, Object> overrides);

    /**
     * Creates a transactional producer of raw bytes, for {@code exactly-once}.
     * @param clientId the client id
     * @param transactionalId the transactional id, stable across restarts of the same instance
     * @param overrides properties that win over the defaults
     * @return a new producer, owned by the caller, on which {@code initTransactions} was not called yet
     */
    default Producer<byte[], byte[]> transactionalProducer(String clientId, String transactionalId,
            Map<String, Object> overrides) {
        Map<String, Object> properties = new java.util.HashMap<>(overrides);
        properties.put("transactional.id", transactionalId);
        properties.put("enable.idempotence", true);
        return producer(clientId, properties);
    }

    /**
     * The {@code max.request.size} of the producers made with these overrides: the largest record they send.
     * @param overrides properties that win over the defaults
     * @return the limit in bytes
     */
    default int maxRequestSize(Map<String, ?> overrides) {
        return RecordSize.maxRequestSize(overrides);
    }

    /**
     * The {@code max.poll.interval.ms} of the consumers made with these overrides: how long their thread may go
     * without polling before the group gives their partitions to another member.
     * @param overrides properties that win over the defaults
     * @return the interval; by default the overrides' or the consumer's default of 5 minutes
     */
    default Duration maxPollInterval(Map<String, ?> overrides) {
        return StreamChecks.maxPollInterval(overrides);
    }

    /**
     * The largest record each topic takes from the producers made with these overrides: their
     * {@code max.request.size}, or a topic's {@code max.message.bytes} where it is smaller and the producers do not
     * compress (a compressed batch may fit a limit its records exceed, so no topic limit is known to hold then).
     * @param overrides properties that win over the defaults
     * @param topics the topics the producers write to
     * @return the limits; by default {@code max.request.size} alone
     */
    default RecordLimits recordLimits(Map<String, ?> overrides, Collection<String> topics) {
        return RecordLimits.of(maxRequestSize(overrides));
    }

    /**
     * Closes a producer made by {@link #producer}, releasing whatever was made with it.
     * @param producer the producer
     * @param timeout how long to wait for unsent records
     */
    default void close(Producer<byte[], byte[]> producer, Duration timeout) {
        producer.close(timeout);
    }

    /**
     * The partition count of a topic.
     * @param topic the topic
     * @return the partition count, or empty if the topic does not exist
     */
    OptionalInt partitions(String topic);

    /**
     * Creates a topic unless it exists.
     * @param topic the topic
     * @param partitions its partition count
     * @param config topic configuration such as {@code cleanup.policy}
     */
    void createTopic(String topic, int partitions, Map<String, String> config);

    /**
     * Deletes the records of partitions before the given offsets ({@code Admin.deleteRecords}): what a re-keyed
     * stream's second stage committed from its repartition topic. Blocks until the brokers answer.
     * @param before the first offset to keep, by partition
     */
    default void deleteRecords(Map<TopicPartition, Long> before) {
    }
}
