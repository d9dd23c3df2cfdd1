package io.millrace.streams.runtime.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.millrace.streams.runtime.KafkaClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RepartitionPurger}: what stage 2 commits from its repartition topic is deleted, at most once per
 * interval, never twice, and what is left when it stops.
 */
class RepartitionPurgerTests {

    private static final TopicPartition R0 = new TopicPartition("app-s-repartition", 0);

    private static final TopicPartition R1 = new TopicPartition("app-s-repartition", 1);

    private final List<Map<TopicPartition, Long>> deletions = new CopyOnWriteArrayList<>();

    private final KafkaClients clients = new KafkaClients() {

        @Override
        public Consumer<byte[], byte[]> consumer(String groupId, String clientId, Map<String, Object> overrides) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Producer<byte[], byte[]> producer(String clientId, Map<String, Object> overrides) {
            throw new UnsupportedOperationException();
        }

        @Override
        public OptionalInt partitions(String topic) {
            return OptionalInt.empty();
        }

        @Override
        public void createTopic(String topic, int partitions, Map<String, String> config) {
        }

        @Override
        public void deleteRecords(Map<TopicPartition, Long> before) {
            RepartitionPurgerTests.this.deletions.add(Map.copyOf(before));
        }
    };

    private final RepartitionPurger purger = new RepartitionPurger("s", R0.topic(), this.clients, Clock.systemUTC());

    @Test
    void committedRecordsAreDeletedAtMostOncePerIntervalAndTheLastOnesToo() {
        this.purger.committed(Map.of(R0, new OffsetAndMetadata(10), new TopicPartition("other", 0),
                new OffsetAndMetadata(99)));
        await().atMost(Duration.ofSeconds(5)).until(() -> this.deletions.size() == 1);
        assertThat(this.deletions.get(0)).containsExactly(Map.entry(R0, 10L));

        // Within the interval: held back, then deleted in one go, even with no commit after them.
        this.purger.committed(Map.of(R0, new OffsetAndMetadata(20)));
        this.purger.committed(Map.of(R1, new OffsetAndMetadata(5)));
        assertThat(this.deletions).hasSize(1);
        await().atMost(RepartitionPurger.INTERVAL.plusSeconds(5)).until(() -> this.deletions.size() == 2);
        assertThat(this.deletions.get(1)).containsOnly(Map.entry(R0, 20L), Map.entry(R1, 5L));

        // Nothing new: nothing deleted; a lower offset (a partition that moved back) asks for nothing either.
        this.purger.committed(Map.of(R1, new OffsetAndMetadata(3)));
        this.purger.flush();
        assertThat(this.deletions).hasSize(2);
        this.purger.committed(Map.of(R1, new OffsetAndMetadata(7)));
        this.purger.flush();
        assertThat(this.deletions).last().isEqualTo(Map.of(R1, 7L));
    }
}
