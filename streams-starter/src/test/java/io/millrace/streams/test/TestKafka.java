package io.millrace.streams.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import static org.awaitility.Awaitility.await;

/**
 * Test access to the suite's real KRaft broker (spring-kafka-test's global embedded broker, started once per test
 * run): topics, records in, records out.
 */
public final class TestKafka {

    private TestKafka() {
    }

    /**
     * The broker's bootstrap servers.
     * @return host:port
     */
    public static String brokers() {
        String brokers = System.getProperty("spring.embedded.kafka.brokers");
        if (brokers == null) {
            throw new IllegalStateException("No embedded broker: run integration tests with failsafe (./mvnw verify)");
        }
        return brokers;
    }

    public static void createTopic(String topic, int partitions) {
        createTopic(topic, partitions, Map.of());
    }

    public static void createTopic(String topic, int partitions, Map<String, String> config) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(config))).all()
                .get(30, TimeUnit.SECONDS);
        }
        catch (Exception ex) {
            throw new IllegalStateException("Cannot create topic " + topic, ex);
        }
    }

    public static boolean topicExists(String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers()))) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic);
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    public static int partitions(String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers()))) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                .partitions().size();
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    public static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers(),
                ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends records and waits for their acknowledgement. Keys and values are UTF-8; a null value is a tombstone. */
    public static void send(String topic, List<String[]> keyValues) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (String[] keyValue : keyValues) {
                producer.send(new ProducerRecord<>(topic, utf8(keyValue[0]), utf8(keyValue[1])));
            }
            producer.flush();
        }
    }

    public static void send(String topic, String key, String value) {
        send(topic, List.<String[]>of(new String[] { key, value }));
    }

    public static void send(ProducerRecord<byte[], byte[]> record) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(record);
            producer.flush();
        }
    }

    /**
     * Reads a topic from the beginning until the records read satisfy the condition.
     * @param topic the topic
     * @param done when to stop
     * @param timeout the longest wait
     * @return every record read
     */
    public static List<ConsumerRecord<byte[], byte[]>> readUntil(String topic,
            Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitionsOf(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(timeout).pollInterval(Duration.ofMillis(10)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return done.test(records);
            });
        }
        return records;
    }

    /**
     * Reads everything a topic holds now: from the beginning to the end offsets at the time of the call.
     * @param topic the topic
     * @return the records, partition by partition
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitionsOf(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return partitions.stream().allMatch((partition) -> consumer.position(partition) >= ends.get(partition));
            });
        }
        return records;
    }

    /**
     * The end offsets of a topic's partitions now.
     * @param topic the topic
     * @return end offset by partition number
     */
    public static Map<Integer, Long> endOffsets(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers()), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            Map<Integer, Long> ends = new java.util.TreeMap<>();
            consumer.endOffsets(partitionsOf(consumer, topic))
                .forEach((partition, offset) -> ends.put(partition.partition(), offset));
            return ends;
        }
    }

    /**
     * The sum of a consumer group's committed offsets over all its partitions.
     * @param group the consumer group
     * @return the sum, 0 if the group committed nothing
     */
    public static long committed(String group) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers()))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        }
        catch (Exception ex) {
            throw new IllegalStateException("Cannot read the offsets of " + group, ex);
        }
    }

    /** The topic's partitions, waiting for the topic to exist: a stream creates its outputs as it starts. */
    private static List<TopicPartition> partitionsOf(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            consumer.partitionsFor(topic, Duration.ofSeconds(10))
                .forEach((info) -> partitions.add(new TopicPartition(topic, info.partition())));
            return !partitions.isEmpty();
        });
        return partitions;
    }

    public static String utf8(byte[] bytes) {
        return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
    }

    public static byte[] utf8(String text) {
        return (text != null) ? text.getBytes(StandardCharsets.UTF_8) : null;
    }

    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return (header != null) ? utf8(header.value()) : null;
    }

    public static byte[] rawHeader(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return (header != null) ? header.value() : null;
    }
}
