package io.millrace.streams.runtime.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.KeySelector;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.runtime.Rekey;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamResources;
import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.schema.Schema;
import io.millrace.streams.strategy.Commit;
import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.ProcessingStrategy;
import io.millrace.streams.strategy.ProcessingStrategyFactory;
import io.millrace.streams.strategy.RecordLimits;
import io.millrace.streams.strategy.RecordSize;
import io.millrace.streams.strategy.step.CommitOffsets;
import io.millrace.streams.strategy.step.Decode;
import io.millrace.streams.strategy.step.Ingest;
import io.millrace.streams.strategy.step.Produce;
import io.millrace.streams.strategy.step.RunTaskInThreads;
import io.millrace.streams.strategy.worker.WorkerContext;
import io.millrace.streams.strategy.worker.WorkerPool;

/**
 * The first stage of a re-keyed stream: {@code Decode → Ingest → Produce → CommitOffsets}, where ingesting runs the
 * stream's input processor and turns its result into one record of the repartition topic: keyed by the
 * {@link KeySelector}, encoded by the re-keying's schema, stamped with the input processor's event time, with the
 * input record's headers. Invalid input and processor failures are dead-lettered as in any stream.
 */
final class Repartitioning implements ProcessingStrategyFactory {

    private final StreamResources resources;

    private final StreamSettings settings;

    private final InputProcessor<Object, List<ProducerRecord<byte[], byte[]>>> processor;

    private final Schema<?> inputSchema;

    private final WorkerContext context;

    private final WorkerPool pool;

    Repartitioning(StreamResources resources, String topic, Rekey<?> rekey, InputProcessor<?, ?> inputProcessor) {
        this.resources = resources;
        this.settings = resources.settings();
        StreamDefinition definition = resources.definition();
        this.inputSchema = definition.inputSchema();
        this.processor = processor(definition.name(), topic, rekey, inputProcessor);
        StreamSettings.Workers workers = this.settings.workers();
        if (workers.count() > 1) {
            this.context = null;
            this.pool = new WorkerPool("millrace-" + definition.name(), workers.count(), workers.virtualThreads(),
                    definition.name(), this.settings.properties(), this.processor::init);
        }
        else {
            this.context = new WorkerContext(definition.name(), this.settings.properties());
            this.pool = null;
            this.processor.init(this.context);
        }
    }

    /**
     * The strategy of a re-keyed stream's first stage.
     * @param topic the repartition topic
     * @param rekey the re-keying
     * @param inputProcessor the stream's input processor
     * @return the strategy
     */
    static io.millrace.streams.runtime.StreamStrategy strategy(String topic, Rekey<?> rekey,
            InputProcessor<?, ?> inputProcessor) {
        return (resources) -> new Repartitioning(resources, topic, rekey, inputProcessor);
    }

    @Override
    @SuppressWarnings({ "unchecked", "rawtypes" })
    public ProcessingStrategy<ConsumerRecord<byte[], byte[]>> createWithPartitions(Commit commit,
            Map<TopicPartition, Long> partitions) {
        CommitOffsets<List<ProducerRecord<byte[], byte[]>>> commitOffsets = new CommitOffsets<>(commit,
                this.settings.commitInterval(), this.settings.commitRecords(), this.resources.clock());
        ProcessingStrategy<List<ProducerRecord<byte[], byte[]>>> produce = new SizeCheck(this.resources.recordLimits(),
                new Produce(this.resources.producer(), this.resources.deadLetters(), this.settings.maxInFlight(),
                        this.resources.listener(), commitOffsets));
        if (this.pool != null) {
            RunTaskInThreads threads = new RunTaskInThreads(Ingest.task(this.processor, this.settings.retry()),
                    this.pool, this.settings.workers().ordering(), this.settings.maxInFlight(), produce);
            return new Decode((Schema) this.inputSchema, threads);
        }
        Ingest ingest = new Ingest(this.processor, this.context, this.settings.retry(), produce);
        return new Decode((Schema) this.inputSchema, ingest);
    }

    @Override
    public void shutdown() {
        if (this.pool != null) {
            this.pool.close();
        }
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static InputProcessor<Object, List<ProducerRecord<byte[], byte[]>>> processor(String stream,
            String topic, Rekey<?> rekey, InputProcessor<?, ?> inputProcessor) {
        return new Rekeying(stream, topic, (KeySelector) rekey.key(), rekey.schema(), inputProcessor);
    }

    /**
     * Dead-letters ({@code OUTPUT_FAILED}) a record larger than the repartition topic takes, before it is sent: a
     * send the broker refuses would fail the transaction under exactly-once.
     */
    private static final class SizeCheck implements ProcessingStrategy<List<ProducerRecord<byte[], byte[]>>> {

        private final RecordLimits limits;

        private final ProcessingStrategy<List<ProducerRecord<byte[], byte[]>>> next;

        SizeCheck(RecordLimits limits, ProcessingStrategy<List<ProducerRecord<byte[], byte[]>>> next) {
            this.limits = limits;
            this.next = next;
        }

        @Override
        public void submit(Message<List<ProducerRecord<byte[], byte[]>>> message) {
            if (message.hasPayload() && !this.limits.unlimited()) {
                for (ProducerRecord<byte[], byte[]> record : message.payload()) {
                    String tooLarge = this.limits.tooLarge("The re-keyed record", record.topic(),
                            RecordSize.upperBound(record));
                    if (tooLarge != null) {
                        this.next.submit(message.invalid(new InvalidMessage(InvalidMessage.Reason.OUTPUT_FAILED,
                                new RecordTooLargeException(tooLarge))));
                        return;
                    }
                }
            }
            this.next.submit(message);
        }

        @Override
        public void poll() {
            this.next.poll();
        }

        @Override
        public void close() {
            this.next.close();
        }

        @Override
        public void join(Duration timeout) {
            this.next.join(timeout);
        }

        @Override
        public void terminate() {
            this.next.terminate();
        }
    }

    /** The stream's input processor, then the new key and the record of the repartition topic. */
    private static final class Rekeying<I, V> implements InputProcessor<I, List<ProducerRecord<byte[], byte[]>>> {

        private final String stream;

        private final String topic;

        private final KeySelector<V> key;

        private final Schema<V> schema;

        private final InputProcessor<I, V> processor;

        Rekeying(String stream, String topic, KeySelector<V> key, Schema<V> schema, InputProcessor<I, V> processor) {
            this.stream = stream;
            this.topic = topic;
            this.key = key;
            this.schema = schema;
            this.processor = processor;
        }

        @Override
        public void init(StreamContext context) {
            this.processor.init(context);
        }

        @Override
        public long eventTime(I value, StreamContext context) {
            return this.processor.eventTime(value, context);
        }

        @Override
        public List<ProducerRecord<byte[], byte[]>> ingest(I value, StreamContext context) {
            long time = this.processor.eventTime(value, context);
            V result = this.processor.ingest(value, context);
            if (result == null) {
                return null;
            }
            String newKey = this.key.key(result);
            if (newKey == null) {
                throw new IllegalStateException("The key selector of stream '" + this.stream
                        + "' returned no key for the record at " + context.topic() + "-" + context.partition() + "@"
                        + context.offset());
            }
            return List.of(new ProducerRecord<>(this.topic, null, time, newKey.getBytes(StandardCharsets.UTF_8),
                    this.schema.encode(result), context.headers()));
        }
    }
}
