package io.millrace.streams.table.internal;

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

import io.millrace.streams.table.KeyValue;
import io.millrace.streams.table.internal.store.KeyValueStore;

/**
 * The finished writes of one table partition on their way to its store and its changelog: a hash map that reads see
 * before the store (reads and writes of single keys are the per-record path; key order is needed only by range
 * reads, which sort what they take from it).
 *
 * <p>Under {@code exactly-once} the map is the open transaction's write set: sent to the changelog in the
 * transaction, written to the store in one batch once it committed ({@link #commitTo}), forgotten if it aborted.
 * Under {@code at-least-once} a write stays in the map until it is both in the store ({@link #applyTo}, a batch) and
 * sent to the changelog ({@link #send}): each {@link Pending} entry is flagged by each side, so one map serves reads,
 * batches and the changelog.
 *
 * <p>Thread-safety: workers take writes of different keys concurrently; the poll thread sends, batches and clears
 * between records; a full buffer is batched by the worker that filled it.
 */
final class WriteBuffer {

    /** Marks a key deleted; compared by identity. */
    static final byte[] TOMBSTONE = new byte[0];

    /** At-least-once: a batch goes to the store when this many keys wait, at the latest. */
    static final int MAX_BUFFERED_ENTRIES = 20_000;

    /** At-least-once: a batch goes to the store when about this many bytes wait (keys, values, map entries). */
    static final long MAX_BUFFERED_BYTES = 8L * 1024 * 1024;

    /** What a waiting key costs beyond its bytes: the map's node, the key's wrapper, two array headers. */
    private static final int ENTRY_OVERHEAD = 80;

    private final KeyValueStore store;

    private final boolean exactlyOnce;

    private final ConcurrentHashMap<Key, Pending> writes = new ConcurrentHashMap<>();

    /**
     * At-least-once: keys whose changelog record failed; the next send sends their latest value again (a rare path:
     * the loop's committer does not commit past a failed send).
     */
    private final Set<Key> resend = ConcurrentHashMap.newKeySet();

    /**
     * At-least-once: keys taken since the last batch, and about the memory they hold (approximate while a batch runs
     * beside workers).
     */
    private final AtomicLong buffered = new AtomicLong();

    private final AtomicLong bufferedBytes = new AtomicLong();

    WriteBuffer(KeyValueStore store, boolean exactlyOnce) {
        this.store = store;
        this.exactlyOnce = exactlyOnce;
    }

    /**
     * A key's finished write.
     * @param key the encoded key
     * @return the write, or {@code null} if none waits (the store has the key's value)
     */
    Pending get(byte[] key) {
        return this.writes.get(new Key(key));
    }

    boolean isEmpty() {
        return this.writes.isEmpty();
    }

    /**
     * Takes the writes of a finished record.
     * @param taken puts and deletes ({@code value == null}) in order
     * @return whether a batch is due: under at-least-once, enough keys or bytes wait
     */
    boolean take(List<KeyValue> taken) {
        long bytes = 0;
        int added = 0;
        for (KeyValue write : taken) {
            byte[] value = (write.value() != null) ? write.value() : TOMBSTONE;
            Pending previous = this.writes.put(new Key(write.key()), new Pending(value));
            if (previous == null) {
                added++;
                bytes += write.key().length + value.length + ENTRY_OVERHEAD;
            }
            else {
                bytes += value.length - previous.value.length;
            }
        }
        if (this.exactlyOnce) {
            return false;
        }
        long count = this.buffered.addAndGet(added);
        long size = this.bufferedBytes.addAndGet(bytes);
        return count >= MAX_BUFFERED_ENTRIES || size >= MAX_BUFFERED_BYTES;
    }

    /**
     * Sends the writes not in the changelog yet, the latest value of each key once: under {@code exactly-once} the
     * whole write set; under {@code at-least-once} the writes not sent yet and the latest values of keys whose send
     * failed.
     * @param send gets each encoded key and value ({@code null} for a delete)
     */
    void send(BiConsumer<byte[], byte[]> send) {
        if (this.exactlyOnce) {
            this.writes.forEach((key, pending) -> send.accept(key.bytes, pending.valueOrNull()));
            return;
        }
        resendFailed(send);
        for (Map.Entry<Key, Pending> entry : this.writes.entrySet()) {
            Pending pending = entry.getValue();
            if (!pending.sent) {
                send.accept(entry.getKey().bytes, pending.valueOrNull());
                // Sent, then checked applied; a batch marks applied, then checks sent: one of the two removes it.
                pending.sent = true;
                if (pending.applied) {
                    this.writes.remove(entry.getKey(), pending);
                }
            }
        }
    }

    /**
     * At-least-once: sends the latest value of each key whose changelog record failed, unless a write not sent yet
     * will (a write made meanwhile is sent after this one, so the changelog ends with the latest value).
     */
    private void resendFailed(BiConsumer<byte[], byte[]> send) {
        for (Iterator<Key> failed = this.resend.iterator(); failed.hasNext();) {
            Key key = failed.next();
            failed.remove();
            Pending pending = this.writes.get(key);
            if (pending == null || pending.sent) {
                // Not waiting: its latest value is the store's (a batch writes the store before it lets go).
                send.accept(key.bytes, (pending != null) ? pending.valueOrNull() : this.store.get(key.bytes));
            }
        }
    }

    /**
     * A changelog write failed: under {@code at-least-once} the key's latest value is sent with the next send.
     * @param key the encoded key
     */
    void failed(byte[] key) {
        if (!this.exactlyOnce) {
            this.resend.add(new Key(key));
        }
    }

    /** Exactly-once, the transaction committed: its writes go to the store in one batch and are forgotten. */
    void commitTo() {
        if (this.writes.isEmpty()) {
            return;
        }
        List<KeyValue> batch = new ArrayList<>(this.writes.size());
        this.writes.forEach((key, pending) -> batch.add(new KeyValue(key.bytes, pending.valueOrNull())));
        this.store.write(batch);
        this.writes.clear();
    }

    /**
     * At-least-once: writes the writes not in the store yet to it in one batch. Safe while workers write: an entry
     * leaves the map only once it is both in the store and sent, and only if no newer write replaced it meanwhile (by
     * identity); reads see the map first.
     * @return whether the store was written
     */
    boolean applyTo() {
        this.buffered.set(0);
        this.bufferedBytes.set(0);
        if (this.writes.isEmpty()) {
            return false;
        }
        // The entries as iterated (key and value then): a newer write of a key replaced meanwhile stays.
        List<Map.Entry<Key, Pending>> taken = new ArrayList<>(this.writes.size());
        List<KeyValue> batch = new ArrayList<>(this.writes.size());
        for (Map.Entry<Key, Pending> entry : this.writes.entrySet()) {
            if (!entry.getValue().applied) {
                taken.add(entry);
                batch.add(new KeyValue(entry.getKey().bytes, entry.getValue().valueOrNull()));
            }
        }
        if (batch.isEmpty()) {
            return false;
        }
        this.store.write(batch);
        for (Map.Entry<Key, Pending> entry : taken) {
            Pending pending = entry.getValue();
            // Applied, then checked sent; a send marks sent, then checks applied: one of the two removes it.
            pending.applied = true;
            if (pending.sent) {
                this.writes.remove(entry.getKey(), pending);
            }
        }
        return true;
    }

    /** Forgets every write and failed send: an aborted transaction, or a partition that is no longer active. */
    void forget() {
        this.writes.clear();
        this.resend.clear();
    }

    /**
     * The writes of a key range, in key order: a copy.
     * @param from the first key
     * @param to the key to stop before, {@code null} for the end
     * @return encoded keys to values, {@link #TOMBSTONE} for deletes
     */
    Map<byte[], byte[]> in(byte[] from, byte[] to) {
        Map<byte[], byte[]> pending = new TreeMap<>(Arrays::compareUnsigned);
        for (Map.Entry<Key, Pending> entry : this.writes.entrySet()) {
            byte[] key = entry.getKey().bytes;
            if (Arrays.compareUnsigned(key, from) >= 0 && (to == null || Arrays.compareUnsigned(key, to) < 0)) {
                pending.put(key, entry.getValue().value);
            }
        }
        return pending;
    }

    /**
     * How many writes the store does not hold yet.
     * @return the count (under at-least-once, a sent one waits until it is in the store, an applied one until sent)
     */
    long notInStore() {
        return this.exactlyOnce ? this.writes.size()
                : this.writes.values().stream().filter((pending) -> !pending.applied).count();
    }

    /**
     * A finished write. Under at-least-once it stays in the map until it is both in the store ({@code applied}, set
     * by a batch) and sent to the changelog ({@code sent}, set by the send before a commit). Each flag has one
     * writer, the flags are volatile, and each side sets its own flag before it reads the other's.
     */
    static final class Pending {

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

    /** A key of the map: compared by content, its hash computed once. */
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
