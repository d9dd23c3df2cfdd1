package io.millrace.streams.runtime.internal;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import io.millrace.streams.processor.BatchInputProcessor;
import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamResources;
import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.schema.Schema;
import io.millrace.streams.strategy.Commit;
import io.millrace.streams.strategy.ProcessingStrategy;
import io.millrace.streams.strategy.ProcessingStrategyFactory;
import io.millrace.streams.strategy.Task;
import io.millrace.streams.strategy.step.BatchStep;
import io.millrace.streams.strategy.step.CommitOffsets;
import io.millrace.streams.strategy.step.Decode;
import io.millrace.streams.strategy.step.Ingest;
import io.millrace.streams.strategy.step.IngestBatch;
import io.millrace.streams.strategy.step.Produce;
import io.millrace.streams.strategy.step.Route;
import io.millrace.streams.strategy.step.RunTaskInThreads;
import io.millrace.streams.strategy.step.UnbatchStep;
import io.millrace.streams.strategy.worker.WorkerContext;
import io.millrace.streams.strategy.worker.WorkerPool;

/**
 * The default pipeline of one consumer client: {@code Decode → Ingest → Route → Produce → CommitOffsets}.
 *
 * <p>One factory lives as long as its consumer client, so the worker's context, and what the input processor's
 * {@code init} put in it, survive reassignments.
 */
public final class PipelineFactory implements ProcessingStrategyFactory {

    private final StreamResources resources;

    private final StreamDefinition definition;

    private final StreamSettings settings;

    /** The poll thread's worker, when there is one worker. */
    private final WorkerContext context;

    /** The workers, when there are several. */
    private final WorkerPool pool;

    PipelineFactory(StreamResources resources) {
        this.resources = resources;
        this.definition = resources.definition();
        this.settings = resources.settings();
        StreamDefinition definition = this.definition;
        StreamSettings settings = this.settings;
        StreamSettings.Workers workers = settings.workers();
        if (workers.count() > 1) {
            this.context = null;
            this.pool = new WorkerPool("millrace-" + definition.name(), workers.count(), workers.virtualThreads(),
                    definition.name(), settings.properties(), resources.tables(), definition.inputProcessor()::init);
        }
        else {
            this.context = new WorkerContext(definition.name(), settings.properties(), resources.tables());
            this.pool = null;
            definition.inputProcessor().init(this.context);
        }
    }

    @Override
    @SuppressWarnings({ "unchecked", "rawtypes" })
    public ProcessingStrategy<ConsumerRecord<byte[], byte[]>> createWithPartitions(Commit commit,
            Map<TopicPartition, Long> partitions) {
        CommitOffsets<List<ProducerRecord<byte[], byte[]>>> commitOffsets = new CommitOffsets<>(commit,
                this.settings.commitInterval(), this.settings.commitRecords(), this.resources.clock());
        Produce produce = new Produce(this.resources.producer(), this.resources.deadLetters(),
                this.settings.maxInFlight(), this.resources.listener(), commitOffsets);
        InputProcessor processor = this.definition.inputProcessor();
        List outputs = this.definition.outputs();
        if (processor instanceof BatchInputProcessor batchProcessor && this.pool == null) {
            Route route = new Route(outputs, this.context, this.settings.retry(), this.resources.recordLimits(),
                    produce);
            UnbatchStep unbatch = new UnbatchStep(route);
            IngestBatch ingest = new IngestBatch(batchProcessor, this.context, this.settings.retry(), unbatch);
            StreamSettings.Batch batch = this.settings.batch();
            BatchStep batching = new BatchStep(batch.size(), batch.time(), this.resources.clock(), ingest);
            return new Decode((Schema) this.definition.inputSchema(), batching);
        }
        if (this.pool != null) {
            Task work = Ingest.task(processor, this.settings.retry()).andThen(Route.task(outputs,
                    this.settings.retry(), this.resources.recordLimits()));
            RunTaskInThreads threads = new RunTaskInThreads(work, this.pool, this.settings.workers().ordering(),
                    this.settings.maxInFlight(), produce);
            return new Decode((Schema) this.definition.inputSchema(), threads);
        }
        Route route = new Route(outputs, this.context, this.settings.retry(), this.resources.recordLimits(),
                produce);
        Ingest ingest = new Ingest(processor, this.context, this.settings.retry(), route);
        return new Decode((Schema) this.definition.inputSchema(), ingest);
    }

    @Override
    public void shutdown() {
        if (this.pool != null) {
            this.pool.close();
        }
    }
}
