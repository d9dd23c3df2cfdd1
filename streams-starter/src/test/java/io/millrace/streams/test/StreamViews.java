package io.millrace.streams.test;

import java.util.List;
import java.util.Map;

import io.millrace.streams.runtime.Guarantee;
import io.millrace.streams.runtime.StreamState;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.table.TablePartition.Role;
import io.millrace.streams.table.TablePartitionView;

/**
 * Stream and table partition views built by hand, for the endpoint, health and metrics without a broker.
 */
public final class StreamViews {

    private StreamViews() {
    }

    /**
     * A running stream reading {@code <name>-in} with one partition and the given table partitions.
     * @param name the stream
     * @param tables its table partitions
     * @return the view
     */
    public static StreamView stream(String name, TablePartitionView... tables) {
        return stream(name, StreamState.RUNNING, null, tables);
    }

    /**
     * A stream reading {@code <name>-in} with one partition and the given table partitions.
     * @param name the stream
     * @param state its state
     * @param error its error, or {@code null}
     * @param tables its table partitions
     * @return the view
     */
    public static StreamView stream(String name, StreamState state, String error, TablePartitionView... tables) {
        Map<String, StreamView.PartitionView> partitions = Map.of(name + "-in-0",
                new StreamView.PartitionView(10, 12, 2, 0, -1, 0, false));
        return new StreamView(name, state, error, name + "-in", List.of(name + "-out"), name + "-in-dlt",
                Guarantee.AT_LEAST_ONCE, 1, 1,
                new StreamView.TopologyView("Processor", "Payload", Map.of(name + "-out", "Payload"), List.of(),
                        List.of()),
                10, 10, 0, 0, Map.of(name + "-out", 10L), 0.0, 0.0, 0, 2, partitions, List.of(), List.of(tables));
    }

    /**
     * A table partition restoring from offset {@code 0} towards {@code restored + remaining}.
     * @param table the table
     * @param partition the partition
     * @param restored records applied so far
     * @param remaining records left
     * @return the view
     */
    public static TablePartitionView restoring(String table, int partition, long restored, long remaining) {
        return new TablePartitionView(table, partition, Role.RESTORING, restored, remaining, 0, restored + remaining,
                restored, 0, -1);
    }

    /**
     * An active table partition.
     * @param table the table
     * @param partition the partition
     * @param written writes since it was opened
     * @return the view
     */
    public static TablePartitionView active(String table, int partition, long written) {
        return new TablePartitionView(table, partition, Role.ACTIVE, 100, 0, 0, 100, 100 + written, written, 100);
    }

    /**
     * A standby table partition.
     * @param table the table
     * @param partition the partition
     * @param restored records applied by its catch-up
     * @return the view
     */
    public static TablePartitionView standby(String table, int partition, long restored) {
        return new TablePartitionView(table, partition, Role.STANDBY, restored, 0, 0, -1, restored, 0, restored);
    }

    /**
     * An active partition of a windowed table.
     * @param table the table
     * @param partition the partition
     * @param windows its windows, see {@link #windows}
     * @return the view
     */
    public static TablePartitionView windowed(String table, int partition, TablePartitionView.WindowsView windows) {
        return new TablePartitionView(table, partition, Role.ACTIVE, 100, 0, 0, 100, 150, 50, 100, windows);
    }

    /**
     * The windows of a windowed table's partition; the newest closed window started at {@code streamTime - 20000}.
     * @param streamTime the stream time, {@code null} before any record
     * @param open windows open
     * @param closed windows closed
     * @param late records dead-lettered as late
     * @param droppedLate records dropped as late
     * @param segments the store's segments
     * @param diskBytes the store's size on disk
     * @return the windows
     */
    public static TablePartitionView.WindowsView windows(Long streamTime, long open, long closed, long late,
            long droppedLate, int segments, long diskBytes) {
        Long lastClosedStart = (streamTime != null && closed > 0) ? streamTime - 20_000 : null;
        return new TablePartitionView.WindowsView(streamTime, lastClosedStart, open, closed, late, droppedLate,
                segments, diskBytes);
    }
}
