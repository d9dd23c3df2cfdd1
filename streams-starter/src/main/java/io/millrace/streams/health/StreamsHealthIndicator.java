package io.millrace.streams.health;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamState;
import io.millrace.streams.runtime.StreamView;

/**
 * The {@code streams} health component: DOWN when a stream failed, with each stream's state and, for a stream
 * waiting for its input topic, which topic.
 */
public class StreamsHealthIndicator extends AbstractHealthIndicator {

    private final StreamManager manager;

    public StreamsHealthIndicator(StreamManager manager) {
        super("Streams health check failed");
        this.manager = manager;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean failed = false;
        for (StreamView stream : this.manager.streams()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("state", stream.state());
            if (stream.state() == StreamState.FAILED) {
                failed = true;
                details.put("error", stream.error());
            }
            if (stream.state() == StreamState.WAITING_FOR_INPUT) {
                details.put("waitingFor", "input topic '" + stream.input() + "' does not exist");
            }
            details.put("processed", stream.processed());
            details.put("deadLettered", stream.deadLettered());
            builder.withDetail(stream.name(), details);
        }
        if (failed) {
            builder.down();
        }
        else {
            builder.up();
        }
    }
}
