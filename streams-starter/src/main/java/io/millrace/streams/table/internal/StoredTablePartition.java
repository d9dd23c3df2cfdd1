package io.millrace.streams.table.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Finished records' writes wait in {@code uncommitted} (a hash map: reads and writes of single keys are the
 * per-record path, key order is needed only by range reads, which sort what they take from it), which reads see
 * first, and reach the store in batches
 * (one RocksDB write, one write-ahead-log append, for thousands of records rather than one per record). Under
 * {@code exactly-once} a batch is applied, atomically, only after the transaction that wrote it to the changelog
 * committed. The store therefore never holds a write the changelog may lose, so a crash needs no full restore: the
 * store is restored from its checkpoint, like after a clean stop. Under {@code at-least-once} a batch is applied
 * before a checkpoint (at most once per {@value #CHECKPOINT_INTERVAL_MILLIS} ms, not at every offset commit: a key
 * updated many times in between reaches RocksDB once, as Kafka Streams' record cache folds its store writes) and
 * whenever {@value #MAX_BUFFERED_ENTRIES} keys or about {@value #MAX_BUFFERED_BYTES} bytes wait; the checkpoint
 * counts only the writes acknowledged before the batch that holds them began.
 *
 * <p>The changelog is written at the commit ({@link #changelogAtCommit()}), the latest value of each key once: under
 * {@code exactly-once} the open transaction's writes, in it, before it commits; under {@code at-least-once} the
 * writes not sent yet (the same map's entries, flagged when sent: an entry leaves the map once it is both sent and
 * in the store), before the offsets of the records that made them are committed (the loop's committer waits for
 * their acknowledgements; a failed one has its key's latest value sent again).
 *
 * <p>Thread-safety: workers read and write concurrently (different keys), the changelog reader restores while the
 * partition is not active, the poll thread commits and checkpoints between records.
 */
public final class StoredTablePartition implements TablePartition {

    private static final Logger logger = LoggerFactory.getLogger(StoredTablePartition.class);

    /** Marks a key deleted in {@link #uncommitted}; compared by identity. */
    private static final byte[] TOMBSTONE = new byte[0];

    /** The lowest key in unsigned byte order: a range from it is the whole partition. */
    private static final byte[] FIRST_KEY = new byte[0];

    private final TableDefinition<?, ?> definition;

    private final Clock clock;

    private final String changelogTopic;

    private final int partition;

    private final KeyValueStore store;

    private final ConcurrentHashMap<Key, Pending> uncommitted;

    /**
     * Under at-least-once: keys whose changelog record failed; the next send sends their latest value again (a rare
     * path: the loop's committer does not commit past a failed send).
     */
    private final Set<Key> resend = ConcurrentHashMap.newKeySet();

    private final boolean exactlyOnce;

    /**
     * Under at-least-once: keys taken into {@link #uncommitted} since the last batch, and about the memory they hold
     * (approximate while a batch runs beside workers).
     */
    private final AtomicLong buffered = new AtomicLong();

    private final AtomicLong bufferedBytes = new AtomicLong();

    /** At-least-once: a batch goes to the store when this many keys wait, at the latest. */
    static final int MAX_BUFFERED_ENTRIES = 20_000;

    /** At-least-once: a batch goes to the store when about this many bytes wait (keys, values, map entries). */
    static final long MAX_BUFFERED_BYTES = 8L * 1024 * 1024;

    /** What a waiting key costs beyond its bytes: the map's node, the key's wrapper, two array headers. */
    private static final int ENTRY_OVERHEAD = 80;

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
        this.uncommitted = new ConcurrentHashMap<>();
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
            this.uncommitted.clear();
            this.resend.clear();
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
        Pending pending = this.uncommitted.get(new Key(key));
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
        long bytes = 0;
        int added = 0;
        for (KeyValue write : writes) {
            byte[] value = (write.value() != null) ? write.value() : TOMBSTONE;
            Pending previous = this.uncommitted.put(new Key(write.key()), new Pending(value));
            if (previous == null) {
                added++;
                bytes += write.key().length + value.length + ENTRY_OVERHEAD;
            }
            else {
                bytes += value.length - previous.value.length;
            }
        }
        this.written.addAndGet(writes.size());
        if (!this.exactlyOnce) {
            long count = this.buffered.addAndGet(added);
            long size = this.bufferedBytes.addAndGet(bytes);
            if (count >= MAX_BUFFERED_ENTRIES || size >= MAX_BUFFERED_BYTES) {
                applyBuffered();
            }
        }
    }

    @Override
    public boolean changelogAtCommit() {
        return true;
    }

    /**
     * Sends the writes not yet in the changelog, the latest value of each key once. Under {@code exactly-once}, before
     * the transaction commits: the open transaction's writes, in it (poll thread, no worker running). Under
     * {@code at-least-once}, before the offsets of the records that made them are committed: the writes taken since
     * the last send (workers may keep writing: a key written again meanwhile keeps its newer value for the next send).
     * @param send sends a record
     */
    public void sendChangelog(java.util.function.Consumer<ChangelogRecord> send) {
        if (this.exactlyOnce) {
            this.uncommitted.forEach((key, pending) -> send.accept(new ChangelogRecord(this, key.bytes,
                    pending.valueOrNull())));
            return;
        }
        resendFailed(send);
        for (Map.Entry<Key, Pending> entry : this.uncommitted.entrySet()) {
            Pending pending = entry.getValue();
            if (!pending.sent) {
                send.accept(new ChangelogRecord(this, entry.getKey().bytes, pending.valueOrNull()));
                // Sent, then checked applied; a batch marks applied, then checks sent: one of the two removes it.
                pending.sent = true;
                if (pending.applied) {
                    this.uncommitted.remove(entry.getKey(), pending);
                }
            }
        }
    }

    /**
     * At-least-once: sends the latest value of each key whose changelog record failed, unless a write not sent yet
     * will (a write made meanwhile is sent after this one, so the changelog ends with the latest value).
     */
    private void resendFailed(java.util.function.Consumer<ChangelogRecord> send) {
        for (Iterator<Key> failed = this.resend.iterator(); failed.hasNext();) {
            Key key = failed.next();
            failed.remove();
            Pending pending = this.uncommitted.get(key);
            if (pending == null || pending.sent) {
                // Not waiting: its latest value is the store's (a batch writes the store before it lets go).
                byte[] value = (pending != null) ? pending.valueOrNull() : this.store.get(key.bytes);
                send.accept(new ChangelogRecord(this, key.bytes, value));
            }
        }
    }

    @Override
    public void unacknowledged(byte[] key, byte[] value) {
        if (!this.exactlyOnce) {
            this.resend.add(new Key(key));
        }
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
        if (this.uncommitted.isEmpty()) {
            return;
        }
        List<KeyValue> batch = new ArrayList<>(this.uncommitted.size());
        this.uncommitted.forEach((key, pending) -> batch.add(new KeyValue(key.bytes, pending.valueOrNull())));
        this.store.write(batch);
        this.uncommitted.clear();
    }

    /**
     * At-least-once: writes the buffered writes not yet in the store to it in one batch. Safe while workers write:
     * an entry leaves the buffer only once it is both in the store and sent to the changelog, and only if no newer
     * write replaced it meanwhile (by identity); reads see the buffer first. Every write acknowledged before the batch
     * began was in the buffer then (a write is buffered before its changelog record is sent), so the store holds it,
     * or a newer value of its key, afterwards.
     */
    private void applyBuffered() {
        long acknowledgedBefore = this.acknowledged.get();
        this.buffered.set(0);
        this.bufferedBytes.set(0);
        if (!this.uncommitted.isEmpty()) {
            List<Key> keys = new ArrayList<>(this.uncommitted.size());
            List<Pending> taken = new ArrayList<>(this.uncommitted.size());
            List<KeyValue> batch = new ArrayList<>(this.uncommitted.size());
            for (Map.Entry<Key, Pending> entry : this.uncommitted.entrySet()) {
                Pending pending = entry.getValue();
                if (!pending.applied) {
                    keys.add(entry.getKey());
                    taken.add(pending);
                    batch.add(new KeyValue(entry.getKey().bytes, pending.valueOrNull()));
                }
            }
            if (!batch.isEmpty()) {
                this.appliedAt = this.clock.millis();
                this.store.write(batch);
            }
            for (int i = 0; i < keys.size(); i++) {
                Pending pending = taken.get(i);
                // Applied, then checked sent; a send marks sent, then checks applied: one of the two removes it.
                pending.applied = true;
                if (pending.sent) {
                    this.uncommitted.remove(keys.get(i), pending);
                }
            }
        }
        this.committed.accumulateAndGet(acknowledgedBefore, Math::max);
    }

    /** The transaction aborted: its writes are forgotten. Nothing under at-least-once: finished writes stand. */
    public void abort() {
        if (this.exactlyOnce) {
            this.uncommitted.clear();
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
        Map<byte[], byte[]> pending = this.uncommitted.isEmpty() ? Map.of() : pendingIn(from, to);
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
            if (value != TOMBSTONE) {
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

    /** The finished writes of a key range, in key order: a copy, taken before the store is read. */
    private Map<byte[], byte[]> pendingIn(byte[] from, byte[] to) {
        Map<byte[], byte[]> pending = new TreeMap<>(Arrays::compareUnsigned);
        for (Map.Entry<Key, Pending> entry : this.uncommitted.entrySet()) {
            byte[] key = entry.getKey().bytes;
            if (Arrays.compareUnsigned(key, from) >= 0 && (to == null || Arrays.compareUnsigned(key, to) < 0)) {
                pending.put(key, entry.getValue().value);
            }
        }
        return pending;
    }

    private List<KeyValue> readCommittedFrom(byte[] from, byte[] to, int limit) {
        // Copied before the store is read: a batch moves entries from the buffer to the store (store first), so an
        // entry missing from this copy is in the store's iterator, and one in the copy is read from the copy.
        Iterator<Map.Entry<byte[], byte[]>> pending = this.exactlyOnce ? java.util.Collections.emptyIterator()
                : pendingIn(from, to).entrySet().iterator();
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
                if (nextPending.getValue() != TOMBSTONE) {
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
        // Finished writes that the store does not hold yet (under at-least-once, sent ones stay until sent).
        long waiting = this.exactlyOnce ? this.uncommitted.size()
                : this.uncommitted.values().stream().filter((pending) -> !pending.applied).count();
        return this.store.approximateCount() + waiting;
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

    /**
     * A finished write in {@link #uncommitted}. Under at-least-once it stays there until it is both in the store
     * ({@code applied}, set by a batch) and sent to the changelog ({@code sent}, set by the send before a commit),
     * so one map serves reads, the store's batches and the changelog. Each flag has one writer, the flags are
     * volatile, and each side sets its own flag before it reads the other's.
     */
    private static final class Pending {

        /** The value, {@link #TOMBSTONE} for a delete. */
        final byte[] value;

        volatile boolean sent;

        volatile boolean applied;

        Pending(byte[] value) {
            this.value = value;
        }

        byte[] valueOrNull() {
            return (this.value == TOMBSTONE) ? null : this.value;
        }
    }

    /** A key of {@link #uncommitted}: compared by content, its hash computed once. */
    private static final class Key {

        final byte[] bytes;

        private final int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && this.hash == key.hash && Arrays.equals(this.bytes, key.bytes);
        }

        @Override
        public int hashCode() {
            return this.hash;
        }
    }
}
