package io.millrace.streams.runtime.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import io.millrace.streams.runtime.KafkaClients;
import io.millrace.streams.runtime.PartitionOwners;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.runtime.StreamState;
import io.millrace.streams.runtime.StreamStats;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.table.LocalTables;

/**
 * Runs a re-keyed stream as two {@link StreamRunner}s under the stream's name and settings. Stage 1 reads the input
 * in group {@code <application-id>-<stream>}, runs the input processor and writes each result under its new key to
 * the repartition topic {@code <application-id>-<stream>-repartition}, which it creates. Stage 2 reads that topic in
 * group {@code <application-id>-<stream>-repartition} with the re-keying's processor, the stream's tables and
 * outputs, and deletes what it committed from it. Both dead-letter to the stream's dead-letter topic; under
 * exactly-once each is transactional with ids of its own. Start, stop, pause and resume act on both; the stream's
 * state is the worse of theirs.
 */
final class RekeyedRunner implements Runner {

    /** From best to worst: the stream's state is the later of its stages'. */
    private static final List<StreamState> BEST_TO_WORST = List.of(StreamState.RUNNING, StreamState.PAUSED,
            StreamState.WAITING_FOR_INPUT, StreamState.CREATED, StreamState.STOPPED, StreamState.STOPPING,
            StreamState.FAILED);

    private final StreamDefinition definition;

    private final StreamSettings settings;

    private final StreamRunner first;

    private final StreamRunner second;

    RekeyedRunner(StreamDefinition definition, StreamSettings settings, KafkaClients clients, String applicationId,
            boolean createTopics, Clock clock, StateResources state) {
        this.definition = definition;
        this.settings = settings;
        List<Stages.Stage> stages = Stages.of(definition, settings, applicationId);
        this.first = new StreamRunner(settings, clients, applicationId, createTopics, clock, state, stages.get(0));
        this.second = new StreamRunner(settings, clients, applicationId, createTopics, clock, state, stages.get(1));
    }

    @Override
    public String name() {
        return this.definition.name();
    }

    @Override
    public StreamDefinition definition() {
        return this.definition;
    }

    @Override
    public StreamSettings settings() {
        return this.settings;
    }

    @Override
    public StreamStats stats() {
        return this.second.stats();
    }

    @Override
    public List<StreamStats> stageStats() {
        return List.of(this.first.stats(), this.second.stats());
    }

    @Override
    public StreamState state() {
        return worse(this.first.state(), this.second.state());
    }

    private static StreamState worse(StreamState one, StreamState other) {
        return (BEST_TO_WORST.indexOf(one) >= BEST_TO_WORST.indexOf(other)) ? one : other;
    }

    @Override
    public void start() {
        this.second.start();
        this.first.start();
    }

    @Override
    public void stop() {
        CompletableFuture.allOf(CompletableFuture.runAsync(this.first::stop),
                CompletableFuture.runAsync(this.second::stop)).join();
    }

    @Override
    public LocalTables localTables() {
        return this.second.localTables();
    }

    @Override
    public PartitionOwners owners() {
        return this.second.owners();
    }

    @Override
    public void pause(boolean pause) {
        this.first.pause(pause);
        this.second.pause(pause);
    }

    @Override
    public StreamView view(List<String> fedBy, List<String> feeds) {
        StreamView one = this.first.view(List.of(), List.of());
        StreamView two = this.second.view(fedBy, feeds);
        String processor = this.definition.inputProcessor().getClass().getName();
        List<StreamView.StageView> stages = List.of(this.first.stageView(1, processor),
                this.second.stageView(2, this.definition.rekey().processor().getClass().getName()));
        Map<String, Long> produced = new LinkedHashMap<>(one.produced());
        two.produced().forEach((topic, count) -> produced.merge(topic, count, Long::sum));
        Map<String, StreamView.PartitionView> partitions = new TreeMap<>(one.partitions());
        partitions.putAll(two.partitions());
        List<String> paused = new ArrayList<>(one.paused());
        paused.addAll(two.paused());
        String error = (this.first.error() != null) ? this.first.error() : this.second.error();
        StreamView.TopologyView topology = new StreamView.TopologyView(processor,
                this.definition.inputSchema().type().getSimpleName(), two.topology().outputSchemas(), fedBy, feeds);
        return new StreamView(name(), state(), error, this.definition.input(), this.definition.outputTopics(),
                two.deadLetterTopic(), this.settings.guarantee(), this.settings.concurrency(),
                this.settings.workers().count(), topology, one.consumed(), two.processed(),
                one.filtered() + two.filtered(), one.deadLettered() + two.deadLettered(), produced,
                one.consumedRate(), two.processedRate(), one.inFlight() + two.inFlight(), one.lag() + two.lag(),
                partitions, paused, two.tables(), stages);
    }
}
