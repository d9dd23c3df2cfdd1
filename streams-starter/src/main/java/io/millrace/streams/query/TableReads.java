package io.millrace.streams.query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import org.apache.kafka.common.utils.Utils;

import io.millrace.streams.runtime.PartitionOwners;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.table.KeyValue;
import io.millrace.streams.table.LocalTables;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.TablePartition;
import io.millrace.streams.table.WindowKeys;
import io.millrace.streams.table.Windows;

/**
 * One table of one stream read in this instance at the level of encoded keys and values: what the typed
 * {@link QueryableTable} and the HTTP {@link QueryHandler} share. A key's partition is the one Kafka's default
 * partitioner gives its encoded bytes (murmur2), the partition the records of that key reach the stream's input
 * (or, for a re-keyed stream, its repartition topic) and so the table partition that holds it.
 */
final class TableReads {

    /** The largest encoded key a query takes. */
    static final int MAX_KEY_BYTES = 4096;

    /** The most windows one fetch of a key reads. */
    static final int MAX_WINDOWS = 10_000;

    /** The most stored sessions one fetch of a session table's key reads through. */
    static final int MAX_SCANNED = 1_000_000;

    private final StreamManager manager;

    private final String stream;

    private final TableDefinition<?, ?> definition;

    private TableReads(StreamManager manager, String stream, TableDefinition<?, ?> definition) {
        this.manager = manager;
        this.stream = stream;
        this.definition = definition;
    }

    /**
     * A table of a stream.
     * @param manager the running streams
     * @param stream the stream
     * @param table the table
     * @return its reads
     * @throws NoSuchTableException if the application has no such stream or table
     */
    static TableReads of(StreamManager manager, String stream, String table) {
        StreamDefinition definition = manager.definitions().stream()
            .filter((candidate) -> candidate.name().equals(stream))
            .findFirst()
            .orElseThrow(() -> new NoSuchTableException("No stream '" + stream + "'"));
        TableDefinition<?, ?> found = definition.tables().stream()
            .filter((candidate) -> candidate.name().equals(table))
            .findFirst()
            .orElseThrow(() -> new NoSuchTableException("Stream '" + stream + "' has no table '" + table + "'"));
        return new TableReads(manager, stream, found);
    }

    String stream() {
        return this.stream;
    }

    TableDefinition<?, ?> definition() {
        return this.definition;
    }

    PartitionOwners owners() {
        return this.manager.owners(this.stream);
    }

    /**
     * The partition of an encoded key.
     * @param key the encoded key
     * @param owners the partitions' owners, which know how many there are
     * @return the partition
     * @throws QueryUnavailableException if the number of partitions is not known (the stream does not run)
     */
    int partitionOf(byte[] key, PartitionOwners owners) {
        if (owners.partitions() == 0) {
            throw new QueryUnavailableException("Stream '" + this.stream + "' does not run in this instance", -1,
                    null);
        }
        return Utils.toPositive(Utils.murmur2(key)) % owners.partitions();
    }

    /**
     * A key's value in its partition here.
     * @param partition the key's partition
     * @param key the encoded key
     * @param standby whether a standby copy may answer
     * @return the encoded value, {@code null} if absent
     */
    byte[] get(int partition, byte[] key, boolean standby) {
        return local(partition, (tables) -> tables.read(this.definition.name(), partition, key, standby));
    }

    /**
     * The windows of a key that start in a time range, in time order.
     * @param partition the key's partition
     * @param key the encoded key
     * @param from the earliest window start, inclusive
     * @param to the latest window start, inclusive
     * @param standby whether a standby copy may answer
     * @return the windows that hold a value
     * @throws IllegalArgumentException if the range spans more than {@link #MAX_WINDOWS} windows
     */
    List<WindowValue> windows(int partition, byte[] key, long from, long to, boolean standby) {
        Windows windows = this.definition.windows();
        if (windows.session()) {
            return sessions(partition, key, from, to, standby);
        }
        long advance = windows.advanceMillis();
        long first = Math.floorDiv(from, advance) * advance;
        if (first < from) {
            first += advance;
        }
        if (to >= first && (to - first) / advance >= MAX_WINDOWS) {
            throw new IllegalArgumentException("The range [" + from + ", " + to + "] spans more than " + MAX_WINDOWS
                    + " windows of table '" + this.definition.name() + "'");
        }
        long start = first;
        return local(partition, (tables) -> {
            List<WindowValue> found = new ArrayList<>();
            for (long window = start; window <= to; window += advance) {
                byte[] value = tables.read(this.definition.name(), partition, WindowKeys.encode(window, key), standby);
                if (value != null) {
                    found.add(new WindowValue(window, windows.window(window).end(), value));
                }
            }
            return found;
        });
    }

    /**
     * Session windows: the key's sessions that start in a time range. Sessions are stored by their last event time,
     * so every session ending from {@code from} on is read, a page at a time, and the key's kept.
     * @throws IllegalArgumentException if more than {@link #MAX_SCANNED} sessions would be read
     */
    private List<WindowValue> sessions(int partition, byte[] key, long from, long to, boolean standby) {
        Windows windows = this.definition.windows();
        return local(partition, (tables) -> {
            List<WindowValue> found = new ArrayList<>();
            byte[] next = WindowKeys.bound(from);
            long scanned = 0;
            while (true) {
                List<KeyValue> page = tables.read(this.definition.name(), partition, next, null, 10_000, standby);
                for (KeyValue entry : page) {
                    if (WindowKeys.isMeta(entry.key())
                            || entry.key().length != key.length + 2 * WindowKeys.START_BYTES) {
                        continue;
                    }
                    long start = WindowKeys.sessionStart(entry.key());
                    if (start >= from && start <= to && Arrays.equals(WindowKeys.sessionKey(entry.key()), key)) {
                        found.add(new WindowValue(start, WindowKeys.window(windows, entry.key()).end(),
                                entry.value()));
                    }
                }
                scanned += page.size();
                if (page.size() < 10_000) {
                    break;
                }
                if (scanned >= MAX_SCANNED) {
                    throw new IllegalArgumentException("The sessions of table '" + this.definition.name()
                            + "' from " + from + " are more than " + MAX_SCANNED + ": narrow the range");
                }
                next = LocalTables.after(page.get(page.size() - 1).key());
            }
            found.sort(java.util.Comparator.comparingLong(WindowValue::start));
            return found;
        });
    }

    /**
     * Up to {@code limit} entries of some partitions here in a key range, merged in key order (for a windowed table:
     * window start, then key).
     * @param partitions the partitions
     * @param from the first encoded key, {@code null} for the lowest
     * @param to the encoded key to stop before, {@code null} for the end
     * @param limit the most entries
     * @param standby whether standby copies may answer
     * @return the page
     */
    Page scan(Collection<Integer> partitions, byte[] from, byte[] to, int limit, boolean standby) {
        List<KeyValue> merged = new ArrayList<>();
        boolean more = false;
        for (int partition : partitions) {
            List<KeyValue> entries = local(partition,
                    (tables) -> tables.read(this.definition.name(), partition, from, to, limit + 1, standby));
            entries.removeIf((entry) -> this.definition.windowed() && WindowKeys.isMeta(entry.key()));
            more |= entries.size() > limit;
            merged.addAll(entries.subList(0, Math.min(limit, entries.size())));
        }
        merged.sort((one, other) -> Arrays.compareUnsigned(one.key(), other.key()));
        more |= merged.size() > limit;
        return new Page(List.copyOf(merged.subList(0, Math.min(limit, merged.size()))), more);
    }

    /**
     * The partitions of the table that can answer here now.
     * @param standby whether standby copies count
     * @return the partitions active here (and standby, if they count), in order
     */
    List<Integer> localPartitions(boolean standby) {
        LocalTables tables = this.manager.localTables(this.stream).orElse(null);
        if (tables == null) {
            return List.of();
        }
        List<Integer> partitions = new ArrayList<>();
        tables.roles(this.definition.name()).forEach((partition, role) -> {
            if (role == TablePartition.Role.ACTIVE || (standby && role == TablePartition.Role.STANDBY)) {
                partitions.add(partition);
            }
        });
        return partitions;
    }

    private <T> T local(int partition, java.util.function.Function<LocalTables, T> read) {
        LocalTables tables = this.manager.localTables(this.stream).orElse(null);
        if (tables == null) {
            throw new QueryUnavailableException("Stream '" + this.stream + "' does not run in this instance",
                    partition, null);
        }
        try {
            return read.apply(tables);
        }
        catch (LocalTables.UnavailableException ex) {
            throw new QueryUnavailableException(ex.getMessage(), partition, owners().owner(partition));
        }
    }

    /**
     * A window of a key and its encoded value.
     * @param start the window's start
     * @param end the window's end, exclusive
     * @param value the encoded value
     */
    record WindowValue(long start, long end, byte[] value) {
    }

    /**
     * Entries in key order.
     * @param entries the entries
     * @param more whether entries follow the last one
     */
    record Page(List<KeyValue> entries, boolean more) {
    }
}
