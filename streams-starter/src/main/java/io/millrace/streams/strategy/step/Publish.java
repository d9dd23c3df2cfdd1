package io.millrace.streams.strategy.step;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.apache.kafka.clients.producer.ProducerRecord;

import io.millrace.streams.strategy.Delivery;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.MessageRejected;
import io.millrace.streams.strategy.ProcessingStrategy;

/**
 * Hands values to a demand-driven subscriber: never more than it requested, and a value's offset goes on to be
 * committed only once the subscriber acknowledged it (and everything before it). Holds at most {@code bound}
 * values, delivered or not; past that it rejects, and the consumer stops fetching.
 *
 * <p>Unlike a stage that acknowledges on buffering, nothing is committed before the subscriber is done with it, and
 * a value is handed out once per assignment: after a rebalance, only unacknowledged values come again.
 *
 * @param <T> the value type
 */
public final class Publish<T> implements ProcessingStrategy<T> {

    private final AtomicLong demand;

    private final Consumer<Delivery<T>> subscriber;

    private final int bound;

    private final ProcessingStrategy<List<ProducerRecord<byte[], byte[]>>> next;

    /** Held messages in submission order, delivered or not. */
    private final ArrayDeque<Held<T>> held = new ArrayDeque<>();

    /** Held messages not yet delivered, in order. */
    private final ArrayDeque<Held<T>> undelivered = new ArrayDeque<>();

    private boolean closed;

    /**
     * Creates the step.
     * @param demand what the subscriber requested and has not yet received; shared with its subscription
     * @param subscriber receives the deliveries, on the poll thread, one at a time
     * @param bound the most values held
     * @param next the next step: {@code Produce}, which dead-letters invalid messages
     */
    public Publish(AtomicLong demand, Consumer<Delivery<T>> subscriber, int bound,
            ProcessingStrategy<List<ProducerRecord<byte[], byte[]>>> next) {
        this.demand = demand;
        this.subscriber = subscriber;
        this.bound = bound;
        this.next = next;
    }

    @Override
    public void submit(Message<T> message) {
        if (this.closed) {
            throw new IllegalStateException("step is closed");
        }
        if (this.held.size() >= this.bound) {
            throw MessageRejected.INSTANCE;
        }
        Held<T> entry = new Held<>(message);
        this.held.add(entry);
        if (message.hasPayload()) {
            this.undelivered.add(entry);
        }
        deliver();
    }

    private void deliver() {
        Held<T> entry;
        while ((entry = this.undelivered.peek()) != null && this.demand.get() > 0) {
            this.demand.decrementAndGet();
            this.undelivered.poll();
            entry.delivery = new Delivery<>(entry.message.payload(), entry.message.origin());
            this.subscriber.accept(entry.delivery);
        }
    }

    @Override
    public void poll() {
        deliver();
        Held<T> head;
        while ((head = this.held.peek()) != null && head.isDone()) {
            Message<List<ProducerRecord<byte[], byte[]>>> done = head.message.hasPayload()
                    ? head.message.withPayload(List.of()) : head.message.withoutPayload();
            try {
                this.next.submit(done);
            }
            catch (MessageRejected ex) {
                break;
            }
            this.held.poll();
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
        while (!this.held.isEmpty() && !deadline.passed()) {
            poll();
            if (!this.held.isEmpty()) {
                LockSupport.parkNanos(1_000_000);
            }
        }
        this.next.close();
        this.next.join(deadline.remaining());
    }

    @Override
    public void terminate() {
        this.closed = true;
        this.held.clear();
        this.undelivered.clear();
        this.next.terminate();
    }

    /** A held message and, once delivered, its delivery. */
    private static final class Held<T> {

        private final Message<T> message;

        private Delivery<T> delivery;

        Held(Message<T> message) {
            this.message = message;
        }

        boolean isDone() {
            return !this.message.hasPayload() || (this.delivery != null && this.delivery.isAcknowledged());
        }
    }
}
