package io.millrace.streams.runtime.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.runtime.KafkaClients;
import io.millrace.streams.runtime.PartitionOwners;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.runtime.StreamState;
import io.millrace.streams.runtime.StreamStats;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.table.LocalTables;
import io.millrace.streams.table.TablePartitionView;
import io.millrace.streams.table.internal.TableManager;

/**
 * Runs one stream: its lifecycle ({@link StreamState}), with {@link TopicProvisioner} to wait for and create its
 * topics and {@link StreamClients} to wire {@code concurrency} consumer loops, each on its own thread.
 */
public final class StreamRunner implements ConsumerLoop.LoopListener, Runner {

    private static final Logger logger = LoggerFactory.getLogger(StreamRunner.class);

    private final StreamDefinition definition;

    private final StreamSettings settings;

    private final TopicProvisioner topics;

    private final StreamClients clients;

    private final Clock clock;

    private final String deadLetterTopic;

    /** Deletes what this stage committed from the repartition topic it reads, or {@code null}. */
    private final RepartitionPurger purger;

    /** The stream's tables while it runs, {@code null} without tables or when stopped. */
    private volatile TableManager tables;

    /** Who owns which partition, as the group's last assignment said (queries on). */
    private volatile PartitionOwners owners = PartitionOwners.UNKNOWN;

    /** How many partitions the input topic has, {@code 0} until it was found. */
    private volatile int inputPartitions;

    private final StreamStats stats = new StreamStats();

    /** Committed offset per partition, as last acknowledged by the broker. */
    private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();

    private final List<ConsumerLoop> loops = new ArrayList<>();

    private final List<Thread> threads = new ArrayList<>();

    /** Released when stopping, to end the wait for the input topic at once. */
    private volatile CountDownLatch stopping = new CountDownLatch(1);

    private volatile StreamState state = StreamState.CREATED;

    private volatile String error;

    private volatile boolean pauseRequested;

    /**
     * Creates the runner of a stream.
     * @param definition the stream
     * @param settings its settings
     * @param clients makes the Kafka clients and topics
     * @param applicationId prefix of its consumer group and changelog topics
     * @param createTopics whether to create missing output, dead-letter and changelog topics
     * @param clock where the stream reads the time
     * @param state the application's state directory and RocksDB memory
     */
    public StreamRunner(StreamDefinition definition, StreamSettings settings, KafkaClients clients,
            String applicationId, boolean createTopics, Clock clock, StateResources state) {
        this(settings, clients, applicationId, createTopics, clock, state,
                new Stages.Stage(definition, StreamClients.groupId(applicationId, definition.name()),
                        settings.deadLetterTopicFor(definition.input()), null, 0, false));
    }

    /**
     * Creates the runner of one stage of a stream.
     * @param settings the stream's settings
     * @param clients makes the Kafka clients and topics
     * @param applicationId prefix of changelog topics
     * @param createTopics whether to create missing output, dead-letter and changelog topics
     * @param clock where the stream reads the time
     * @param state the application's state directory and RocksDB memory
     * @param stage the stage: what it runs, its group, dead-letter topic and repartition topic
     */
    StreamRunner(StreamSettings settings, KafkaClients clients, String applicationId, boolean createTopics,
            Clock clock, StateResources state, Stages.Stage stage) {
        StreamDefinition definition = stage.definition();
        this.definition = definition;
        this.settings = settings;
        this.deadLetterTopic = stage.deadLetterTopic();
        this.topics = new TopicProvisioner(definition, clients, applicationId, stage.deadLetterTopic(), createTopics,
                stage.writes(), stage.partitions());
        this.clients = new StreamClients(definition, settings, clients, applicationId, stage.groupId(), state, clock);
        this.clock = clock;
        this.purger = stage.purges() ? new RepartitionPurger(definition.name(), definition.input(), clients, clock)
                : null;
    }

    /**
     * The stage's consumer group.
     * @return the group id
     */
    String groupId() {
        return this.clients.groupId();
    }

    String error() {
        return this.error;
    }

    public String name() {
        return this.definition.name();
    }

    public StreamDefinition definition() {
        return this.definition;
    }

    public StreamSettings settings() {
        return this.settings;
    }

    public StreamStats stats() {
        return this.stats;
    }

    @Override
    public List<StreamStats> stageStats() {
        return List.of(this.stats);
    }

    public StreamState state() {
        return this.state;
    }

    /** Starts the stream on a thread of its own; returns at once. */
    public synchronized void start() {
        if (this.state == StreamState.STOPPED || this.state == StreamState.FAILED) {
            moveTo(StreamState.CREATED);
            this.stopping = new CountDownLatch(1);
            this.error = null;
        }
        // The starter keeps the latch of its own run: a restart replaces the field, and must not revive this run.
        CountDownLatch stopped = this.stopping;
        Thread starter = new Thread(() -> provisionAndRun(stopped), "millrace-" + name() + "-start");
        starter.setDaemon(true);
        starter.start();
    }

    private void provisionAndRun(CountDownLatch stopped) {
        try {
            OptionalInt partitions = this.topics.awaitInput(stopped, this::waitingForInput);
            if (partitions.isEmpty() || !this.topics.provision(partitions.getAsInt(), stopped)) {
                return;
            }
            this.inputPartitions = partitions.getAsInt();
            startLoops(stopped);
        }
        catch (RuntimeException ex) {
            if (stopped.getCount() > 0) {
                logger.error("Stream '{}' failed to start", name(), ex);
                fail(ex);
            }
        }
    }

    private synchronized void waitingForInput() {
        if (this.state == StreamState.CREATED && this.stopping.getCount() > 0) {
            moveTo(StreamState.WAITING_FOR_INPUT);
        }
    }

    private synchronized void startLoops(CountDownLatch stopped) {
        if (stopped.getCount() == 0) {
            return;
        }
        List<Runnable> undo = new ArrayList<>();
        try {
            TableManager tables = this.clients.tables();
            if (tables != null) {
                undo.add(tables::close);
            }
            this.tables = tables;
            StreamClients.Shared shared = new StreamClients.Shared(tables,
                    new DeadLetters(deadLetterTopic(), name(), this.clients.groupId(),
                            this.settings.deadLetterLimit()),
                    this.topics.recordLimits(this.settings.producer()), this.stats, this::ownersAssigned);
            for (int i = 0; i < this.settings.concurrency(); i++) {
                ConsumerLoop loop = this.clients.loop(i, shared, this, undo);
                loop.requestPause(this.pauseRequested);
                this.loops.add(loop);
                this.threads.add(new Thread(loop, this.clients.clientId(i, tables)));
            }
        }
        catch (RuntimeException ex) {
            // Clients made before the failure belong to no loop yet: close them here.
            for (int i = undo.size() - 1; i >= 0; i--) {
                try {
                    undo.get(i).run();
                }
                catch (RuntimeException closing) {
                    ex.addSuppressed(closing);
                }
            }
            this.loops.clear();
            this.threads.clear();
            this.tables = null;
            throw ex;
        }
        moveTo(StreamState.RUNNING);
        if (this.pauseRequested) {
            moveTo(StreamState.PAUSED);
        }
        this.threads.forEach(Thread::start);
        logger.info("Stream '{}' started: {} -> {} ({} consumer client(s), group {})", name(),
                this.definition.input(), this.definition.outputTopics(), this.settings.concurrency(),
                this.clients.groupId());
    }

    /**
     * Stops the stream: every loop finishes its in-flight work, commits and leaves the group. Blocks up to the
     * shutdown timeout and a little more.
     */
    public void stop() {
        List<Thread> running;
        synchronized (this) {
            this.stopping.countDown();
            if (this.state != StreamState.FAILED && this.state.canMoveTo(StreamState.STOPPING)) {
                moveTo(StreamState.STOPPING);
            }
            this.loops.forEach(ConsumerLoop::stop);
            running = List.copyOf(this.threads);
        }
        long deadline = System.nanoTime() + this.settings.shutdownTimeout().plusSeconds(5).toNanos();
        for (Thread thread : running) {
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        TableManager tables = this.tables;
        if (tables != null) {
            this.tables = null;
            tables.close();
        }
        this.owners = PartitionOwners.UNKNOWN;
        if (this.purger != null) {
            this.purger.flush();
        }
        synchronized (this) {
            this.loops.clear();
            this.threads.clear();
            if (this.state == StreamState.STOPPING) {
                moveTo(StreamState.STOPPED);
            }
        }
    }

    public synchronized void pause(boolean pause) {
        this.pauseRequested = pause;
        this.loops.forEach((loop) -> loop.requestPause(pause));
        if (pause && this.state == StreamState.RUNNING) {
            moveTo(StreamState.PAUSED);
        }
        else if (!pause && this.state == StreamState.PAUSED) {
            moveTo(StreamState.RUNNING);
        }
    }

    @Override
    public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> this.committed.put(partition, offset.offset()));
        if (this.purger != null) {
            this.purger.committed(offsets);
        }
    }

    @Override
    public void failed(ConsumerLoop loop, Throwable ex) {
        logger.error("Stream '{}' failed, its other consumer clients stop too: {}", name(), ex.toString(), ex);
        fail(ex);
        // Stopping the siblings from this loop's thread would wait for ourselves: let them stop on their own.
        synchronized (this) {
            this.loops.stream().filter((other) -> other != loop).forEach(ConsumerLoop::stop);
        }
    }

    private synchronized void fail(Throwable ex) {
        this.error = ex.toString();
        if (this.state.canMoveTo(StreamState.FAILED)) {
            moveTo(StreamState.FAILED);
        }
    }

    private void moveTo(StreamState target) {
        if (!this.state.canMoveTo(target)) {
            throw new IllegalStateException("Stream '" + name() + "' cannot move from " + this.state + " to " + target);
        }
        this.state = target;
    }

    private String deadLetterTopic() {
        return this.deadLetterTopic;
    }

    /**
     * What the endpoint shows of the stream. Any thread.
     * @param fedBy the streams writing to its input topic
     * @param feeds the streams reading one of its output topics
     * @return the view
     */
    public StreamView view(List<String> fedBy, List<String> feeds) {
        Map<String, StreamView.PartitionView> partitions = new TreeMap<>();
        List<ConsumerLoop> current;
        synchronized (this) {
            current = List.copyOf(this.loops);
        }
        long inFlight = 0;
        long lag = 0;
        long now = this.clock.millis();
        for (ConsumerLoop loop : current) {
            LoopView view = loop.view();
            LoopView.Busy busy = loop.busy();
            inFlight += view.buffered();
            for (TopicPartition partition : view.assigned()) {
                StreamView.PartitionView partitionView = view.partition(partition, busy,
                        this.committed.getOrDefault(partition, -1L), now);
                partitions.put(partition.toString(), partitionView);
                inFlight += partitionView.inFlight();
                lag += Math.max(0, partitionView.lag());
            }
        }
        List<String> paused = partitions.entrySet().stream().filter((entry) -> entry.getValue().paused())
            .map(Map.Entry::getKey).sorted().toList();
        Map<String, String> outputSchemas = new LinkedHashMap<>();
        this.definition.outputs().forEach((output) -> outputSchemas.put(output.topic(),
                output.schema().type().getSimpleName()));
        StreamView.TopologyView topology = new StreamView.TopologyView(
                this.definition.inputProcessor().getClass().getName(),
                this.definition.inputSchema().type().getSimpleName(), outputSchemas, fedBy, feeds);
        return new StreamView(name(), this.state, this.error, this.definition.input(), this.definition.outputTopics(),
                deadLetterTopic(), this.settings.guarantee(), this.settings.concurrency(),
                this.settings.workers().count(), topology, this.stats.consumed(), this.stats.processed(),
                this.stats.filtered(), this.stats.deadLettered(), this.stats.produced(), this.stats.consumedRate(),
                this.stats.processedRate(), inFlight, lag, partitions, paused, tableViews());
    }

    /**
     * What the endpoint shows of this runner as a stage of a re-keyed stream. Any thread.
     * @param number the stage's number
     * @param processor the class of the stage's input processor
     * @return the view
     */
    StreamView.StageView stageView(int number, String processor) {
        StreamView view = view(List.of(), List.of());
        return new StreamView.StageView(number, this.definition.input(), groupId(), processor,
                this.definition.outputTopics(), view.state(), view.error(), view.consumed(), view.processed(),
                view.filtered(), view.deadLettered(), view.produced(), view.inFlight(), view.lag(),
                view.partitions());
    }

    private synchronized void ownersAssigned(PartitionOwners assigned) {
        this.owners = PartitionOwners.next(this.owners, assigned);
    }

    @Override
    public LocalTables localTables() {
        TableManager tables = this.tables;
        return (tables != null) ? tables.localTables() : null;
    }

    @Override
    public PartitionOwners owners() {
        PartitionOwners assigned = this.owners;
        int partitions = this.inputPartitions;
        if (assigned.partitions() == 0 && partitions > 0 && this.tables != null) {
            // Queries off, or before the first assignment: the partitions are known, their owners are not.
            List<String> none = java.util.Collections.nCopies(partitions, null);
            return new PartitionOwners(partitions, none, java.util.Collections.nCopies(partitions, List.of()), 0);
        }
        return assigned;
    }

    public List<TablePartitionView> tableViews() {
        TableManager tables = this.tables;
        return (tables != null) ? tables.views() : List.of();
    }
}
