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

    /**
     * Whether a joiner waits: most signals come from the producer's I/O thread once per message while nobody
     * waits, and then cost one volatile read instead of a monitor and a {@code notifyAll}. A joiner sets it before it
     * checks its condition, a signaller changes the condition before it reads this, so (both volatile) either the
     * joiner sees the change or the signaller sees the joiner.
     */
    private volatile boolean waiting;

    /** Wakes whoever waits. Any thread. */
    void signal() {
        if (this.waiting) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /**
     * Waits until {@code done} holds, the deadline passes, or a signal comes, whichever is first.
     * @param deadline the joiner's deadline
     * @param done checked under the lock, so a signal between the check and the wait is not lost
     */
    synchronized void await(Deadline deadline, BooleanSupplier done) {
        this.waiting = true;
        try {
            if (done.getAsBoolean()) {
                return;
            }
            Duration left = deadline.remaining();
            long millis = (left != null) ? Math.max(1, Math.min(left.toMillis(), MAX_WAIT_MILLIS)) : MAX_WAIT_MILLIS;
            wait(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        finally {
            this.waiting = false;
        }
    }
}
