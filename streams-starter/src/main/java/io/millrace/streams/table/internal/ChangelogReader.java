package io.millrace.streams.table.internal;

import java.time.Clock;
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
import io.millrace.streams.table.TablePartitionView;

/**
 * Reads changelogs into local stores on a thread of its own, so that the poll loops keep their group membership
 * however long a restore takes: restores newly assigned partitions from their checkpoint to the changelog's end
 * offset (then marks them active), and tails the changelogs of standby partitions for as long as they are kept.
 *
 * <p>Each changelog partition is a small state machine, {@link ChangelogState}, kept with what the reader knows of it
 * in a {@link ChangelogPartition}. The reader holds its monitor while it applies records, so a partition released by
 * {@link #release} is never touched again once that call returns, and its store may be closed.
 */
final class ChangelogReader implements Runnable, AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(ChangelogReader.class);

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private static final long STANDBY_CHECKPOINT_MILLIS = 5_000;

    private final String stream;

    private final Supplier<Consumer<byte[], byte[]>> consumerFactory;

    private final BiFunction<StoredTablePartition, Long, StoredTablePartition> reset;

    private final java.util.function.Consumer<Set<Integer>> standbysReady;

    /** Every changelog partition the reader restores or tails, in its state. */
    private final Map<TopicPartition, ChangelogPartition> changelogs = new HashMap<>();

    /** The consumer's assignment: the changelogs above, as of the last {@link #reassign}. */
    private final Set<TopicPartition> assigned = new HashSet<>();

    private boolean changed;

    private long standbysCheckpointedAt;

    private final Clock clock;

    private volatile boolean running = true;

    private Thread thread;

    private Consumer<byte[], byte[]> consumer;

    ChangelogReader(String stream, Supplier<Consumer<byte[], byte[]>> consumerFactory,
            BiFunction<StoredTablePartition, Long, StoredTablePartition> reset,
            java.util.function.Consumer<Set<Integer>> standbysReady, Clock clock) {
        this.stream = stream;
        this.clock = clock;
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
        register(partitions, ChangelogState.REGISTERED);
        notifyAll();
    }

    /** Tails standby partitions until released. */
    synchronized void standby(List<StoredTablePartition> partitions) {
        register(partitions, ChangelogState.TAILING);
        notifyAll();
    }

    private void register(List<StoredTablePartition> partitions, ChangelogState state) {
        for (StoredTablePartition partition : partitions) {
            ChangelogPartition changelog = new ChangelogPartition(partition, state);
            this.changelogs.put(changelog.changelog(), changelog);
        }
        this.changed |= !partitions.isEmpty();
    }

    /** Stops touching partitions; once this returns their stores may be closed. */
    synchronized void release(List<StoredTablePartition> partitions) {
        for (StoredTablePartition partition : partitions) {
            TopicPartition changelog = new TopicPartition(partition.changelogTopic(), partition.partition());
            ChangelogPartition known = this.changelogs.get(changelog);
            // Only the partition named: one registered for the same changelog since is not released.
            if (known != null && known.partition() == partition) {
                this.changelogs.remove(changelog);
            }
        }
        this.changed |= !partitions.isEmpty();
    }

    /**
     * The state of a changelog partition.
     * @param changelog the changelog partition
     * @return its state, or {@code null} if the reader neither restores nor tails it
     */
    synchronized ChangelogState state(TopicPartition changelog) {
        ChangelogPartition known = this.changelogs.get(changelog);
        return (known != null) ? known.state() : null;
    }

    @Override
    public void run() {
        while (this.running) {
            try {
                turn();
            }
            catch (WakeupException ex) {
                // close() woke the poll up.
            }
            catch (RuntimeException ex) {
                logger.error("Reading the changelogs of stream '{}' failed; retrying in a second", this.stream, ex);
                consumerFailed();
                pause(1000);
            }
        }
        closeConsumer();
    }

    /**
     * One round on the reader's thread (package-private for tests): follows the registrations, applies what the
     * consumer fetched, completes the restores that reached their end and tells of standbys that caught up.
     */
    void turn() {
        if (this.consumer == null) {
            this.consumer = this.consumerFactory.get();
        }
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
        Set<Integer> caughtUp;
        synchronized (this) {
            apply(records);
            completeRestores();
            caughtUp = catchUpStandbys();
            checkpointStandbys();
        }
        if (!caughtUp.isEmpty()) {
            // Outside the monitor: the listeners may take their time.
            this.standbysReady.accept(caughtUp);
        }
    }

    /**
     * The consumer failed (package-private for tests): its replacement is assigned afresh and reads the end offsets
     * of restores again.
     */
    void consumerFailed() {
        closeConsumer();
        synchronized (this) {
            this.assigned.clear();
            for (ChangelogPartition changelog : this.changelogs.values()) {
                changelog.positioned(false);
                if (changelog.state() == ChangelogState.RESTORING) {
                    changelog.restartRestore();
                }
            }
            this.changed = true;
        }
    }

    /** Assigns the consumer what is registered, seeks what it did not have, and starts the registered restores. */
    private void reassign() {
        this.changed = false;
        // Completed restores leave the assignment now.
        this.changelogs.values().removeIf((changelog) -> changelog.state() == ChangelogState.COMPLETED);
        Set<TopicPartition> wanted = new HashSet<>(this.changelogs.keySet());
        if (!wanted.equals(this.assigned)) {
            this.consumer.assign(wanted);
            this.assigned.clear();
            this.assigned.addAll(wanted);
        }
        List<TopicPartition> registered = new ArrayList<>();
        for (ChangelogPartition changelog : this.changelogs.values()) {
            if (changelog.state() == ChangelogState.REGISTERED) {
                registered.add(changelog.changelog());
            }
        }
        Map<TopicPartition, Long> ends = registered.isEmpty() ? Map.of() : this.consumer.endOffsets(registered);
        for (TopicPartition changelog : registered) {
            ChangelogPartition restore = this.changelogs.get(changelog);
            long end = ends.getOrDefault(changelog, 0L);
            if (restore.partition().changelogPosition() > end) {
                StoredTablePartition fresh = this.reset.apply(restore.partition(), end);
                if (fresh == null) {
                    // Revoked while we looked: nothing to restore; the next turn drops it from the assignment.
                    this.changelogs.remove(changelog);
                    this.changed = true;
                    continue;
                }
                restore.replace(fresh);
            }
            restore.startRestore(end);
            logger.info("Stream '{}': restoring {} from offset {} to {}", this.stream, changelog,
                    restore.partition().changelogPosition(), end);
        }
        for (ChangelogPartition changelog : this.changelogs.values()) {
            if (!changelog.positioned()) {
                this.consumer.seek(changelog.changelog(), changelog.partition().changelogPosition());
                changelog.positioned(true);
            }
        }
        completeRestores();
    }

    private void apply(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition changelog : records.partitions()) {
            ChangelogPartition known = this.changelogs.get(changelog);
            if (known == null || !known.state().reads()) {
                continue;
            }
            List<ConsumerRecord<byte[], byte[]>> batch = records.records(changelog);
            List<KeyValue> entries = new ArrayList<>(batch.size());
            for (ConsumerRecord<byte[], byte[]> record : batch) {
                if (record.key() != null) {
                    entries.add(new KeyValue(record.key(), record.value()));
                }
            }
            known.partition().restore(entries, batch.get(batch.size() - 1).offset() + 1);
        }
    }

    private void completeRestores() {
        for (ChangelogPartition changelog : this.changelogs.values()) {
            if (changelog.state() != ChangelogState.RESTORING) {
                continue;
            }
            StoredTablePartition partition = changelog.partition();
            // The position passes transaction markers that no record shows.
            partition.restore(List.of(), this.consumer.position(changelog.changelog()));
            if (partition.changelogPosition() >= changelog.end()) {
                TablePartitionView view = partition.view();
                logger.info("Stream '{}': restored {} records of {}-{} (offsets {} to {})", this.stream,
                        view.restored(), partition.changelogTopic(), partition.partition(), view.restoreStart(),
                        changelog.end());
                changelog.completeRestore();
                this.changed = true;
            }
        }
    }

    /** Moves the standbys that reached their changelog's end to CAUGHT_UP, and says which partitions they are. */
    private Set<Integer> catchUpStandbys() {
        Set<Integer> caughtUp = new HashSet<>();
        for (ChangelogPartition changelog : this.changelogs.values()) {
            if (changelog.state() == ChangelogState.TAILING && this.assigned.contains(changelog.changelog())) {
                OptionalLong lag = this.consumer.currentLag(changelog.changelog());
                if (lag.isPresent() && lag.getAsLong() == 0) {
                    changelog.caughtUp();
                    caughtUp.add(changelog.changelog().partition());
                }
            }
        }
        return caughtUp;
    }

    private void checkpointStandbys() {
        long now = this.clock.millis();
        if (now - this.standbysCheckpointedAt >= STANDBY_CHECKPOINT_MILLIS) {
            for (ChangelogPartition changelog : this.changelogs.values()) {
                if (changelog.state().isStandby()) {
                    changelog.partition().checkpoint();
                }
            }
            this.standbysCheckpointedAt = now;
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
