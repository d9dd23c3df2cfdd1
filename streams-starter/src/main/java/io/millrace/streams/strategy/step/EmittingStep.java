package io.millrace.streams.strategy.step;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;

import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.MessageRejected;
import io.millrace.streams.strategy.ProcessingStrategy;

/**
 * A synchronous step that turns each message into any number of messages, or gathers several into one.
 *
 * <p>What the next step rejects waits in a queue and is offered again on {@link #poll()}; while anything waits,
 * new messages are rejected. Work runs once per submitted message.
 */
abstract class EmittingStep<I, O> implements ProcessingStrategy<I> {

    private final ProcessingStrategy<O> next;

    /** Results not yet accepted by the next step, in order. */
    private final ArrayDeque<Message<O>> waiting = new ArrayDeque<>();

    private boolean closed;

    EmittingStep(ProcessingStrategy<O> next) {
        this.next = next;
    }

    /**
     * Takes one message, calling {@link #emit} for each result. Runs on the poll thread.
     * @param message the message
     */
    abstract void accept(Message<I> message);

    /** Called on every poll, for time-based work such as closing a batch. */
    void onPoll() {
    }

    /** Called on join, to emit whatever is gathered. */
    void onJoin() {
    }

    /** Called on terminate, to drop whatever is gathered. */
    void onTerminate() {
    }

    final void emit(Message<O> message) {
        this.waiting.add(message);
    }

    @Override
    public final void submit(Message<I> message) {
        if (this.closed) {
            throw new IllegalStateException("step is closed");
        }
        if (!this.waiting.isEmpty() && !drain()) {
            throw MessageRejected.INSTANCE;
        }
        accept(message);
        drain();
    }

    private boolean drain() {
        Message<O> head;
        while ((head = this.waiting.peek()) != null) {
            try {
                this.next.submit(head);
            }
            catch (MessageRejected ex) {
                return false;
            }
            this.waiting.poll();
        }
        return true;
    }

    @Override
    public void poll() {
        if (this.waiting.isEmpty()) {
            onPoll();
        }
        drain();
        this.next.poll();
    }

    @Override
    public void close() {
        this.closed = true;
    }

    @Override
    public void join(Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        onJoin();
        while (!this.waiting.isEmpty() && !deadline.passed()) {
            this.next.poll();
            if (!drain()) {
                LockSupport.parkNanos(1_000_000);
            }
        }
        this.next.close();
        this.next.join(deadline.remaining());
    }

    @Override
    public void terminate() {
        this.closed = true;
        this.waiting.clear();
        onTerminate();
        this.next.terminate();
    }
}
