package io.millrace.streams.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The driver's wall clock: the clock its streams read (commit intervals, batch times, checkpoints), which only
 * moves when the test moves it, or when a retry backs off: a backoff advances this clock instead of sleeping.
 */
public final class TestClock extends Clock {

    private long millis;

    /**
     * A clock at an instant.
     * @param start where it starts
     */
    public TestClock(Instant start) {
        this.millis = start.toEpochMilli();
    }

    /**
     * Moves the clock forward.
     * @param duration how far, not negative
     */
    public synchronized void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("the clock does not go back: " + duration);
        }
        this.millis += duration.toMillis();
    }

    @Override
    public synchronized long millis() {
        return this.millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the driver's clock is in UTC");
    }
}
