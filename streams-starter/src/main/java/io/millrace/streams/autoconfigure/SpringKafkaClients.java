package io.millrace.streams.autoconfigure;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;

import io.millrace.streams.runtime.KafkaClients;
import io.millrace.streams.strategy.RecordLimits;
import io.millrace.streams.strategy.RecordSize;

/**
 * Kafka clients built the way Boot builds its own: from {@code spring.kafka.*} and the connection details, through
 * spring-kafka's factories with the application's factory customizers (so Micrometer client metrics bind as they
 * do for any Boot Kafka client), and topics through the {@link KafkaAdmin}'s configuration.
 */
public final class SpringKafkaClients implements KafkaClients, DisposableBean {

    private static final Logger logger = LoggerFactory.getLogger(SpringKafkaClients.class);

    private static final long ADMIN_TIMEOUT_SECONDS = 10;

    private final DefaultKafkaConsumerFactory<byte[], byte[]> consumers;

    private final Map<String, Object> producerProperties;

    private final List<DefaultKafkaProducerFactoryCustomizer> producerCustomizers;

    private final KafkaAdmin kafkaAdmin;

    /** The factory behind each producer handed out, so closing the producer closes it for real. */
    private final Map<Producer<byte[], byte[]>, DefaultKafkaProducerFactory<byte[], byte[]>> producers =
            new IdentityHashMap<>();

    private Admin admin;

    public SpringKafkaClients(KafkaProperties properties, KafkaConnectionDetails connectionDetails,
            KafkaAdmin kafkaAdmin, List<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers,
            List<DefaultKafkaProducerFactoryCustomizer> producerCustomizers) {
        Map<String, Object> consumerProperties = properties.buildConsumerProperties();
        apply(connectionDetails.getConsumer(), consumerProperties);
        consumerProperties.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProperties.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                CooperativeStickyAssignor.class.getName());
        consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // An input topic appears when its producer creates it, not when a consumer happens to ask for it.
        consumerProperties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        this.consumers = new DefaultKafkaConsumerFactory<>(consumerProperties, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        consumerCustomizers.forEach((customizer) -> customizer.customize(this.consumers));
        this.producerProperties = properties.buildProducerProperties();
        apply(connectionDetails.getProducer(), this.producerProperties);
        this.producerCustomizers = List.copyOf(producerCustomizers);
        this.kafkaAdmin = kafkaAdmin;
    }

    private static void apply(KafkaConnectionDetails.Configuration connection, Map<String, Object> properties) {
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, connection.getBootstrapServers());
        if (connection.getSecurityProtocol() != null) {
            properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, connection.getSecurityProtocol());
        }
    }

    @Override
    public Consumer<byte[], byte[]> consumer(String groupId, String clientId, Map<String, Object> overrides) {
        Properties properties = new Properties();
        properties.putAll(overrides);
        return this.consumers.createConsumer(groupId, clientId, null, properties);
    }

    @Override
    public Producer<byte[], byte[]> producer(String clientId, Map<String, Object> overrides) {
        Map<String, Object> properties = producerProperties(overrides);
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        DefaultKafkaProducerFactory<byte[], byte[]> factory = new DefaultKafkaProducerFactory<>(properties,
                new ByteArraySerializer(), new ByteArraySerializer());
        this.producerCustomizers.forEach((customizer) -> customizer.customize(factory));
        Producer<byte[], byte[]> producer = factory.createProducer();
        synchronized (this.producers) {
            this.producers.put(producer, factory);
        }
        return producer;
    }

    /**
     * A plain {@link KafkaProducer} with the producer factory's properties: spring-kafka's transactional factory
     * would pool producers and suffix their transactional ids, while exactly-once needs one stable id per client.
     */
    @Override
    public Producer<byte[], byte[]> transactionalProducer(String clientId, String transactionalId,
            Map<String, Object> overrides) {
        Map<String, Object> properties = producerProperties(overrides);
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public int maxRequestSize(Map<String, ?> overrides) {
        Map<String, Object> properties = producerProperties(overrides);
        return RecordSize.maxRequestSize(properties);
    }

    @Override
    public Duration maxPollInterval(Map<String, ?> overrides) {
        Map<String, Object> properties = new HashMap<>(this.consumers.getConfigurationProperties());
        properties.putAll(overrides);
        return KafkaClients.super.maxPollInterval(properties);
    }

    /**
     * Reads the topics' {@code max.message.bytes} (their own or the broker's default) unless the producers compress.
     * A topic that cannot be described yet (not created, not authorized) keeps the producer's limit.
     */
    @Override
    public RecordLimits recordLimits(Map<String, ?> overrides, Collection<String> topics) {
        Map<String, Object> properties = producerProperties(overrides);
        RecordLimits limits = RecordLimits.of(RecordSize.maxRequestSize(properties));
        Object compression = properties.get(ProducerConfig.COMPRESSION_TYPE_CONFIG);
        if (topics.isEmpty()
                || (compression != null && !"none".equalsIgnoreCase(compression.toString().trim()))) {
            return limits;
        }
        Map<ConfigResource, KafkaFuture<Config>> configs = admin().describeConfigs(new LinkedHashSet<>(topics)
            .stream().map((topic) -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList()).values();
        Map<String, Integer> maxMessageBytes = new HashMap<>();
        configs.forEach((resource, future) -> {
            try {
                ConfigEntry entry = future.get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                if (entry != null && entry.value() != null) {
                    maxMessageBytes.put(resource.name(), Integer.parseInt(entry.value().trim()));
                }
            }
            catch (ExecutionException | TimeoutException | NumberFormatException ex) {
                logger.info("No max.message.bytes for topic '{}' ({}): its records are checked against the "
                        + "producer's max.request.size only", resource.name(),
                        (ex instanceof ExecutionException) ? ex.getCause().toString() : ex.toString());
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        return limits.withTopicLimits(maxMessageBytes);
    }

    /** The producer properties of spring.kafka.* with the stream's overrides over them. */
    private Map<String, Object> producerProperties(Map<String, ?> overrides) {
        Map<String, Object> properties = new HashMap<>(this.producerProperties);
        properties.putAll(overrides);
        return properties;
    }

    @Override
    public void close(Producer<byte[], byte[]> producer, Duration timeout) {
        DefaultKafkaProducerFactory<byte[], byte[]> factory;
        synchronized (this.producers) {
            factory = this.producers.remove(producer);
        }
        if (factory == null) {
            producer.close(timeout);
            return;
        }
        // The factory's producer is shared and survives close(); destroying the factory closes it for real.
        producer.flush();
        factory.destroy();
    }

    @Override
    public OptionalInt partitions(String topic) {
        try {
            TopicDescription description = admin().describeTopics(List.of(topic)).allTopicNames()
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
            return OptionalInt.of(description.partitions().size());
        }
        catch (ExecutionException ex) {
            if (ex.getCause() instanceof UnknownTopicOrPartitionException) {
                return OptionalInt.empty();
            }
            throw new KafkaException("Cannot describe topic " + topic, ex.getCause());
        }
        catch (InterruptedException | TimeoutException ex) {
            if (ex instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new KafkaException("Cannot describe topic " + topic, ex);
        }
    }

    @Override
    public void createTopic(String topic, int partitions, Map<String, String> config) {
        NewTopic newTopic = new NewTopic(topic, java.util.Optional.of(partitions), java.util.Optional.empty())
                .configs(config);
        try {
            admin().createTopics(List.of(newTopic)).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        catch (ExecutionException ex) {
            if (!(ex.getCause() instanceof TopicExistsException)) {
                throw new KafkaException("Cannot create topic " + topic, ex.getCause());
            }
        }
        catch (InterruptedException | TimeoutException ex) {
            if (ex instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new KafkaException("Cannot create topic " + topic, ex);
        }
    }

    @Override
    public void deleteRecords(Map<TopicPartition, Long> before) {
        if (before.isEmpty()) {
            return;
        }
        Map<TopicPartition, RecordsToDelete> records = new java.util.HashMap<>();
        before.forEach((partition, offset) -> records.put(partition, RecordsToDelete.beforeOffset(offset)));
        try {
            admin().deleteRecords(records).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        catch (ExecutionException ex) {
            throw new KafkaException("Cannot delete records of " + before.keySet(), ex.getCause());
        }
        catch (InterruptedException | TimeoutException ex) {
            if (ex instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new KafkaException("Cannot delete records of " + before.keySet(), ex);
        }
    }

    private synchronized Admin admin() {
        if (this.admin == null) {
            this.admin = Admin.create(this.kafkaAdmin.getConfigurationProperties());
        }
        return this.admin;
    }

    @Override
    public synchronized void destroy() {
        if (this.admin != null) {
            // Nothing needs an answer at this point: a look-up still pending against a missing broker is abandoned.
            this.admin.close(Duration.ZERO);
            this.admin = null;
        }
    }
}
