package io.millrace.streams.runtime.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.runtime.KafkaClients;

/**
 * Deletes what a re-keyed stream's second stage committed from its repartition topic ({@code Admin.deleteRecords},
 * as Kafka Streams does), so that the topic stays small: at most once per interval, on a thread of its own so the
 * poll loop never waits for the brokers, and once more when the stage stops.
 */
final class RepartitionPurger {

    private static final Logger logger = LoggerFactory.getLogger(RepartitionPurger.class);

    static final Duration INTERVAL = Duration.ofSeconds(3);

    private final String stream;

    private final String topic;

    private final KafkaClients clients;

    private final Clock clock;

    /** The committed offset of each partition, as last heard. */
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    /** What the last deletion asked for. */
    private final Map<TopicPartition, Long> deleted = new HashMap<>();

    private long lastMillis;

    private boolean deleting;

    private boolean warned;

    RepartitionPurger(String stream, String topic, KafkaClients clients, Clock clock) {
        this.stream = stream;
        this.topic = topic;
        this.clients = clients;
        this.clock = clock;
    }

    /**
     * Hears a commit of the second stage; deletes what is committed if the interval has passed. Any thread.
     * @param offsets the committed offsets
     */
    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, Long> due;
        synchronized (this) {
            offsets.forEach((partition, offset) -> {
                if (partition.topic().equals(this.topic)) {
                    this.committed.merge(partition, offset.offset(), Math::max);
                }
            });
            long now = this.clock.millis();
            if (this.deleting || now - this.lastMillis < INTERVAL.toMillis()) {
                return;
            }
            due = due();
            if (due.isEmpty()) {
                return;
            }
            this.lastMillis = now;
            this.deleting = true;
        }
        Thread thread = new Thread(() -> delete(due), "millrace-" + this.stream + "-purge");
        thread.setDaemon(true);
        thread.start();
    }

    /** Deletes what is committed and not deleted yet, on the caller's thread: when the stage stops. */
    void flush() {
        Map<TopicPartition, Long> due;
        synchronized (this) {
            if (this.deleting) {
                return;
            }
            due = due();
            this.deleting = !due.isEmpty();
        }
        if (!due.isEmpty()) {
            delete(due);
        }
    }

    private Map<TopicPartition, Long> due() {
        Map<TopicPartition, Long> due = new HashMap<>();
        this.committed.forEach((partition, offset) -> {
            if (offset > this.deleted.getOrDefault(partition, 0L)) {
                due.put(partition, offset);
            }
        });
        return due;
    }

    private void delete(Map<TopicPartition, Long> before) {
        boolean done = false;
        try {
            this.clients.deleteRecords(before);
            done = true;
        }
        catch (RuntimeException ex) {
            // The next commit asks again; records of the repartition topic stay until then, nothing is lost.
            if (!this.warned) {
                logger.warn("Stream '{}' could not delete committed records of its repartition topic '{}': {}",
                        this.stream, this.topic, ex.toString());
                this.warned = true;
            }
        }
        synchronized (this) {
            if (done) {
                before.forEach((partition, offset) -> this.deleted.merge(partition, offset, Math::max));
            }
            this.deleting = false;
        }
    }
}
