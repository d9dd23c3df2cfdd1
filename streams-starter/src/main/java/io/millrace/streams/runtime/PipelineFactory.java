package io.millrace.streams.runtime;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.schema.Schema;
import io.millrace.streams.strategy.Commit;
import io.millrace.streams.strategy.ProcessingStrategy;
import io.millrace.streams.strategy.ProcessingStrategyFactory;
import io.millrace.streams.strategy.step.CommitOffsets;
import io.millrace.streams.strategy.step.Decode;
import io.millrace.streams.strategy.step.DeadLetters;
import io.millrace.streams.strategy.step.Ingest;
import io.millrace.streams.strategy.step.Produce;
import io.millrace.streams.strategy.step.Route;
import io.millrace.streams.strategy.step.WorkerContext;

/**
 * The default pipeline of one consumer client: {@code Decode → Ingest → Route → Produce → CommitOffsets}.
 *
 * <p>One factory lives as long as its consumer client, so the worker's context, and what the input processor's
 * {@code init} put in it, survive reassignments.
 */
final class PipelineFactory implements ProcessingStrategyFactory {

    private final StreamDefinition definition;

    private final StreamSettings settings;

    private final Producer<byte[], byte[]> producer;

    private final DeadLetters deadLetters;

    private final StreamStats stats;

    private final Clock clock;

    private final WorkerContext context;

    PipelineFactory(StreamDefinition definition, StreamSettings settings, Producer<byte[], byte[]> producer,
            DeadLetters deadLetters, StreamStats stats, Clock clock) {
        this.definition = definition;
        this.settings = settings;
        this.producer = producer;
        this.deadLetters = deadLetters;
        this.stats = stats;
        this.clock = clock;
        this.context = new WorkerContext(definition.name(), settings.properties());
        definition.inputProcessor().init(this.context);
    }

    @Override
    @SuppressWarnings({ "unchecked", "rawtypes" })
    public ProcessingStrategy<ConsumerRecord<byte[], byte[]>> createWithPartitions(Commit commit,
            Map<TopicPartition, Long> partitions) {
        CommitOffsets<List<ProducerRecord<byte[], byte[]>>> commitOffsets = new CommitOffsets<>(commit,
                this.settings.commitInterval(), this.settings.commitRecords(), this.clock);
        Produce produce = new Produce(this.producer, this.deadLetters, this.settings.maxInFlight(), this.stats,
                commitOffsets);
        Route route = new Route((List) this.definition.outputs(), this.context, this.settings.retry(), produce);
        Ingest ingest = new Ingest((InputProcessor) this.definition.inputProcessor(), this.context,
                this.settings.retry(), route);
        return new Decode((Schema) this.definition.inputSchema(), ingest);
    }
}
