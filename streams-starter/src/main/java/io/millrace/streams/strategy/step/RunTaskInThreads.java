package io.millrace.streams.strategy.step;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;

import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.MessageRejected;
import io.millrace.streams.strategy.ProcessingStrategy;
import io.millrace.streams.strategy.Task;
import io.millrace.streams.strategy.worker.Ordering;
import io.millrace.streams.strategy.worker.WorkerContext;
import io.millrace.streams.strategy.worker.WorkerPool;

/**
 * Runs a task on a {@link WorkerPool}, many messages at once, and hands the results on in submission order.
 *
 * <p>Messages that must stay in order (same key, or same partition, per {@link Ordering}) run one after the other;
 * all others run in parallel, so parallelism is not bound by the partition count. At most {@code maxInFlight}
 * messages are held (running, waiting for their key, or done but behind an unfinished one); past that,
 * {@link #submit} rejects.
 *
 * @param <I> the payload type in
 * @param <O> the payload type out
 */
public final class RunTaskInThreads<I, O> implements ProcessingStrategy<I> {


    private final Task<I, O> task;

    private final WorkerPool pool;

    private final Ordering ordering;

    private final int maxInFlight;

    private final ProcessingStrategy<O> next;

    /** Every held message in submission order; only the head may be handed on. Poll thread only. */
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();

    /** Per ordering key, the messages waiting behind the running one (the head). Guarded by itself. */
    private final Map<Object, ArrayDeque<Pending>> lanes = new HashMap<>();

    /** Wakes the poll thread, waiting in {@link #join}, when a task finished. */
    private final Signal finished = new Signal();

    private boolean closed;

    private volatile boolean terminated;

    /**
     * Creates the step.
     * @param task the work for each message
     * @param pool the workers
     * @param ordering which messages stay in order
     * @param maxInFlight how many messages the step holds before it rejects: the stream's {@code max-in-flight}
     * @param next the next step
     */
    public RunTaskInThreads(Task<I, O> task, WorkerPool pool, Ordering ordering, int maxInFlight,
            ProcessingStrategy<O> next) {
        this.task = task;
        this.pool = pool;
        this.ordering = ordering;
        this.maxInFlight = maxInFlight;
        this.next = next;
    }

    @Override
    public void submit(Message<I> message) {
        if (this.closed) {
            throw new IllegalStateException("step is closed");
        }
        if (this.pending.size() >= this.maxInFlight) {
            throw MessageRejected.INSTANCE;
        }
        Pending entry = new Pending(message);
        this.pending.add(entry);
        if (!message.hasPayload()) {
            // Nothing to run: it only keeps its place so that offsets stay contiguous.
            entry.complete(message.withoutPayload(), null);
            return;
        }
        Object key = orderingKey(message);
        if (key == null) {
            this.pool.execute(entry);
            return;
        }
        entry.key = key;
        boolean runNow;
        synchronized (this.lanes) {
            ArrayDeque<Pending> lane = this.lanes.get(key);
            runNow = (lane == null);
            if (runNow) {
                lane = new ArrayDeque<>(2);
                this.lanes.put(key, lane);
            }
            lane.add(entry);
        }
        if (runNow) {
            this.pool.execute(entry);
        }
    }

    private Object orderingKey(Message<I> message) {
        ConsumerRecord<byte[], byte[]> origin = message.origin();
        if (this.ordering == Ordering.NONE || origin == null) {
            return null;
        }
        if (this.ordering == Ordering.KEY && origin.key() != null) {
            return ByteBuffer.wrap(origin.key());
        }
        return origin.partition();
    }

    /** On a worker thread: start the next message of the finished one's lane. */
    private void releaseLane(Pending done) {
        if (done.key == null) {
            return;
        }
        Pending successor;
        synchronized (this.lanes) {
            ArrayDeque<Pending> lane = this.lanes.get(done.key);
            if (lane == null) {
                return;
            }
            lane.poll();
            successor = lane.peek();
            if (successor == null) {
                this.lanes.remove(done.key);
            }
        }
        if (successor != null && !this.terminated) {
            this.pool.execute(successor);
        }
    }

    @Override
    public void poll() {
        Pending head;
        while ((head = this.pending.peek()) != null && head.done) {
            if (head.failure != null) {
                throw new KafkaException("task failed for " + head.message, head.failure);
            }
            try {
                this.next.submit(head.result);
            }
            catch (MessageRejected ex) {
                break;
            }
            this.pending.poll();
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
        // An interrupted joiner stops waiting: every wait would return at once and the loop would spin.
        while (!this.pending.isEmpty() && !deadline.passed() && !Thread.currentThread().isInterrupted()) {
            poll();
            Pending head = this.pending.peek();
            if (head != null && head.done) {
                // Done but refused by the next step: give it a moment to drain.
                LockSupport.parkNanos(1_000_000);
            }
            else if (head != null) {
                this.finished.await(deadline, () -> head.done);
            }
        }
        this.next.close();
        this.next.join(deadline.remaining());
    }

    @Override
    public void terminate() {
        this.closed = true;
        this.terminated = true;
        this.pending.clear();
        synchronized (this.lanes) {
            this.lanes.clear();
        }
        this.next.terminate();
    }

    /** One held message. Its result is written by a worker and read by the poll thread after {@link #done}. */
    private final class Pending implements WorkerPool.Job {

        private final Message<I> message;

        private Object key;

        private Message<O> result;

        private Throwable failure;

        private volatile boolean done;

        Pending(Message<I> message) {
            this.message = message;
        }

        @Override
        public void run(WorkerContext context) {
            if (RunTaskInThreads.this.terminated) {
                return;
            }
            complete(RunTaskInThreads.this.task.run(this.message, context), null);
        }

        @Override
        public void failed(Throwable ex) {
            complete(null, ex);
        }

        void complete(Message<O> result, Throwable failure) {
            this.result = result;
            this.failure = failure;
            this.done = true;
            releaseLane(this);
            RunTaskInThreads.this.finished.signal();
        }
    }
}
