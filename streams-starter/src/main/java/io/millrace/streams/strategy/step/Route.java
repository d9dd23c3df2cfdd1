package io.millrace.streams.strategy.step;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;

import io.millrace.streams.processor.Emitter;
import io.millrace.streams.processor.Output;
import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.ProcessingStrategy;
import io.millrace.streams.strategy.RecordLimits;
import io.millrace.streams.strategy.RecordSize;
import io.millrace.streams.strategy.RetryPolicy;
import io.millrace.streams.strategy.Task;
import io.millrace.streams.strategy.worker.WorkerContext;
import io.millrace.streams.table.TableWrites;
import io.millrace.streams.table.WindowClosing;

/**
 * Runs every output processor on each message and encodes what they emit into records for their topics.
 *
 * <p>All or nothing: if an output processor fails after its retries, or an output fails its schema, the input
 * record is dead-lettered and none of its outputs is sent, so a replay never produces half of a record. The same
 * goes for an output or table write larger than its topic takes (the producer's {@code max.request.size}, or the
 * topic's {@code max.message.bytes} if smaller; see {@link RecordLimits}): its table writes are dropped with it.
 *
 * @param <I> the type the input processor returns
 */
public final class Route<I> extends ForwardingStep<I, List<ProducerRecord<byte[], byte[]>>> {

    private final List<Output<I, ?>> outputs;

    private final WorkerContext context;

    private final RetryPolicy retry;

    private final RecordLimits limits;

    /**
     * Creates the step, without a record size limit.
     * @param outputs the stream's outputs
     * @param context the worker's context
     * @param retry how processor failures are retried
     * @param next the next step
     */
    public Route(List<Output<I, ?>> outputs, WorkerContext context, RetryPolicy retry,
            ProcessingStrategy<List<ProducerRecord<byte[], byte[]>>> next) {
        this(outputs, context, retry, RecordLimits.UNLIMITED, next);
    }

    /**
     * Creates the step.
     * @param outputs the stream's outputs
     * @param context the worker's context
     * @param retry how processor failures are retried
     * @param maxRecordSize the producer's {@code max.request.size}: a larger record dead-letters its input
     * @param next the next step
     */
    public Route(List<Output<I, ?>> outputs, WorkerContext context, RetryPolicy retry, int maxRecordSize,
            ProcessingStrategy<List<ProducerRecord<byte[], byte[]>>> next) {
        this(outputs, context, retry, RecordLimits.of(maxRecordSize), next);
    }

    /**
     * Creates the step.
     * @param outputs the stream's outputs
     * @param context the worker's context
     * @param retry how processor failures are retried
     * @param limits the largest record each topic takes: a larger record dead-letters its input
     * @param next the next step
     */
    public Route(List<Output<I, ?>> outputs, WorkerContext context, RetryPolicy retry, RecordLimits limits,
            ProcessingStrategy<List<ProducerRecord<byte[], byte[]>>> next) {
        super(next);
        this.outputs = List.copyOf(outputs);
        this.context = context;
        this.retry = retry;
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    @Override
    Message<List<ProducerRecord<byte[], byte[]>>> process(Message<I> message) {
        return run(this.outputs, this.retry, this.limits, message, this.context);
    }

    /**
     * The outputs as a task for {@link RunTaskInThreads}.
     * @param outputs the stream's outputs
     * @param retry how processor failures are retried
     * @param <I> the type the input processor returns
     * @return the task
     */
    public static <I> Task<I, List<ProducerRecord<byte[], byte[]>>> task(List<Output<I, ?>> outputs,
            RetryPolicy retry) {
        return task(outputs, retry, RecordLimits.UNLIMITED);
    }

    /**
     * The outputs as a task for {@link RunTaskInThreads}, with a record size limit.
     * @param outputs the stream's outputs
     * @param retry how processor failures are retried
     * @param maxRecordSize the producer's {@code max.request.size}: a larger record dead-letters its input
     * @param <I> the type the input processor returns
     * @return the task
     */
    public static <I> Task<I, List<ProducerRecord<byte[], byte[]>>> task(List<Output<I, ?>> outputs,
            RetryPolicy retry, int maxRecordSize) {
        return task(outputs, retry, RecordLimits.of(maxRecordSize));
    }

    /**
     * The outputs as a task for {@link RunTaskInThreads}, with the largest record each topic takes.
     * @param outputs the stream's outputs
     * @param retry how processor failures are retried
     * @param limits the largest record each topic takes: a larger record dead-letters its input
     * @param <I> the type the input processor returns
     * @return the task
     */
    public static <I> Task<I, List<ProducerRecord<byte[], byte[]>>> task(List<Output<I, ?>> outputs,
            RetryPolicy retry, RecordLimits limits) {
        List<Output<I, ?>> copy = List.copyOf(outputs);
        Objects.requireNonNull(limits, "limits");
        return (message, context) -> run(copy, retry, limits, message, context);
    }

    private static <I> Message<List<ProducerRecord<byte[], byte[]>>> run(List<Output<I, ?>> outputs,
            RetryPolicy retry, RecordLimits limits, Message<I> message, WorkerContext context) {
        TableWrites writes = context.writes();
        if (!message.hasPayload()) {
            if (message.isFiltered() && context.windowed()) {
                return closeWindows(outputs, retry, limits, message, context, new ArrayList<>(2));
            }
            if (message.isFiltered() && !writes.isEmpty()) {
                // The input processor dropped the record after writing tables: the writes still count.
                return finish(message, new ArrayList<>(2), writes, limits);
            }
            writes.discard();
            return message.withoutPayload();
        }
        ConsumerRecord<byte[], byte[]> origin = message.origin();
        context.setRecord(origin);
        try {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(outputs.size() + 1);
            for (Output<I, ?> output : outputs) {
                if (output.closedWindowsOf() == null) {
                    emit(output, message.payload(), origin, context, retry, records);
                }
            }
            if (context.windowed()) {
                closed(outputs, retry, origin, context, records);
            }
            return finish(message, records, writes, limits);
        }
        catch (RuntimeException ex) {
            writes.discard();
            return message.invalid(new InvalidMessage(InvalidMessage.Reason.OUTPUT_FAILED, ex));
        }
        finally {
            context.setRecord(null);
        }
    }

    /** A record the input processor filtered moves the stream time all the same, and may close windows. */
    private static <I, M> Message<List<ProducerRecord<byte[], byte[]>>> closeWindows(List<Output<I, ?>> outputs,
            RetryPolicy retry, RecordLimits limits, Message<M> message, WorkerContext context,
            List<ProducerRecord<byte[], byte[]>> records) {
        TableWrites writes = context.writes();
        ConsumerRecord<byte[], byte[]> origin = message.origin();
        context.setRecord(origin);
        try {
            closed(outputs, retry, origin, context, records);
            Message<List<ProducerRecord<byte[], byte[]>>> finished = finish(message, records, writes, limits);
            return (finished.hasPayload() && records.isEmpty()) ? message.withoutPayload() : finished;
        }
        catch (RuntimeException ex) {
            writes.discard();
            return message.invalid(new InvalidMessage(InvalidMessage.Reason.OUTPUT_FAILED, ex));
        }
        finally {
            context.setRecord(null);
        }
    }

    /**
     * The record is finished unless one of its outputs or table writes is larger than its topic takes: then it is
     * dead-lettered and its writes are dropped.
     */
    private static <M> Message<List<ProducerRecord<byte[], byte[]>>> finish(Message<M> message,
            List<ProducerRecord<byte[], byte[]>> records, TableWrites writes, RecordLimits limits) {
        String tooLarge = tooLarge(records, writes, limits);
        if (tooLarge != null) {
            writes.discard();
            return message.invalid(new InvalidMessage(InvalidMessage.Reason.OUTPUT_FAILED,
                    new RecordTooLargeException(tooLarge)));
        }
        writes.finish(records);
        return message.withPayload(records);
    }

    /** Moves the stream time of windowed tables and routes the windows that closed to their outputs. */
    private static <I> void closed(List<Output<I, ?>> outputs, RetryPolicy retry,
            ConsumerRecord<byte[], byte[]> origin, WorkerContext context,
            List<ProducerRecord<byte[], byte[]>> records) {
        WindowClosing.close(context.tables(), origin.partition(), context.eventTime(), context.writes(),
                toOutputs(outputs, retry, origin, context, records));
    }

    /**
     * Hands each closed window to the outputs that take its table's closed windows.
     * @param origin the record that closed it, {@code null} for a quiet partition's closing
     */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static <I> WindowClosing.ClosedWindows toOutputs(List<Output<I, ?>> outputs, RetryPolicy retry,
            ConsumerRecord<byte[], byte[]> origin, WorkerContext context,
            List<ProducerRecord<byte[], byte[]>> records) {
        return (table, window, key) -> {
            for (Output<I, ?> output : outputs) {
                if (table.name().equals(output.closedWindowsOf())) {
                    emit((Output) output, window, key, origin, context, retry, records);
                }
            }
        };
    }

    /**
     * Closes the windows of a quiet partition ({@link io.millrace.streams.table.Windows#idleAfter()}) on the poll
     * thread, between records: moves the stream time of its windowed tables to the clock's time and routes the
     * windows that closes to their outputs, like a record's closing but with no record in hand (the emitted records
     * are keyed by the window's key and carry no headers). All or nothing: if an output of closed windows fails
     * after its retries, or a record is larger than its topic takes, nothing is written and the times stay.
     * @param outputs the stream's outputs
     * @param retry how processor failures are retried
     * @param limits the largest record each topic takes
     * @param context a context of the poll thread, no record in hand
     * @param partition the quiet partition: active, nothing of it in flight
     * @param now the clock's time
     * @param idleMillis how long the partition has had no record
     * @param <I> the type the input processor returns
     * @return the results and changelog writes to send, empty if no window closed
     * @throws RuntimeException if an output failed or a record is too large; nothing was written
     */
    public static <I> List<ProducerRecord<byte[], byte[]>> closeIdle(List<Output<I, ?>> outputs, RetryPolicy retry,
            RecordLimits limits, WorkerContext context, int partition, long now, long idleMillis) {
        TableWrites writes = context.writes();
        context.setRecord(null);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(2);
        try {
            closedIdle(outputs, retry, partition, now, idleMillis, context, records);
            String tooLarge = tooLarge(records, writes, limits);
            if (tooLarge != null) {
                throw new RecordTooLargeException(tooLarge);
            }
            writes.finish(records);
            return records;
        }
        catch (RuntimeException ex) {
            writes.discard();
            throw ex;
        }
    }

    private static <I> void closedIdle(List<Output<I, ?>> outputs, RetryPolicy retry, int partition, long now,
            long idleMillis, WorkerContext context, List<ProducerRecord<byte[], byte[]>> records) {
        WindowClosing.closeIdle(context.tables(), partition, now, idleMillis, context.writes(),
                toOutputs(outputs, retry, null, context, records));
    }

    private static String tooLarge(List<ProducerRecord<byte[], byte[]>> records, TableWrites writes,
            RecordLimits limits) {
        if (limits.unlimited()) {
            return null;
        }
        for (ProducerRecord<byte[], byte[]> record : records) {
            int size = RecordSize.upperBound(record);
            if (size > limits.applyAsInt(record.topic())) {
                return limits.tooLarge("The output record", record.topic(), size);
            }
        }
        return tooLarge(writes, limits);
    }

    private static String tooLarge(TableWrites writes, RecordLimits limits) {
        if (limits.unlimited() || writes.isEmpty()) {
            return null;
        }
        return writes.tooLarge((table, topic, size) -> (size <= limits.applyAsInt(topic)) ? null
                : limits.tooLarge("The changelog record of table '" + table + "'", topic, size));
    }

    private static <I, O> void emit(Output<I, O> output, I value, ConsumerRecord<byte[], byte[]> origin,
            WorkerContext context, RetryPolicy retry, List<ProducerRecord<byte[], byte[]>> records) {
        emit(output, value, null, origin, context, retry, records);
    }

    private static <I, O> void emit(Output<I, O> output, I value, byte[] defaultKey,
            ConsumerRecord<byte[], byte[]> origin, WorkerContext context, RetryPolicy retry,
            List<ProducerRecord<byte[], byte[]>> records) {
        int mark = records.size();
        int writesMark = context.writes().mark();
        retry.call(() -> {
            // A retried attempt starts from scratch: drop what a failed attempt emitted and wrote.
            while (records.size() > mark) {
                records.remove(records.size() - 1);
            }
            context.writes().rollback(writesMark);
            output.processor().process(value, context, new RecordEmitter<>(output, origin, defaultKey, records));
            return null;
        });
    }

    private static final class RecordEmitter<O> implements Emitter<O> {

        private final Output<?, O> output;

        private final ConsumerRecord<byte[], byte[]> origin;

        private final byte[] defaultKey;

        private final List<ProducerRecord<byte[], byte[]>> records;

        RecordEmitter(Output<?, O> output, ConsumerRecord<byte[], byte[]> origin, byte[] defaultKey,
                List<ProducerRecord<byte[], byte[]>> records) {
            this.output = output;
            this.origin = origin;
            this.defaultKey = defaultKey;
            this.records = records;
        }

        @Override
        public void emit(byte[] key, O value) {
            byte[] encoded = this.output.schema().encode(value);
            byte[] recordKey = (key != null) ? key : (this.defaultKey != null) ? this.defaultKey
                    : (this.origin != null) ? this.origin.key() : null;
            Integer partition = this.output.partitioner().partition(this.output.topic(), recordKey, encoded);
            this.records.add(new ProducerRecord<>(this.output.topic(), partition, null, recordKey, encoded,
                    (this.origin != null) ? this.origin.headers() : null));
        }
    }
}
