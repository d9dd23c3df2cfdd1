package io.millrace.streams.strategy.step;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;

import io.millrace.streams.processor.Emitter;
import io.millrace.streams.processor.FlatOutputProcessor;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.schema.Schema;
import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.ProcessingStrategy;
import io.millrace.streams.table.TableWrites;

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
            if (message.isFiltered() && !writes.isEmpty()) {
                // The input processor dropped the record after writing tables: the writes still count.
                String tooLarge = tooLarge(writes, limits);
                if (tooLarge != null) {
                    writes.discard();
                    return message.invalid(new InvalidMessage(InvalidMessage.Reason.OUTPUT_FAILED,
                            new RecordTooLargeException(tooLarge)));
                }
                List<ProducerRecord<byte[], byte[]>> changes = new ArrayList<>(2);
                writes.finish(changes);
                return message.withPayload(changes);
            }
            writes.discard();
            return message.withoutPayload();
        }
        ConsumerRecord<byte[], byte[]> origin = message.origin();
        context.setRecord(origin);
        try {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(outputs.size() + 1);
            for (Output<I, ?> output : outputs) {
                output.emit(message.payload(), origin, context, retry, records);
            }
            String tooLarge = tooLarge(records, writes, limits);
            if (tooLarge != null) {
                writes.discard();
                return message.invalid(new InvalidMessage(InvalidMessage.Reason.OUTPUT_FAILED,
                        new RecordTooLargeException(tooLarge)));
            }
            writes.finish(records);
            return message.withPayload(records);
        }
        catch (RuntimeException ex) {
            writes.discard();
            return message.invalid(new InvalidMessage(InvalidMessage.Reason.OUTPUT_FAILED, ex));
        }
        finally {
            context.setRecord(null);
        }
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

    /**
     * One output of a stream: its topic, schema, processor and partitioner.
     *
     * @param topic the output topic
     * @param schema encodes and validates the output messages
     * @param processor makes the output messages
     * @param partitioner picks the partition of each output record
     * @param <I> the type the input processor returns
     * @param <O> the output message type
     */
    public record Output<I, O>(String topic, Schema<O> schema, FlatOutputProcessor<I, O> processor,
            Partitioner partitioner) {

        /**
         * An output whose records are partitioned by the producer, by key hash.
         * @param topic the output topic
         * @param schema encodes and validates the output messages
         * @param processor makes the output messages
         */
        public Output(String topic, Schema<O> schema, FlatOutputProcessor<I, O> processor) {
            this(topic, schema, processor, Partitioner.hash());
        }

        public Output {
            Objects.requireNonNull(partitioner, "partitioner");
        }

        /**
         * This output with another partitioner.
         * @param partitioner picks the partition of each output record
         * @return a new output
         */
        public Output<I, O> withPartitioner(Partitioner partitioner) {
            return new Output<>(this.topic, this.schema, this.processor, partitioner);
        }

        /**
         * An output from a one-to-one {@link OutputProcessor}.
         * @param topic the output topic
         * @param schema the output schema
         * @param processor the processor
         * @param <I> the type the input processor returns
         * @param <O> the output message type
         * @return the output
         */
        public static <I, O> Output<I, O> of(String topic, Schema<O> schema, OutputProcessor<I, O> processor) {
            return new Output<>(topic, schema, (value, context, emitter) -> {
                if (processor.filter(value)) {
                    O result = processor.transform(value);
                    if (result != null) {
                        emitter.emit(processor.key(value, result), result);
                    }
                }
            });
        }

        void emit(I value, ConsumerRecord<byte[], byte[]> origin, WorkerContext context, RetryPolicy retry,
                List<ProducerRecord<byte[], byte[]>> records) {
            int mark = records.size();
            int writesMark = context.writes().mark();
            retry.call(() -> {
                // A retried attempt starts from scratch: drop what a failed attempt emitted and wrote.
                while (records.size() > mark) {
                    records.remove(records.size() - 1);
                }
                context.writes().rollback(writesMark);
                this.processor.process(value, context, new RecordEmitter(origin, records));
                return null;
            });
        }

        private final class RecordEmitter implements Emitter<O> {

            private final ConsumerRecord<byte[], byte[]> origin;

            private final List<ProducerRecord<byte[], byte[]>> records;

            RecordEmitter(ConsumerRecord<byte[], byte[]> origin, List<ProducerRecord<byte[], byte[]>> records) {
                this.origin = origin;
                this.records = records;
            }

            @Override
            public void emit(byte[] key, O value) {
                byte[] encoded = Output.this.schema.encode(value);
                byte[] recordKey = (key != null) ? key : (this.origin != null) ? this.origin.key() : null;
                Integer partition = Output.this.partitioner.partition(Output.this.topic, recordKey, encoded);
                this.records.add(new ProducerRecord<>(Output.this.topic, partition, null, recordKey, encoded,
                        (this.origin != null) ? this.origin.headers() : null));
            }
        }
    }

    /**
     * Picks the partition of an output record, like the partitioner of a Bruco sink. Called on the worker's
     * thread for every record, so it must be thread-safe and should not block.
     */
    @FunctionalInterface
    public interface Partitioner {

        /**
         * The partition of a record.
         * @param topic the output topic
         * @param key the record key, or {@code null}
         * @param value the encoded value
         * @return the partition, or {@code null} to leave the choice to the producer's partitioner
         */
        Integer partition(String topic, byte[] key, byte[] value);

        /**
         * Leaves the choice to the producer: by a hash of the key (Kafka's default), which keeps the records of a
         * key in one partition; records without a key are spread in sticky batches.
         * @return the partitioner
         */
        static Partitioner hash() {
            return ByKeyHash.INSTANCE;
        }

        /**
         * Sends every record to one partition.
         * @param partition the partition
         * @return the partitioner
         */
        static Partitioner manual(int partition) {
            if (partition < 0) {
                throw new IllegalArgumentException("partition must not be negative: " + partition);
            }
            return (topic, key, value) -> partition;
        }

        /**
         * Sends each record to a partition picked at random, whatever its key.
         * @param partitionCount the output topic's partition count, asked on first use only: partitions are never
         * removed, so a count once true never names a partition that does not exist
         * @return the partitioner
         */
        static Partitioner random(IntSupplier partitionCount) {
            return new AtRandom(partitionCount);
        }
    }

    /** Kafka's own choice. */
    private enum ByKeyHash implements Partitioner {

        INSTANCE;

        @Override
        public Integer partition(String topic, byte[] key, byte[] value) {
            return null;
        }
    }

    /** A uniformly random partition of the count looked up once. */
    private static final class AtRandom implements Partitioner {

        private final IntSupplier partitionCount;

        /** The looked-up count; 0 until the first record, as no topic has no partition. */
        private volatile int count;

        AtRandom(IntSupplier partitionCount) {
            this.partitionCount = partitionCount;
        }

        @Override
        public Integer partition(String topic, byte[] key, byte[] value) {
            int partitions = this.count;
            if (partitions == 0) {
                // Two workers may both look it up at first; they find the same count.
                partitions = this.partitionCount.getAsInt();
                if (partitions <= 0) {
                    throw new IllegalStateException("Topic " + topic + " has no partitions to pick from");
                }
                this.count = partitions;
            }
            return ThreadLocalRandom.current().nextInt(partitions);
        }
    }
}
