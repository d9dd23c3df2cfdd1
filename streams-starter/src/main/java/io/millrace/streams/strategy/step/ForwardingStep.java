package io.millrace.streams.strategy.step;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.MessageRejected;
import io.millrace.streams.strategy.ProcessingStrategy;

/**
 * A synchronous step: turns each message into one message for the next step.
 *
 * <p>A result the next step rejects is carried and offered again on {@link #poll()}, never recomputed: user code
 * runs exactly once per submitted message. While a result is carried, new messages are rejected.
 */
abstract class ForwardingStep<I, O> implements ProcessingStrategy<I> {

    private final ProcessingStrategy<O> next;

    /** A result the next step rejected; it goes before anything else. */
    private Message<O> carried;

    private boolean closed;

    ForwardingStep(ProcessingStrategy<O> next) {
        this.next = next;
    }

    /**
     * Processes one message. Runs on the poll thread; may block only for a processor's retries.
     * @param message the message
     * @return the message for the next step
     */
    abstract Message<O> process(Message<I> message);

    @Override
    public final void submit(Message<I> message) {
        if (this.closed) {
            throw new IllegalStateException("step is closed");
        }
        if (this.carried != null && !forwardCarried()) {
            throw MessageRejected.INSTANCE;
        }
        this.carried = process(message);
        forwardCarried();
    }

    private boolean forwardCarried() {
        try {
            this.next.submit(this.carried);
            this.carried = null;
            return true;
        }
        catch (MessageRejected ex) {
            return false;
        }
    }

    @Override
    public void poll() {
        if (this.carried != null) {
            forwardCarried();
        }
        this.next.poll();
    }

    @Override
    public void close() {
        this.closed = true;
    }

    @Override
    public void join(Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        while (this.carried != null && !deadline.passed()) {
            this.next.poll();
            if (!forwardCarried()) {
                LockSupport.parkNanos(1_000_000);
            }
        }
        this.next.close();
        this.next.join(deadline.remaining());
    }

    @Override
    public void terminate() {
        this.closed = true;
        this.carried = null;
        this.next.terminate();
    }
}
