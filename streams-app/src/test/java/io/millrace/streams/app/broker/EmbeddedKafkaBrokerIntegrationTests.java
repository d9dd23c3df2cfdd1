package io.millrace.streams.app.broker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@link EmbeddedKafkaBroker}.
 */
class EmbeddedKafkaBrokerIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path logDir;

    private final List<EmbeddedKafkaBroker> brokers = new ArrayList<>();

    @AfterEach
    void stopBrokers() {
        this.brokers.forEach(EmbeddedKafkaBroker::stop);
    }

    @Test
    void recordsAndClusterIdSurviveARestartOnTheSameLogDirectory() throws Exception {
        EmbeddedKafkaBroker first = start(new EmbeddedKafkaBroker(0, this.logDir));
        String clusterId = first.clusterId();
        try (Admin admin = admin(first)) {
            admin.createTopics(List.of(new NewTopic("restarts", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = producer(first)) {
            producer.send(new ProducerRecord<>("restarts", "shark", "{\"id\":1}")).get(30, TimeUnit.SECONDS);
        }
        assertThat(readAll(first, "restarts", 1)).containsExactly("shark={\"id\":1}");
        first.stop();
        assertThat(first.isRunning()).isFalse();

        EmbeddedKafkaBroker second = start(new EmbeddedKafkaBroker(0, this.logDir));
        assertThat(second.clusterId()).isEqualTo(clusterId);
        try (Admin admin = admin(second)) {
            assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).isEqualTo(clusterId);
        }
        assertThat(readAll(second, "restarts", 1)).containsExactly("shark={\"id\":1}");
    }

    @Test
    void topicsAreNotCreatedByProducers() throws Exception {
        EmbeddedKafkaBroker broker = start(new EmbeddedKafkaBroker(0, this.logDir));
        Map<String, Object> failFast = Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
        try (KafkaProducer<String, String> producer = producer(broker, failFast); Admin admin = admin(broker)) {
            producer.send(new ProducerRecord<>("typo", "key", "value"));
            producer.flush();
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("typo");
        }
    }

    @Test
    void startFailsWithThePortWhenItIsTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(taken.getLocalPort(), this.logDir);
            this.brokers.add(broker);
            assertThatIllegalStateException().isThrownBy(broker::start)
                .withMessageContaining("port " + taken.getLocalPort() + " on localhost is in use");
            assertThat(broker.isRunning()).isFalse();
        }
    }

    @Test
    void startFailureReleasesTheLogDirectory() {
        // The controller half starts and locks the log directory; the broker half then fails
        // to load its remote storage manager.
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(0, this.logDir,
                Map.of("remote.log.storage.system.enable", "true", "remote.log.storage.manager.class.name",
                        "io.millrace.streams.app.broker.NoSuchStorageManager"));
        this.brokers.add(broker);
        assertThatIllegalStateException().isThrownBy(broker::start).withMessageContaining(this.logDir.toString());
        assertThat(broker.isRunning()).isFalse();
        EmbeddedKafkaBroker retry = start(new EmbeddedKafkaBroker(0, this.logDir));
        assertThat(retry.isRunning()).isTrue();
    }

    @Test
    void stopIsIdempotentAndStartAfterStopRestarts() {
        EmbeddedKafkaBroker broker = start(new EmbeddedKafkaBroker(0, this.logDir));
        broker.stop();
        broker.stop();
        broker.start();
        assertThat(broker.isRunning()).isTrue();
    }

    private EmbeddedKafkaBroker start(EmbeddedKafkaBroker broker) {
        this.brokers.add(broker);
        broker.start();
        assertThat(broker.isRunning()).isTrue();
        assertThat(broker.bootstrapServers()).startsWith("localhost:");
        return broker;
    }

    private static Admin admin(EmbeddedKafkaBroker broker) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafkaBroker broker) {
        return producer(broker, Map.of());
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafkaBroker broker, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(overrides);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static List<String> readAll(EmbeddedKafkaBroker broker, String topic, int expected) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(TIMEOUT).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    read.add(record.key() + "=" + record.value());
                }
                return read.size() >= expected;
            });
        }
        return read;
    }

}
