package io.millrace.streams.strategy.step;

import java.time.Duration;

/**
 * The end of a bounded wait, shared by a step and the steps after it so that {@code join} keeps its bound.
 */
record Deadline(long nanos, boolean unbounded) {

    static Deadline after(Duration timeout) {
        if (timeout == null) {
            return new Deadline(0, true);
        }
        return new Deadline(System.nanoTime() + timeout.toNanos(), false);
    }

    boolean passed() {
        return !this.unbounded && System.nanoTime() - this.nanos >= 0;
    }

    /** The time left, {@code null} when unbounded, never negative. */
    Duration remaining() {
        if (this.unbounded) {
            return null;
        }
        return Duration.ofNanos(Math.max(0, this.nanos - System.nanoTime()));
    }
}
