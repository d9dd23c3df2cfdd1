package io.millrace.streams.strategy.step;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.MessageRejected;
import io.millrace.streams.strategy.ProcessingStrategy;

/**
 * A next step that records what it is given and rejects submissions while told to.
 *
 * @param <T> the payload type
 */
final class RecordingStep<T> implements ProcessingStrategy<T> {

    /** Accepted messages, in the order they arrived. */
    final List<Message<T>> submitted = new CopyOnWriteArrayList<>();

    /** Every call but {@code submit}, in order: {@code poll}, {@code close}, {@code join}, {@code terminate}. */
    final List<String> calls = new CopyOnWriteArrayList<>();

    /** Submissions refused with {@link MessageRejected}. */
    volatile int rejected;

    volatile Duration joinTimeout;

    private volatile boolean rejecting;

    /** Submissions still to reject before accepting again. */
    private volatile int toReject;

    /**
     * Makes every following submission fail with {@link MessageRejected}, or accepts again.
     * @param rejecting whether to reject
     */
    void rejecting(boolean rejecting) {
        this.rejecting = rejecting;
    }

    /**
     * Rejects the next submissions, then accepts again.
     * @param submissions how many to reject
     */
    void rejectNext(int submissions) {
        this.toReject = submissions;
    }

    List<T> payloads() {
        return this.submitted.stream().map(Message::payload).toList();
    }

    @Override
    public void submit(Message<T> message) {
        if (this.rejecting || this.toReject > 0) {
            this.toReject--;
            this.rejected++;
            throw MessageRejected.INSTANCE;
        }
        this.submitted.add(message);
    }

    @Override
    public void poll() {
        this.calls.add("poll");
    }

    @Override
    public void close() {
        this.calls.add("close");
    }

    @Override
    public void join(Duration timeout) {
        this.joinTimeout = timeout;
        this.calls.add("join");
    }

    @Override
    public void terminate() {
        this.calls.add("terminate");
    }
}
