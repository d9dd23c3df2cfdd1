package io.millrace.streams.table.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.table.KeyValue;
import io.millrace.streams.table.TablePartition.Role;
import io.millrace.streams.table.TablePartitionView;

/**
 * Reads changelogs into local stores on a thread of its own, so that the poll loops keep their group membership
 * however long a restore takes: restores newly assigned partitions from their checkpoint to the changelog's end
 * offset (then marks them active), and tails the changelogs of standby partitions for as long as they are kept.
 *
 * <p>The reader holds its monitor while it applies records, so a partition released by {@link #release} is never
 * touched again once that call returns, and its store may be closed.
 */
final class ChangelogReader implements Runnable, AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(ChangelogReader.class);

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private static final long STANDBY_CHECKPOINT_MILLIS = 5_000;

    private final String stream;

    private final Supplier<Consumer<byte[], byte[]>> consumerFactory;

    private final BiFunction<StoredTablePartition, Long, StoredTablePartition> reset;

    private final java.util.function.Consumer<Set<Integer>> standbysReady;

    private final Map<TopicPartition, StoredTablePartition> restoring = new HashMap<>();

    private final Map<TopicPartition, StoredTablePartition> standbys = new HashMap<>();

    /** Restoring partitions whose end offset is known. */
    private final Map<TopicPartition, Long> ends = new HashMap<>();

    /** Standbys that caught up once. */
    private final Set<TopicPartition> warm = new HashSet<>();

    private final Set<TopicPartition> assigned = new HashSet<>();

    private boolean changed;

    private long standbysCheckpointedAt;

    private volatile boolean running = true;

    private Thread thread;

    private Consumer<byte[], byte[]> consumer;

    ChangelogReader(String stream, Supplier<Consumer<byte[], byte[]>> consumerFactory,
            BiFunction<StoredTablePartition, Long, StoredTablePartition> reset,
            java.util.function.Consumer<Set<Integer>> standbysReady) {
        this.stream = stream;
        this.consumerFactory = consumerFactory;
        this.reset = reset;
        this.standbysReady = standbysReady;
    }

    void start() {
        this.thread = new Thread(this, "millrace-" + this.stream + "-changelog");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Restores partitions up to their changelog's end, then marks them active. */
    synchronized void restore(List<StoredTablePartition> partitions) {
        for (StoredTablePartition partition : partitions) {
            TopicPartition changelog = changelogOf(partition);
            this.standbys.remove(changelog);
            this.warm.remove(changelog);
            this.ends.remove(changelog);
            this.restoring.put(changelog, partition);
        }
        this.changed |= !partitions.isEmpty();
        notifyAll();
    }

    /** Tails standby partitions until released. */
    synchronized void standby(List<StoredTablePartition> partitions) {
        for (StoredTablePartition partition : partitions) {
            TopicPartition changelog = changelogOf(partition);
            this.restoring.remove(changelog);
            this.ends.remove(changelog);
            this.standbys.put(changelog, partition);
        }
        this.changed |= !partitions.isEmpty();
        notifyAll();
    }

    /** Stops touching partitions; once this returns their stores may be closed. */
    synchronized void release(List<StoredTablePartition> partitions) {
        for (StoredTablePartition partition : partitions) {
            TopicPartition changelog = changelogOf(partition);
            this.restoring.remove(changelog, partition);
            this.standbys.remove(changelog, partition);
            this.ends.remove(changelog);
            this.warm.remove(changelog);
        }
        this.changed |= !partitions.isEmpty();
    }

    private static TopicPartition changelogOf(StoredTablePartition partition) {
        return new TopicPartition(partition.changelogTopic(), partition.partition());
    }

    @Override
    public void run() {
        while (this.running) {
            try {
                if (this.consumer == null) {
                    this.consumer = this.consumerFactory.get();
                }
                turn();
            }
            catch (WakeupException ex) {
                // close() woke the poll up.
            }
            catch (RuntimeException ex) {
                logger.error("Reading the changelogs of stream '{}' failed; retrying in a second", this.stream, ex);
                closeConsumer();
                synchronized (this) {
                    this.assigned.clear();
                    this.ends.clear();
                    this.changed = true;
                }
                pause(1000);
            }
        }
        closeConsumer();
    }

    private void turn() {
        synchronized (this) {
            if (this.changed) {
                reassign();
            }
            if (this.assigned.isEmpty()) {
                try {
                    wait(200);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    this.running = false;
                }
                return;
            }
        }
        ConsumerRecords<byte[], byte[]> records = this.consumer.poll(POLL_TIMEOUT);
        Set<Integer> nowWarm = new HashSet<>();
        synchronized (this) {
            apply(records);
            finishRestores();
            for (Map.Entry<TopicPartition, StoredTablePartition> standby : this.standbys.entrySet()) {
                if (this.assigned.contains(standby.getKey()) && !this.warm.contains(standby.getKey())) {
                    OptionalLong lag = this.consumer.currentLag(standby.getKey());
                    if (lag.isPresent() && lag.getAsLong() == 0) {
                        this.warm.add(standby.getKey());
                        nowWarm.add(standby.getKey().partition());
                    }
                }
            }
            long now = System.currentTimeMillis();
            if (now - this.standbysCheckpointedAt >= STANDBY_CHECKPOINT_MILLIS) {
                this.standbys.values().forEach(StoredTablePartition::checkpoint);
                this.standbysCheckpointedAt = now;
            }
        }
        if (!nowWarm.isEmpty()) {
            this.standbysReady.accept(nowWarm);
        }
    }

    private void reassign() {
        this.changed = false;
        Set<TopicPartition> wanted = new HashSet<>(this.restoring.keySet());
        wanted.addAll(this.standbys.keySet());
        Set<TopicPartition> added = new HashSet<>(wanted);
        added.removeAll(this.assigned);
        if (!wanted.equals(this.assigned)) {
            this.consumer.assign(wanted);
            this.assigned.clear();
            this.assigned.addAll(wanted);
        }
        List<TopicPartition> needEnds = new ArrayList<>();
        for (TopicPartition changelog : this.restoring.keySet()) {
            if (!this.ends.containsKey(changelog)) {
                needEnds.add(changelog);
            }
        }
        Map<TopicPartition, Long> ends = needEnds.isEmpty() ? Map.of() : this.consumer.endOffsets(needEnds);
        for (TopicPartition changelog : needEnds) {
            StoredTablePartition partition = this.restoring.get(changelog);
            long end = ends.getOrDefault(changelog, 0L);
            if (partition.changelogPosition() > end) {
                partition = this.reset.apply(partition, end);
                if (partition == null) {
                    // Revoked while we looked: nothing to restore; the next turn drops it from the assignment.
                    this.restoring.remove(changelog);
                    added.remove(changelog);
                    this.changed = true;
                    continue;
                }
                this.restoring.put(changelog, partition);
                added.add(changelog);
            }
            partition.restoring(end);
            this.ends.put(changelog, end);
            logger.info("Stream '{}': restoring {} from offset {} to {}", this.stream, changelog,
                    partition.changelogPosition(), end);
        }
        for (TopicPartition changelog : added) {
            StoredTablePartition partition = this.restoring.containsKey(changelog) ? this.restoring.get(changelog)
                    : this.standbys.get(changelog);
            this.consumer.seek(changelog, partition.changelogPosition());
        }
        finishRestores();
    }

    private void apply(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition changelog : records.partitions()) {
            StoredTablePartition partition = this.restoring.get(changelog);
            if (partition == null) {
                partition = this.standbys.get(changelog);
            }
            if (partition == null) {
                continue;
            }
            List<ConsumerRecord<byte[], byte[]>> batch = records.records(changelog);
            List<KeyValue> entries = new ArrayList<>(batch.size());
            for (ConsumerRecord<byte[], byte[]> record : batch) {
                if (record.key() != null) {
                    entries.add(new KeyValue(record.key(), record.value()));
                }
            }
            partition.restore(entries, batch.get(batch.size() - 1).offset() + 1);
        }
    }

    private void finishRestores() {
        List<TopicPartition> done = new ArrayList<>();
        for (Map.Entry<TopicPartition, StoredTablePartition> entry : this.restoring.entrySet()) {
            Long end = this.ends.get(entry.getKey());
            if (end == null) {
                continue;
            }
            StoredTablePartition partition = entry.getValue();
            // The position passes transaction markers that no record shows.
            partition.restore(List.of(), this.consumer.position(entry.getKey()));
            if (partition.changelogPosition() >= end) {
                TablePartitionView view = partition.view();
                logger.info("Stream '{}': restored {} records of {}-{} (offsets {} to {})", this.stream,
                        view.restored(), partition.changelogTopic(), partition.partition(), view.restoreStart(), end);
                partition.role(Role.ACTIVE);
                done.add(entry.getKey());
            }
        }
        for (TopicPartition changelog : done) {
            this.restoring.remove(changelog);
            this.ends.remove(changelog);
            this.changed = true;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeConsumer() {
        if (this.consumer != null) {
            try {
                this.consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            }
            catch (RuntimeException ex) {
                logger.debug("Closing the changelog consumer failed", ex);
            }
            this.consumer = null;
        }
    }

    @Override
    public void close() {
        this.running = false;
        Consumer<byte[], byte[]> current = this.consumer;
        if (current != null) {
            current.wakeup();
        }
        synchronized (this) {
            notifyAll();
        }
        if (this.thread != null) {
            try {
                this.thread.join(10_000);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
