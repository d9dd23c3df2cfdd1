package io.millrace.streams.runtime.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.runtime.KafkaClients;

/**
 * Deletes what a re-keyed stream's second stage committed from its repartition topic ({@code Admin.deleteRecords},
 * as Kafka Streams does), so that the topic stays small: at most once per interval, on a thread of its own so the
 * poll loop never waits for the brokers, and once more when the stage stops. Deleting up to a stale offset (of a
 * partition that moved to another instance since) is harmless: the broker keeps the larger log start.
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

    /** One daemon thread for the purgers of every stream: a deletion is a short admin call every few seconds. */
    private static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor((task) -> {
        Thread thread = new Thread(task, "millrace-repartition-purge");
        thread.setDaemon(true);
        return thread;
    });

    private long lastMillis;

    private boolean scheduled;

    private boolean warned;

    RepartitionPurger(String stream, String topic, KafkaClients clients, Clock clock) {
        this.stream = stream;
        this.topic = topic;
        this.clients = clients;
        this.clock = clock;
    }

    /**
     * Hears a commit of the second stage; what it committed is deleted at most {@link #INTERVAL} after the last
     * deletion, so the last commits before the stream goes quiet are deleted too. Any thread.
     * @param offsets the committed offsets
     */
    synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            if (partition.topic().equals(this.topic)) {
                this.committed.merge(partition, offset.offset(), Math::max);
            }
        });
        if (this.scheduled || this.committed.isEmpty()) {
            return;
        }
        this.scheduled = true;
        long delay = Math.max(0, this.lastMillis + INTERVAL.toMillis() - this.clock.millis());
        SCHEDULER.schedule(this::deleteDue, delay, TimeUnit.MILLISECONDS);
    }

    private void deleteDue() {
        Map<TopicPartition, Long> due;
        synchronized (this) {
            this.scheduled = false;
            this.lastMillis = this.clock.millis();
            due = due();
        }
        delete(due);
    }

    /** Deletes what is committed and not deleted yet, on the caller's thread: when the stage stops. */
    void flush() {
        Map<TopicPartition, Long> due;
        synchronized (this) {
            due = due();
        }
        delete(due);
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
        if (before.isEmpty()) {
            return;
        }
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
        }
    }
}
