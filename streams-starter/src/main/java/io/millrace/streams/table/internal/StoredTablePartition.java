package io.millrace.streams.table.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.table.ChangelogRecord;
import io.millrace.streams.table.KeyValue;
import io.millrace.streams.table.SessionIndex;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.TablePartition;
import io.millrace.streams.table.TablePartitionView;
import io.millrace.streams.table.WindowKeys;
import io.millrace.streams.table.WindowState;
import io.millrace.streams.table.internal.store.Checkpoint;
import io.millrace.streams.table.internal.store.KeyValueIterator;
import io.millrace.streams.table.internal.store.KeyValueStore;

/**
 * One partition of one table in this instance: its local store, its place in the changelog, and, under
 * {@code exactly-once}, the writes of the open transaction.
 *
 * <p>Finished records' writes wait in a {@link WriteBuffer}, which reads see first, and reach the store in batches
 * (one RocksDB write, one write-ahead-log append, for thousands of records rather than one per record). Under
 * {@code exactly-once} a batch is applied, atomically, only after the transaction that wrote it to the changelog
 * committed. The store therefore never holds a write the changelog may lose, so a crash needs no full restore: the
 * store is restored from its checkpoint, like after a clean stop. Under {@code at-least-once} a batch is applied
 * before a checkpoint (at most once per {@value #CHECKPOINT_INTERVAL_MILLIS} ms, not at every offset commit: a key
 * updated many times in between reaches RocksDB once, as Kafka Streams' record cache folds its store writes) and
 * whenever {@value WriteBuffer#MAX_BUFFERED_ENTRIES} keys or about {@value WriteBuffer#MAX_BUFFERED_BYTES} bytes wait;
 * the checkpoint counts only the writes acknowledged before the batch that holds them began.
 *
 * <p>The changelog is written at the commit ({@link #changelogAtCommit()}), the latest value of each key once: under
 * {@code exactly-once} the open transaction's writes, in it, before it commits; under {@code at-least-once} the
 * writes not sent yet, before the offsets of the records that made them are committed (the loop's committer waits
 * for their acknowledgements; a failed one has its key's latest value sent again).
 *
 * <p>Thread-safety: workers read and write concurrently (different keys), the changelog reader restores while the
 * partition is not active, the poll thread commits and checkpoints between records.
 */
public final class StoredTablePartition implements TablePartition {

    private static final Logger logger = LoggerFactory.getLogger(StoredTablePartition.class);

    /** The lowest key in unsigned byte order: a range from it is the whole partition. */
    private static final byte[] FIRST_KEY = new byte[0];

    private final TableDefinition<?, ?> definition;

    private final Clock clock;

    private final String changelogTopic;

    private final int partition;

    private final KeyValueStore store;

    /** The finished writes on their way to the store and the changelog. */
    private final WriteBuffer buffer;

    private final boolean exactlyOnce;

    /** The next changelog offset the store reflects, from restoring or tailing the changelog. */
    private final AtomicLong position = new AtomicLong();

    /** One past the highest changelog offset of this instance's own acknowledged writes. */
    private final AtomicLong acknowledged = new AtomicLong();

    /**
     * The writes of this instance the store holds: one past the highest acknowledged changelog offset of writes the
     * store has. Under {@code exactly-once}, {@link #acknowledged} as of the last commit: writes acknowledged since
     * belong to the open transaction, which may abort, or whose commit may fail on this side and still succeed on the
     * broker. Under {@code at-least-once}, {@link #acknowledged} as of the start of the last batch applied.
     */
    private final AtomicLong committed = new AtomicLong();

    private volatile Role role = Role.RESTORING;

    /** A windowed table's times, {@code null} for a plain table. */
    private final WindowState windowState;

    /** Whether {@link #windowState} reflects the store: cleared by restores and aborts. */
    private volatile boolean windowStateLoaded;

    private volatile long restoreStart;

    private volatile long restoreEnd = -1;

    private final AtomicLong restored = new AtomicLong();

    private final AtomicLong written = new AtomicLong();

    private long checkpointed = -1;

    private long checkpointedAt;

    /** At-least-once: when the last batch that was not empty went to the store, in clock millis. */
    private volatile long appliedAt;

    /** Commits come every 100 ms under exactly-once; a checkpoint (two fsyncs) at most this often is plenty. */
    private static final long CHECKPOINT_INTERVAL_MILLIS = 1_000;

    /**
     * Creates a partition.
     * @param definition the table
     * @param changelogTopic the table's changelog topic
     * @param partition the partition
     * @param store the local store, owned from now on
     * @param checkpoint the changelog offset the store reflects
     * @param exactlyOnce whether writes wait for their transaction
     */
    public StoredTablePartition(TableDefinition<?, ?> definition, String changelogTopic, int partition,
            KeyValueStore store, long checkpoint, boolean exactlyOnce) {
        this(definition, changelogTopic, partition, store, checkpoint, exactlyOnce, Clock.systemUTC());
    }

    /**
     * Creates a partition.
     * @param definition the table
     * @param changelogTopic the table's changelog topic
     * @param partition the partition
     * @param store the local store, owned from now on
     * @param checkpoint the changelog offset the store reflects
     * @param exactlyOnce whether writes wait for their transaction
     * @param clock where the checkpoint interval is read
     */
    public StoredTablePartition(TableDefinition<?, ?> definition, String changelogTopic, int partition,
            KeyValueStore store, long checkpoint, boolean exactlyOnce, Clock clock) {
        this.clock = clock;
        this.definition = definition;
        this.changelogTopic = changelogTopic;
        this.partition = partition;
        this.store = store;
        this.buffer = new WriteBuffer(store, exactlyOnce);
        this.exactlyOnce = exactlyOnce;
        this.position.set(checkpoint);
        this.restoreStart = checkpoint;
        this.checkpointed = (store.directory() != null) ? checkpoint : -1;
        this.windowState = definition.windowed() ? new WindowState(exactlyOnce, definition.windows())
                : null;
    }

    @Override
    public TableDefinition<?, ?> definition() {
        return this.definition;
    }

    @Override
    public String changelogTopic() {
        return this.changelogTopic;
    }

    @Override
    public int partition() {
        return this.partition;
    }

    @Override
    public Role role() {
        return this.role;
    }

    /**
     * Moves this partition to another role. Under {@code at-least-once} a partition that stops being active (its
     * loop drained and committed it) writes its finished writes to the store and forgets them, those it could not
     * send to the changelog too: from now on the changelog fills the store, and no left-over write may hide what it
     * brings (the records that made an unsent write were not committed: their next owner processes them again).
     * @param role the new role
     */
    public void role(Role role) {
        if (!this.exactlyOnce && this.role == Role.ACTIVE && role != Role.ACTIVE) {
            applyBuffered();
            this.buffer.forget();
        }
        this.role = role;
    }

    /**
     * A key's committed value (the store, under the open transaction's writes).
     * @param key the encoded key
     * @return the encoded value, or {@code null}
     */
    @Override
    public byte[] get(byte[] key) {
        WriteBuffer.Pending pending = this.buffer.get(key);
        if (pending != null) {
            return pending.valueOrNull();
        }
        return this.store.get(key);
    }

    /**
     * Takes the writes of a finished record into the batch that goes to the store next (under {@code exactly-once},
     * the open transaction's). Under {@code at-least-once} a full batch is applied at once, on the caller's thread.
     * @param writes puts and deletes ({@code value == null}) in order
     */
    @Override
    public void apply(List<KeyValue> writes) {
        boolean full = this.buffer.take(writes);
        this.written.addAndGet(writes.size());
        if (full) {
            applyBuffered();
        }
    }

    @Override
    public boolean changelogAtCommit() {
        return true;
    }

    /**
     * Sends the writes not yet in the changelog, the latest value of each key once. Under {@code exactly-once}, before
     * the transaction commits: the open transaction's writes, in it (poll thread, no worker running). Under
     * {@code at-least-once}, before the offsets of the records that made them are committed: the writes not sent yet
     * (workers may keep writing: a key written again meanwhile keeps its newer value for the next send), and the
     * latest values of keys whose send failed.
     * @param send sends a record
     */
    public void sendChangelog(java.util.function.Consumer<ChangelogRecord> send) {
        this.buffer.send((key, value) -> send.accept(new ChangelogRecord(this, key, value)));
    }

    @Override
    public void unacknowledged(byte[] key, byte[] value) {
        this.buffer.failed(key);
    }

    /**
     * A loop committed the offsets of this partition's records. Under {@code exactly-once} its transaction committed:
     * {@link #commit()}. Under {@code at-least-once} nothing: finished writes reach the store with the next
     * checkpoint or full batch, so that a key updated many times between checkpoints is written to RocksDB once.
     */
    public void committed() {
        if (this.exactlyOnce) {
            commit();
        }
    }

    /**
     * Under {@code exactly-once}: the transaction committed, its writes go to the store in one batch (poll thread, no
     * worker running). Under {@code at-least-once}: the writes taken so far go to the store.
     */
    public void commit() {
        if (!this.exactlyOnce) {
            applyBuffered();
            return;
        }
        // No write is in flight: every one acknowledged so far is committed (or was aborted before).
        this.committed.accumulateAndGet(this.acknowledged.get(), Math::max);
        this.buffer.commitTo();
    }

    /**
     * At-least-once: writes the finished writes not yet in the store to it in one batch ({@link WriteBuffer#applyTo}).
     * Every write acknowledged before the batch began was in the buffer then (a write is buffered before its changelog
     * record is sent), so the store holds it, or a newer value of its key, afterwards.
     */
    private void applyBuffered() {
        long acknowledgedBefore = this.acknowledged.get();
        if (this.buffer.applyTo()) {
            this.appliedAt = this.clock.millis();
        }
        this.committed.accumulateAndGet(acknowledgedBefore, Math::max);
    }

    /** The transaction aborted: its writes are forgotten. Nothing under at-least-once: finished writes stand. */
    public void abort() {
        if (this.exactlyOnce) {
            this.buffer.forget();
            this.windowStateLoaded = false;
        }
    }

    /**
     * A changelog record of the owner of this partition was acknowledged.
     * @param offset its offset
     */
    @Override
    public void acknowledged(long offset) {
        this.acknowledged.accumulateAndGet(offset + 1, Math::max);
    }

    /**
     * Applies changelog records read by the restorer or a standby, straight to the store.
     * @param records the records' keys and values ({@code null} for tombstones), in changelog order
     * @param nextOffset the changelog offset after the last of them
     */
    public void restore(List<KeyValue> records, long nextOffset) {
        if (!records.isEmpty()) {
            this.store.write(records);
            this.restored.addAndGet(records.size());
            this.windowStateLoaded = false;
        }
        this.position.accumulateAndGet(nextOffset, Math::max);
    }

    /**
     * Starts a restore towards an end offset.
     * @param end the changelog's end offset now
     */
    public void restoring(long end) {
        this.restoreStart = this.position.get();
        this.restoreEnd = end;
        this.restored.set(0);
    }

    /**
     * The changelog offset this partition's store reflects: where a restore would start.
     * @return the offset
     */
    public long changelogPosition() {
        return Math.max(this.position.get(), this.committed.get());
    }

    /**
     * Writes the checkpoint if the store moved since the last one. Nothing for a memory store. Call only when the
     * store holds every write up to {@link #changelogPosition()}: no open transaction, no unacknowledged write.
     */
    public void checkpoint() {
        long now = this.clock.millis();
        if (!this.exactlyOnce && now - this.appliedAt >= CHECKPOINT_INTERVAL_MILLIS) {
            applyBuffered();
        }
        if (now - this.checkpointedAt >= CHECKPOINT_INTERVAL_MILLIS) {
            writeCheckpoint();
        }
    }

    /** Writes the checkpoint now if the store moved, whatever the interval; see {@link #checkpoint()}. */
    public void checkpointNow() {
        if (!this.exactlyOnce) {
            applyBuffered();
        }
        writeCheckpoint();
    }

    /** Writes the changelog position the store reflects (under at-least-once: as of the last batch). */
    private void writeCheckpoint() {
        Path directory = this.store.directory();
        long offset = changelogPosition();
        if (directory == null || offset == this.checkpointed) {
            return;
        }
        this.checkpointedAt = this.clock.millis();
        try {
            Checkpoint.write(directory, offset);
            this.checkpointed = offset;
        }
        catch (RuntimeException ex) {
            logger.warn("Could not write the checkpoint of {}-{}: {}", this.changelogTopic, this.partition,
                    ex.toString());
        }
    }

    /**
     * Visits the committed entries with the open transaction's writes over them, in key order.
     * @param action gets each encoded key and value
     */
    @Override
    public void forEach(BiConsumer<byte[], byte[]> action) {
        range(FIRST_KEY, null, action);
    }

    /**
     * Visits the committed entries in a key range with the open transaction's writes over them, in key order.
     * @param from the first key
     * @param to the key to stop before, {@code null} for the end
     * @param action gets each encoded key and value
     */
    @Override
    public void range(byte[] from, byte[] to, BiConsumer<byte[], byte[]> action) {
        Map<byte[], byte[]> pending = this.buffer.isEmpty() ? Map.of() : this.buffer.in(from, to);
        if (pending.isEmpty()) {
            try (KeyValueIterator entries = this.store.range(from, to)) {
                entries.forEachRemaining((entry) -> action.accept(entry.key(), entry.value()));
            }
            return;
        }
        try (KeyValueIterator entries = this.store.range(from, to)) {
            entries.forEachRemaining((entry) -> pending.putIfAbsent(entry.key(), entry.value()));
        }
        pending.forEach((key, value) -> {
            if (value != WriteBuffer.TOMBSTONE) {
                action.accept(key, value);
            }
        });
    }

    /**
     * A key's value for a reader on another thread (a query): under {@code exactly-once} only what committed
     * transactions wrote, never the open transaction's writes, which may abort; under {@code at-least-once} the
     * finished records' writes too, as {@link #get} reads them.
     * @param key the encoded key
     * @return the encoded value, or {@code null}
     * @throws IllegalStateException if the store was closed meanwhile
     */
    public byte[] readCommitted(byte[] key) {
        return this.exactlyOnce ? this.store.get(key) : get(key);
    }

    /**
     * Up to {@code limit} entries of a key range, in key order, for a reader on another thread (a query): what
     * {@link #readCommitted} would read of each key. The store's iterator is closed before this returns.
     * @param from the first key, {@code null} for the lowest
     * @param to the key to stop before, {@code null} for the end
     * @param limit the most entries
     * @return the entries
     * @throws IllegalStateException if the store was closed meanwhile
     */
    public List<KeyValue> readCommitted(byte[] from, byte[] to, int limit) {
        return readCommittedFrom((from != null) ? from : FIRST_KEY, to, limit);
    }

    private List<KeyValue> readCommittedFrom(byte[] from, byte[] to, int limit) {
        // Copied before the store is read: a batch moves entries from the buffer to the store (store first), so an
        // entry missing from this copy is in the store's iterator, and one in the copy is read from the copy.
        Iterator<Map.Entry<byte[], byte[]>> pending = this.exactlyOnce ? java.util.Collections.emptyIterator()
                : this.buffer.in(from, to).entrySet().iterator();
        List<KeyValue> found = new ArrayList<>(Math.min(limit, 1024));
        try (KeyValueIterator stored = this.store.range(from, to)) {
            KeyValue nextStored = stored.hasNext() ? stored.next() : null;
            Map.Entry<byte[], byte[]> nextPending = pending.hasNext() ? pending.next() : null;
            while (found.size() < limit && (nextStored != null || nextPending != null)) {
                int order = (nextStored == null) ? 1 : (nextPending == null) ? -1
                        : Arrays.compareUnsigned(nextStored.key(), nextPending.getKey());
                if (order < 0) {
                    found.add(nextStored);
                    nextStored = stored.hasNext() ? stored.next() : null;
                    continue;
                }
                if (nextPending.getValue() != WriteBuffer.TOMBSTONE) {
                    found.add(new KeyValue(nextPending.getKey(), nextPending.getValue()));
                }
                if (order == 0) {
                    nextStored = stored.hasNext() ? stored.next() : null;
                }
                nextPending = pending.hasNext() ? pending.next() : null;
            }
        }
        return found;
    }

    /**
     * The stream time and closed windows of this partition of a windowed table, read from its metadata entry the
     * first time after it was opened, restored or aborted.
     * @return the state, {@code null} for a plain table
     */
    @Override
    public WindowState windowState() {
        WindowState state = this.windowState;
        if (state != null && !this.windowStateLoaded) {
            synchronized (state) {
                if (!this.windowStateLoaded) {
                    byte[] meta = get(WindowKeys.META);
                    long lastClosed = WindowKeys.lastClosedStart(meta);
                    long[] open = new long[1];
                    SessionIndex sessions = state.sessions();
                    if (sessions == null) {
                        range(WindowKeys.bound(lastClosed + 1), null, (key, value) -> open[0]++);
                    }
                    else {
                        // The open sessions, and the recent ones a record may still reach, in one scan.
                        long unreachable = this.definition.windows().unreachableSessions(WindowKeys.streamTime(meta));
                        sessions.clear(unreachable);
                        range(WindowKeys.bound(Math.min(lastClosed, unreachable) + 1), null, (key, value) -> {
                            if (WindowKeys.isMeta(key)) {
                                return;
                            }
                            long last = WindowKeys.start(key);
                            if (last > lastClosed) {
                                open[0]++;
                            }
                            sessions.add(WindowKeys.sessionKey(key), WindowKeys.sessionStart(key), last);
                        });
                    }
                    state.load(meta, open[0]);
                    this.windowStateLoaded = true;
                }
            }
        }
        return state;
    }

    @Override
    public long approximateSize() {
        return this.store.approximateCount() + this.buffer.notInStore();
    }

    /**
     * What the endpoint shows of this partition.
     * @return the view
     */
    public TablePartitionView view() {
        long end = this.restoreEnd;
        long position = changelogPosition();
        long remaining = (this.role == Role.RESTORING && end >= 0) ? Math.max(0, end - position) : 0;
        return new TablePartitionView(this.definition.name(), this.partition, this.role, this.restored.get(),
                remaining, this.restoreStart, end, position, this.written.get(), this.checkpointed, windowsView());
    }

    private TablePartitionView.WindowsView windowsView() {
        if (this.windowState == null) {
            return null;
        }
        WindowState state = (this.role == Role.ACTIVE) ? windowState() : this.windowState;
        int segments;
        long disk;
        try {
            segments = this.store.segments();
            disk = this.store.sizeOnDisk();
        }
        catch (IllegalStateException ex) {
            // Closed meanwhile: the partition is leaving.
            segments = 0;
            disk = 0;
        }
        return new TablePartitionView.WindowsView(time(state.streamTime()), time(state.lastClosedStart()),
                state.openWindows(), state.closedWindows(), state.lateRecords(), state.droppedLateRecords(), segments,
                disk);
    }

    private static Long time(long millis) {
        return (millis == Long.MIN_VALUE) ? null : millis;
    }

    /**
     * Checkpoints and closes the store.
     * @param checkpoint whether the store holds every write up to {@link #changelogPosition()}
     */
    public void close(boolean checkpoint) {
        if (this.exactlyOnce) {
            abort();
        }
        else {
            // Finished records' writes: the store may be ahead of its checkpoint, never behind it.
            applyBuffered();
        }
        if (checkpoint) {
            this.store.flush();
            checkpointNow();
        }
        this.store.close();
    }

    public KeyValueStore store() {
        return this.store;
    }

    @Override
    public String toString() {
        return this.changelogTopic + "-" + this.partition + "[" + this.role + "]";
    }
}
