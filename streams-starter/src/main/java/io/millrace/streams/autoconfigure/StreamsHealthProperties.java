package io.millrace.streams.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the {@code streams} health component: {@code millrace.health.*}.
 */
@ConfigurationProperties("millrace.health")
public class StreamsHealthProperties {

    /**
     * How long the oldest record in flight on a partition may wait before its stream is reported stuck (DOWN).
     */
    private Duration stuckAfter = Duration.ofMinutes(2);

    public Duration getStuckAfter() {
        return this.stuckAfter;
    }

    public void setStuckAfter(Duration stuckAfter) {
        this.stuckAfter = stuckAfter;
    }
}
