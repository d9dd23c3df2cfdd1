package io.millrace.streams.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.annotation.JsonValue;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.TablePartition;
import io.millrace.streams.table.TablePartitionView;

/**
 * The {@code streams} endpoint: every stream with its state, topics, counts and partitions; write operations
 * pause, resume and restart a stream. Read-only unless {@code management.endpoint.streams.access} is
 * {@code unrestricted}.
 *
 * <p>Tables: {@code /actuator/streams/{name}} lists every table partition of the stream in this instance
 * ({@link TablePartitionView}: role, {@code restored} and {@code remaining} changelog records, offsets, writes).
 * The list, {@code /actuator/streams}, polled by dashboards, shows them compactly: per table the partitions by role,
 * the writes, and the restoring partitions with their progress; per stream a {@code restore} summary:
 * <pre>
 * "tables": {"word-counts": {"active": 2, "restoring": 1, "standby": 0, "written": 5120,
 *            "restores": [{"partition": 1, "restored": 800, "remaining": 1200}]}},
 * "restore": {"restoring": 1, "restored": 800, "remaining": 1200}
 * </pre>
 *
 * <p>Windowed tables: each of their partitions' views has {@code windows} ({@link TablePartitionView.WindowsView}:
 * stream time, newest closed window, open, closed and late windows, segments, size on disk), and their summary in
 * the list has the same per partition, by partition number:
 * <pre>
 * "windows": [{"partition": 0, "role": "ACTIVE", "streamTime": 1700000010000, "lastClosedStart": 1699999990000,
 *              "open": 5, "closed": 41, "late": 6, "droppedLate": 0, "segments": 2, "diskBytes": 2048}]
 * </pre>
 * Times are epoch milliseconds; {@code streamTime} and {@code lastClosedStart} are left out (the actuator leaves
 * out nulls) until the partition has seen a record or closed a window. A plain table has no {@code windows}.
 */
@Endpoint(id = "streams", defaultAccess = Access.READ_ONLY)
public class StreamsEndpoint {

    private final StreamManager manager;

    public StreamsEndpoint(StreamManager manager) {
        this.manager = manager;
    }

    /**
     * Every stream, with its tables in the compact form.
     * @return the streams
     */
    @ReadOperation
    public StreamsDescriptor streams() {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        for (StreamDefinition definition : this.manager.definitions()) {
            tables.put(definition.name(), definition.tables().stream().map(TableDefinition::name).toList());
        }
        return new StreamsDescriptor(this.manager.streams(), tables);
    }

    /**
     * One stream, with every table partition.
     * @param name the stream
     * @return the stream, or {@code null} (404) if there is none
     */
    @ReadOperation
    public StreamView stream(@Selector String name) {
        return this.manager.stream(name).orElse(null);
    }

    /**
     * Pauses, resumes or restarts a stream.
     * @param name the stream
     * @param action {@code pause}, {@code resume} or {@code restart}
     * @return the stream after the action, or {@code null} (404) if there is none
     */
    @WriteOperation
    public StreamView act(@Selector String name, String action) {
        boolean found = switch (action) {
            case "pause" -> this.manager.pauseStream(name);
            case "resume" -> this.manager.resumeStream(name);
            case "restart" -> this.manager.restartStream(name);
            default -> throw new IllegalArgumentException("Unknown action '" + action
                    + "'; use pause, resume or restart");
        };
        return found ? this.manager.stream(name).orElse(null) : null;
    }

    /**
     * The streams of the application. Serialized as {@code {"streams": [...]}} of {@link StreamSummary}: each
     * stream's fields, its tables in the compact form and its restore summary.
     * @param streams the streams, in registration order
     * @param tables the declared table names by stream, so that tables show before any partition is open
     */
    public record StreamsDescriptor(List<StreamView> streams, Map<String, List<String>> tables) {

        /**
         * The streams, with the table names their views show.
         * @param streams the streams
         */
        public StreamsDescriptor(List<StreamView> streams) {
            this(streams, Map.of());
        }

        /**
         * What the endpoint answers.
         * @return {@code streams}: the summaries
         */
        @JsonValue
        public Map<String, List<StreamSummary>> json() {
            return Map.of("streams", summaries());
        }

        /**
         * The streams as the list shows them.
         * @return one summary per stream, in registration order
         */
        public List<StreamSummary> summaries() {
            return this.streams.stream()
                .map((stream) -> StreamSummary.of(stream, this.tables.getOrDefault(stream.name(), List.of())))
                .toList();
        }
    }

    /**
     * A stream in the list: every field of its {@link StreamView} but {@code tables}, which is compacted.
     *
     * @param stream the stream
     * @param tables per table, in declaration order: partitions by role, writes, and the restoring partitions
     * @param restore the restoring table partitions of the stream, summed
     */
    public record StreamSummary(@JsonUnwrapped @JsonIgnoreProperties("tables") StreamView stream,
            Map<String, TableSummary> tables, RestoreSummary restore) {

        /**
         * Summarizes a stream.
         * @param stream the stream
         * @param declared its declared table names, shown even without open partitions
         * @return the summary
         */
        public static StreamSummary of(StreamView stream, List<String> declared) {
            Map<String, List<TablePartitionView>> byTable = new LinkedHashMap<>();
            declared.forEach((table) -> byTable.put(table, new ArrayList<>()));
            List<TablePartitionView> views = (stream.tables() != null) ? stream.tables() : List.of();
            for (TablePartitionView view : views) {
                byTable.computeIfAbsent(view.table(), (key) -> new ArrayList<>()).add(view);
            }
            Map<String, TableSummary> tables = new LinkedHashMap<>();
            byTable.forEach((table, partitions) -> tables.put(table, TableSummary.of(partitions)));
            return new StreamSummary(stream, tables, RestoreSummary.of(views));
        }
    }

    /**
     * One table of a stream in this instance.
     *
     * @param active partitions owned and processed
     * @param restoring partitions catching up with their changelog
     * @param standby warm copies of partitions other instances own
     * @param written writes of processed records since the partitions were opened
     * @param restores the restoring partitions, by partition number
     * @param windows a windowed table's partitions with their windows, by partition number; {@code null} for a
     * plain table
     */
    public record TableSummary(int active, int restoring, int standby, long written, List<Restore> restores,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<PartitionWindows> windows) {

        static TableSummary of(List<TablePartitionView> partitions) {
            int active = 0;
            int restoring = 0;
            int standby = 0;
            long written = 0;
            List<Restore> restores = new ArrayList<>();
            List<PartitionWindows> windows = new ArrayList<>();
            for (TablePartitionView partition : partitions) {
                written += partition.written();
                if (partition.windows() != null) {
                    windows.add(new PartitionWindows(partition.partition(), partition.role(), partition.windows()));
                }
                switch (partition.role()) {
                    case ACTIVE -> active++;
                    case STANDBY -> standby++;
                    case RESTORING -> {
                        restoring++;
                        restores.add(new Restore(partition.partition(), partition.restored(), partition.remaining()));
                    }
                }
            }
            restores.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            windows.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            return new TableSummary(active, restoring, standby, written, restores,
                    windows.isEmpty() ? null : windows);
        }
    }

    /**
     * The windows of one partition of a windowed table, serialized flat: {@code partition}, {@code role}, then the
     * fields of {@link TablePartitionView.WindowsView}.
     *
     * @param partition the partition
     * @param role restoring, active or standby
     * @param windows its windows
     */
    public record PartitionWindows(int partition, TablePartition.Role role,
            @JsonUnwrapped TablePartitionView.WindowsView windows) {
    }

    /**
     * A restoring table partition.
     *
     * @param partition the partition
     * @param restored changelog records applied so far
     * @param remaining changelog records left, {@code 0} while the changelog's end offset is not known yet
     */
    public record Restore(int partition, long restored, long remaining) {
    }

    /**
     * The restoring table partitions of a stream.
     *
     * @param restoring how many table partitions restore
     * @param restored changelog records they applied so far
     * @param remaining changelog records they have left
     */
    public record RestoreSummary(int restoring, long restored, long remaining) {

        static RestoreSummary of(List<TablePartitionView> partitions) {
            int restoring = 0;
            long restored = 0;
            long remaining = 0;
            for (TablePartitionView partition : partitions) {
                if (partition.role() == TablePartition.Role.RESTORING) {
                    restoring++;
                    restored += partition.restored();
                    remaining += partition.remaining();
                }
            }
            return new RestoreSummary(restoring, restored, remaining);
        }
    }
}
