package io.millrace.streams.strategy.step;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;

import io.millrace.streams.strategy.DeadLetterLimit;
import io.millrace.streams.strategy.DeadLetterLimitExceeded;
import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.MessageRejected;
import io.millrace.streams.strategy.PipelineListener;
import io.millrace.streams.strategy.ProcessingStrategy;
import io.millrace.streams.strategy.RecordObservation;

/**
 * Sends each message's records, or its original record to the dead-letter topic, and hands the message on once the
 * broker has acknowledged every one of them, in submission order.
 *
 * <p>A record the broker refuses for good (too large, invalid) dead-letters its input record instead. A failure the
 * broker may get over (a timeout, a lost leader) fails the pipeline: nothing after it is committed, and the records
 * are consumed again. A failed dead-letter send also fails the pipeline, so a record is never lost because its dead
 * letter failed.
 *
 * <p>Each record whose fate is final is counted, in order, against the stream's {@link DeadLetterLimit}; the dead
 * letter that reaches it fails the pipeline with {@link DeadLetterLimitExceeded} instead of being handed on.
 *
 * <p>When the pipeline fails here, the messages handed on before the failing one are reported for commit first (the
 * next step is closed and joined): under at-least-once the committed offset of the failing record's partition becomes
 * that record's, so a restart begins with it and repeats nothing before it; under exactly-once the open transaction
 * aborts all the same, back to the last commit.
 */
public final class Produce implements ProcessingStrategy<List<ProducerRecord<byte[], byte[]>>> {

    /** Why the observations of the messages dropped by {@link #terminate()} end. */
    private static final RuntimeException TERMINATED = new IllegalStateException(
            "the pipeline was terminated before the record was finished; it will be consumed again");

    private final Producer<byte[], byte[]> producer;

    private final DeadLetters deadLetters;

    /** The client's count against the dead-letter limit. */
    private final DeadLetterLimit.Tracker limit;

    private final int maxInFlight;

    private final PipelineListener listener;

    private final ProcessingStrategy<List<ProducerRecord<byte[], byte[]>>> next;

    /** Sent messages in submission order; only the head may be handed on. */
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();

    /** Wakes {@link #join}; acknowledgements arrive on the producer's I/O thread. */
    private final Signal acknowledged = new Signal();

    private boolean closed;

    /**
     * Creates the step.
     * @param producer sends the records; shared, never closed here
     * @param deadLetters makes dead-letter records, and counts them against the stream's limit
     * @param maxInFlight how many messages may wait for acknowledgement before {@link MessageRejected}: the
     * stream's {@code max-in-flight}
     * @param listener hears what happened to each record
     * @param next the next step
     */
    public Produce(Producer<byte[], byte[]> producer, DeadLetters deadLetters, int maxInFlight,
            PipelineListener listener, ProcessingStrategy<List<ProducerRecord<byte[], byte[]>>> next) {
        this.producer = producer;
        this.deadLetters = deadLetters;
        this.limit = deadLetters.limit();
        this.maxInFlight = maxInFlight;
        this.listener = listener;
        this.next = next;
    }

    @Override
    public void submit(Message<List<ProducerRecord<byte[], byte[]>>> message) {
        if (this.closed) {
            throw new IllegalStateException("step is closed");
        }
        if (this.pending.size() >= this.maxInFlight) {
            throw MessageRejected.INSTANCE;
        }
        Pending entry = new Pending(message);
        if (message.invalid() != null) {
            entry.sendDeadLetter(message.invalid());
        }
        else if (message.hasPayload()) {
            entry.send(message.payload());
        }
        this.pending.add(entry);
    }

    @Override
    public void poll() {
        Pending head;
        while ((head = this.pending.peek()) != null && head.isDone()) {
            if (head.failure != null) {
                head.recover();
                continue;
            }
            if (!head.counted && this.limit.counts()) {
                head.count();
            }
            try {
                this.next.submit(head.message);
            }
            catch (MessageRejected ex) {
                break;
            }
            this.pending.poll();
            head.report();
        }
        this.next.poll();
    }

    @Override
    public void close() {
        this.closed = true;
    }

    /**
     * Fails the pipeline at the head: commits what was handed on before it, then throws.
     * @param failure why
     * @return never
     */
    private KafkaException fail(KafkaException failure) {
        this.closed = true;
        for (Pending entry : this.pending) {
            entry.abandon(failure);
        }
        try {
            this.next.close();
            this.next.join(Duration.ZERO);
        }
        catch (RuntimeException ex) {
            failure.addSuppressed(ex);
        }
        throw failure;
    }

    @Override
    public void join(Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        // An interrupted joiner stops waiting: every wait would return at once and the loop would spin.
        while (!this.pending.isEmpty() && !deadline.passed() && !Thread.currentThread().isInterrupted()) {
            poll();
            awaitHead(deadline);
        }
        this.next.close();
        this.next.join(deadline.remaining());
    }

    private void awaitHead(Deadline deadline) {
        Pending head = this.pending.peek();
        if (head != null) {
            this.acknowledged.await(deadline, head::isDone);
        }
    }

    @Override
    public void terminate() {
        this.closed = true;
        for (Pending entry : this.pending) {
            entry.abandon(TERMINATED);
        }
        this.pending.clear();
        this.next.terminate();
    }

    private static final AtomicIntegerFieldUpdater<Pending> OUTSTANDING = AtomicIntegerFieldUpdater
        .newUpdater(Pending.class, "outstanding");

    /** One message waiting for the broker's acknowledgements. */
    private final class Pending implements Callback {

        private Message<List<ProducerRecord<byte[], byte[]>>> message;

        /** Sends not yet acknowledged; a field, not an {@code AtomicInteger}: one object and one cache miss less. */
        private volatile int outstanding;

        /** The first failed send; written by the I/O thread before {@link #outstanding} reaches zero. */
        private volatile Exception failure;

        private boolean deadLettering;

        /** Whether the message was counted against the dead-letter limit. */
        private boolean counted;

        Pending(Message<List<ProducerRecord<byte[], byte[]>>> message) {
            this.message = message;
        }

        boolean isDone() {
            return this.outstanding == 0;
        }

        void send(List<ProducerRecord<byte[], byte[]>> records) {
            RecordObservation observation = this.message.observation();
            if (observation != null) {
                observation.sending(records);
            }
            this.outstanding = records.size();
            for (ProducerRecord<byte[], byte[]> record : records) {
                sendOne(record);
            }
        }

        void sendDeadLetter(InvalidMessage invalid) {
            this.deadLettering = true;
            this.failure = null;
            this.outstanding = 1;
            ProducerRecord<byte[], byte[]> deadLetter = Produce.this.deadLetters.record(this.message.origin(), invalid);
            RecordObservation observation = this.message.observation();
            if (observation != null) {
                observation.sending(List.of(deadLetter));
            }
            sendOne(deadLetter);
        }

        private void sendOne(ProducerRecord<byte[], byte[]> record) {
            // A record that wants its own acknowledgement (a changelog write) hears it before the message does.
            Callback callback = (record instanceof Callback own) ? (metadata, ex) -> {
                own.onCompletion(metadata, ex);
                onCompletion(metadata, ex);
            } : this;
            try {
                Produce.this.producer.send(record, callback);
            }
            catch (KafkaException ex) {
                onCompletion(null, ex);
            }
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception != null && this.failure == null) {
                this.failure = exception;
            }
            if (OUTSTANDING.decrementAndGet(this) == 0) {
                Produce.this.acknowledged.signal();
            }
        }

        /**
         * Deals with a failed send on the poll thread: dead-letters the input record instead.
         * @throws KafkaException if the pipeline must fail
         */
        void recover() {
            Exception ex = this.failure;
            if (this.deadLettering) {
                ConsumerRecord<byte[], byte[]> origin = this.message.origin();
                throw fail(new KafkaException("The dead letter of " + origin.topic() + "-" + origin.partition() + "@"
                        + origin.offset() + " could not be written to " + Produce.this.deadLetters.topic() + " ("
                        + ex + "); the stream stops and commits nothing from that record on", ex));
            }
            if (ex instanceof RetriableException || this.message.origin() == null) {
                throw fail(new KafkaException("send failed for " + this.message + "; its offset is not committed",
                        ex));
            }
            InvalidMessage invalid = new InvalidMessage(InvalidMessage.Reason.OUTPUT_FAILED, ex);
            this.message = this.message.invalid(invalid);
            sendDeadLetter(invalid);
        }

        /**
         * Counts the finished message against the dead-letter limit, once.
         * @throws DeadLetterLimitExceeded if its dead letter reaches the limit
         */
        void count() {
            this.counted = true;
            ConsumerRecord<byte[], byte[]> origin = this.message.origin();
            if (origin == null) {
                return;
            }
            InvalidMessage invalid = this.message.invalid();
            if (invalid == null) {
                Produce.this.limit.passed(origin.topic(), origin.partition());
                return;
            }
            try {
                Produce.this.limit.deadLettered(origin, invalid);
            }
            catch (DeadLetterLimitExceeded ex) {
                throw fail(ex);
            }
        }

        void report() {
            PipelineListener listener = Produce.this.listener;
            if (this.message.invalid() != null) {
                listener.onDeadLettered(this.message, this.message.invalid());
            }
            else if (this.message.isFiltered()) {
                listener.onFiltered(this.message);
            }
            else {
                for (ProducerRecord<byte[], byte[]> record : this.message.payload()) {
                    if (!(record instanceof Callback)) {
                        // Changelog writes are table writes, counted by their tables, not outputs.
                        listener.onProduced(record.topic(), 1);
                    }
                }
            }
            listener.onCompleted(this.message);
            RecordObservation observation = this.message.observation();
            if (observation != null) {
                observation.stop(this.message.invalid());
            }
        }

        void abandon(RuntimeException reason) {
            RecordObservation observation = this.message.observation();
            if (observation != null) {
                observation.abandon(reason);
            }
        }
    }
}
