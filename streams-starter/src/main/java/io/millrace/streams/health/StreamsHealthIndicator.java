package io.millrace.streams.health;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamState;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.table.TablePartitionView;

/**
 * The {@code streams} health component: DOWN when a stream failed, or is stuck (the oldest record in flight on one
 * of its partitions has waited longer than {@code stuckAfter}), with details naming the partition and offset.
 * Streams waiting for their input topic are reported, not DOWN.
 *
 * <p>Table partitions restoring their changelog are listed under the stream's {@code restoring} detail, as
 * {@code "<table>-<partition> (<n> remaining)"}, and keep the component UP: a restore is the normal start of a
 * partition after a rebalance or a restart, its input records wait (paused, not in flight) until it is done, and its
 * length grows with the changelog, not with a fault. A restore that takes longer than {@code stuckAfter} is named
 * under {@code slowRestores}, with how long it has been restoring, what remains, and how long ago it last applied a
 * record ({@code lastProgress}); the component still stays UP, even for a restore making no progress: DOWN would
 * take the instance out of readiness, or get it restarted by a liveness probe, and a restarted instance starts the
 * restore over. Alert on {@code millrace.table.restore.remaining} not falling instead.
 *
 * <p>Restore durations are measured from the first health check that saw the partition restoring: a lower bound
 * when the component is checked rarely.
 */
public class StreamsHealthIndicator extends AbstractHealthIndicator {

    private final Supplier<List<StreamView>> streams;

    private final Duration stuckAfter;

    private final Clock clock;

    /** Restores seen by earlier checks, by {@code stream/table/partition}. Guarded by {@code this}. */
    private Map<String, Restore> restores = new HashMap<>();

    /**
     * Creates the indicator.
     * @param manager the streams
     * @param stuckAfter how long the oldest record in flight may wait before its stream counts as stuck, and how
     * long a table partition may restore before it is reported as slow
     */
    public StreamsHealthIndicator(StreamManager manager, Duration stuckAfter) {
        this(manager, stuckAfter, Clock.systemUTC());
    }

    /**
     * Creates the indicator.
     * @param manager the streams
     * @param stuckAfter how long the oldest record in flight may wait before its stream counts as stuck
     * @param clock the application's clock, the one the streams read
     */
    public StreamsHealthIndicator(StreamManager manager, Duration stuckAfter, Clock clock) {
        this(manager::streams, stuckAfter, clock);
    }

    StreamsHealthIndicator(Supplier<List<StreamView>> streams, Duration stuckAfter, Clock clock) {
        super("Streams health check failed");
        this.streams = streams;
        this.stuckAfter = stuckAfter;
        this.clock = clock;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean down = false;
        List<StreamView> streams = this.streams.get();
        Map<String, List<Map<String, Object>>> slowRestores = trackRestores(streams);
        for (StreamView stream : streams) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("state", stream.state());
            if (stream.state() == StreamState.FAILED) {
                down = true;
                details.put("error", stream.error());
            }
            if (stream.state() == StreamState.WAITING_FOR_INPUT) {
                details.put("waitingFor", "input topic '" + stream.input() + "' does not exist or cannot be reached");
            }
            List<Map<String, Object>> stuck = stuckPartitions(stream);
            if (!stuck.isEmpty()) {
                down = true;
                details.put("stuck", stuck);
            }
            details.put("processed", stream.processed());
            details.put("deadLettered", stream.deadLettered());
            details.put("inFlight", stream.inFlight());
            details.put("lag", stream.lag());
            if (!stream.paused().isEmpty()) {
                details.put("paused", stream.paused());
            }
            List<TablePartitionView> restoring = restoring(stream);
            if (!restoring.isEmpty()) {
                details.put("restoring", restoring.stream()
                    .map((table) -> name(table) + " (" + table.remaining() + " remaining)").toList());
            }
            List<Map<String, Object>> slow = slowRestores.get(stream.name());
            if (slow != null) {
                details.put("slowRestores", slow);
            }
            builder.withDetail(stream.name(), details);
        }
        if (down) {
            builder.down();
        }
        else {
            builder.up();
        }
    }

    private List<Map<String, Object>> stuckPartitions(StreamView stream) {
        List<Map<String, Object>> stuck = new ArrayList<>();
        stream.partitions().forEach((partition, view) -> {
            if (view.waitingMillis() > this.stuckAfter.toMillis()) {
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("partition", partition);
                detail.put("offset", view.oldestOffset());
                detail.put("waiting", Duration.ofMillis(view.waitingMillis()).toString());
                stuck.add(detail);
            }
        });
        return stuck;
    }

    /**
     * Notes when each restoring partition was first seen restoring and last made progress; forgets the others.
     * @param streams the streams now
     * @return the restores older than {@code stuckAfter}, by stream
     */
    private synchronized Map<String, List<Map<String, Object>>> trackRestores(List<StreamView> streams) {
        long now = this.clock.millis();
        Map<String, Restore> seen = new HashMap<>();
        Map<String, List<Map<String, Object>>> slow = new HashMap<>();
        for (StreamView stream : streams) {
            for (TablePartitionView table : restoring(stream)) {
                String key = stream.name() + "/" + table.table() + "/" + table.partition();
                Restore restore = this.restores.get(key);
                if (restore == null || restore.restoreStart != table.restoreStart()
                        || table.restored() < restore.restored) {
                    restore = new Restore(now, table.restoreStart(), table.restored(), table.changelogPosition(), now);
                }
                else if (table.restored() > restore.restored || table.changelogPosition() > restore.position) {
                    restore = new Restore(restore.since, restore.restoreStart, table.restored(),
                            table.changelogPosition(), now);
                }
                seen.put(key, restore);
                long restoring = now - restore.since;
                if (restoring > this.stuckAfter.toMillis()) {
                    Map<String, Object> detail = new LinkedHashMap<>();
                    detail.put("partition", name(table));
                    detail.put("restoring", duration(restoring));
                    detail.put("restored", table.restored());
                    detail.put("remaining", table.remaining());
                    detail.put("lastProgress", duration(now - restore.progressed));
                    slow.computeIfAbsent(stream.name(), (name) -> new ArrayList<>()).add(detail);
                }
            }
        }
        this.restores = seen;
        return slow;
    }

    private static List<TablePartitionView> restoring(StreamView stream) {
        return (stream.tables() != null) ? stream.restoring() : List.of();
    }

    private static String name(TablePartitionView table) {
        return table.table() + "-" + table.partition();
    }

    private static String duration(long millis) {
        return Duration.ofMillis(millis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /**
     * A restore as the checks saw it.
     * @param since when a check first saw it
     * @param restoreStart the changelog offset it started from: another one means another restore
     * @param restored records applied, as of the last progress
     * @param position the changelog position, as of the last progress
     * @param progressed when a check last saw it apply records
     */
    private record Restore(long since, long restoreStart, long restored, long position, long progressed) {
    }
}
