package io.millrace.streams.strategy.step;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Lets the poll thread, joining a step, sleep until a worker or the producer's I/O thread finishes something,
 * instead of spinning.
 */
final class Signal {

    /** The longest single wait: the joiner re-checks its own state at least this often. */
    private static final long MAX_WAIT_MILLIS = 100;

    /** Wakes whoever waits. Any thread. */
    synchronized void signal() {
        notifyAll();
    }

    /**
     * Waits until {@code done} holds, the deadline passes, or a signal comes, whichever is first.
     * @param deadline the joiner's deadline
     * @param done checked under the lock, so a signal between the check and the wait is not lost
     */
    synchronized void await(Deadline deadline, BooleanSupplier done) {
        if (done.getAsBoolean()) {
            return;
        }
        Duration left = deadline.remaining();
        long millis = (left != null) ? Math.max(1, Math.min(left.toMillis(), MAX_WAIT_MILLIS)) : MAX_WAIT_MILLIS;
        try {
            wait(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
