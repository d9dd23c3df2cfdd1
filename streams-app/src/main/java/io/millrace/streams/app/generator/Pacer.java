package io.millrace.streams.app.generator;

import java.time.Clock;

/**
 * Turns a rate into a number of records due at each tick of a timer, whatever the tick
 * period. After a stall (a send blocked on a missing broker, say) at most one second's worth
 * is due at once; the rest of the backlog is dropped rather than sent in a burst.
 *
 * <p>Not thread-safe: one generator thread calls it.
 */
final class Pacer {

    private final double perMillisecond;

    private final long maxBurst;

    private final Clock clock;

    private long startMillis;

    // What the rate allowed at the last due(); due() hands out the growth since.
    private long granted;

    Pacer(double perSecond, Clock clock) {
        this.perMillisecond = perSecond / 1000;
        this.maxBurst = Math.max(1, (long) Math.ceil(perSecond));
        this.clock = clock;
        start();
    }

    /**
     * Start counting from now, with nothing due.
     */
    void start() {
        this.startMillis = this.clock.millis();
        this.granted = 0;
    }

    /**
     * Return how many records are due since the last call, and count them as granted.
     * @return records to send now, at most one second's worth
     */
    long due() {
        long allowed = (long) ((this.clock.millis() - this.startMillis) * this.perMillisecond);
        long due = Math.min(allowed - this.granted, this.maxBurst);
        // Whatever was not handed out now is a dropped backlog, not a debt.
        this.granted = allowed;
        return due;
    }

}
