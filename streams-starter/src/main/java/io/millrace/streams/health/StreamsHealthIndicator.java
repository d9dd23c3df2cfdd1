package io.millrace.streams.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamState;
import io.millrace.streams.runtime.StreamView;

/**
 * The {@code streams} health component: DOWN when a stream failed, or is stuck (the oldest record in flight on one
 * of its partitions has waited longer than {@code stuckAfter}), with details naming the partition and offset.
 * Streams waiting for their input topic are reported, not DOWN.
 */
public class StreamsHealthIndicator extends AbstractHealthIndicator {

    private final StreamManager manager;

    private final Duration stuckAfter;

    /**
     * Creates the indicator.
     * @param manager the streams
     * @param stuckAfter how long the oldest record in flight may wait before its stream counts as stuck
     */
    public StreamsHealthIndicator(StreamManager manager, Duration stuckAfter) {
        super("Streams health check failed");
        this.manager = manager;
        this.stuckAfter = stuckAfter;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean down = false;
        for (StreamView stream : this.manager.streams()) {
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
}
