package io.millrace.streams.bench;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The client settings every contender shares, so that they differ in how they process records and in nothing
 * else: the same producer batching and acknowledgements, the same fetch size, the same metering interceptors.
 *
 * @param bootstrapServers the broker
 * @param maxPollRecords records per poll, for every consumer
 */
record ClientSettings(String bootstrapServers, int maxPollRecords) {

    static final String ACKS = "all";

    static final int LINGER_MS = 5;

    static final int BATCH_SIZE = 64 * 1024;

    static final String COMPRESSION = "none";

    /** Longest time between offset commits, for every contender (Millrace's and Kafka Streams' default). */
    static final int COMMIT_INTERVAL_MS = 1000;

    /**
     * Producer properties; the client id must start with the run id so the run's {@link Meter} finds it.
     * @param clientId the client id
     * @return the properties
     */
    Map<String, Object> producer(String clientId) {
        Map<String, Object> properties = new HashMap<>(producerTuning());
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, MeteringProducerInterceptor.class.getName());
        return properties;
    }

    /**
     * Consumer properties: a new group reads from the beginning; offsets are committed by hand.
     * @param groupId the consumer group
     * @param clientId the client id, starting with the run id
     * @return the properties
     */
    Map<String, Object> consumer(String groupId, String clientId) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, this.maxPollRecords);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, MeteringConsumerInterceptor.class.getName());
        return properties;
    }

    /**
     * The same settings as Spring Boot properties, for the Millrace contenders.
     * @return {@code spring.kafka.*} properties
     */
    Map<String, Object> springKafka() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.kafka.bootstrap-servers", this.bootstrapServers);
        properties.put("spring.kafka.consumer.max-poll-records", this.maxPollRecords);
        properties.put("spring.kafka.consumer.properties.interceptor.classes",
                MeteringConsumerInterceptor.class.getName());
        properties.put("spring.kafka.producer.acks", ACKS);
        properties.put("spring.kafka.producer.batch-size", BATCH_SIZE + "B");
        properties.put("spring.kafka.producer.compression-type", COMPRESSION);
        properties.put("spring.kafka.producer.properties.linger.ms", LINGER_MS);
        properties.put("spring.kafka.producer.properties.interceptor.classes",
                MeteringProducerInterceptor.class.getName());
        return properties;
    }

    private static Map<String, Object> producerTuning() {
        return Map.of(ProducerConfig.ACKS_CONFIG, ACKS, ProducerConfig.LINGER_MS_CONFIG, LINGER_MS,
                ProducerConfig.BATCH_SIZE_CONFIG, BATCH_SIZE, ProducerConfig.COMPRESSION_TYPE_CONFIG, COMPRESSION);
    }
}
