package io.millrace.streams.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.strategy.ProcessingStrategyFactory;
import io.millrace.streams.strategy.RecordLimits;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.TablePartitionView;
import io.millrace.streams.table.internal.TableManager;
import io.millrace.streams.table.internal.store.StateDirectory;

/**
 * Runs one stream: waits for its input topic, creates its output and dead-letter topics, and runs
 * {@code concurrency} consumer loops, each on its own thread.
 */
final class StreamRunner implements ConsumerLoop.LoopListener {

    private static final Logger logger = LoggerFactory.getLogger(StreamRunner.class);

    private static final Duration INPUT_CHECK_INTERVAL = Duration.ofSeconds(2);

    private final StreamDefinition definition;

    private final StreamSettings settings;

    private final KafkaClients clients;

    private final String groupId;

    private final boolean createTopics;

    private final Clock clock;

    private final String applicationId;

    private final StateResources stateResources;

    /** The stream's tables while it runs, {@code null} without tables or when stopped. */
    private volatile TableManager tables;

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

    StreamRunner(StreamDefinition definition, StreamSettings settings, KafkaClients clients, String applicationId,
            boolean createTopics, Clock clock) {
        this(definition, settings, clients, applicationId, createTopics, clock,
                new StateResources(StateConfig.defaults(applicationId)));
    }

    StreamRunner(StreamDefinition definition, StreamSettings settings, KafkaClients clients, String applicationId,
            boolean createTopics, Clock clock, StateResources state) {
        this.applicationId = applicationId;
        this.stateResources = state;
        this.definition = definition;
        this.settings = settings;
        this.clients = clients;
        this.groupId = applicationId + "-" + definition.name();
        this.createTopics = createTopics;
        this.clock = clock;
    }

    String name() {
        return this.definition.name();
    }

    StreamDefinition definition() {
        return this.definition;
    }

    StreamSettings settings() {
        return this.settings;
    }

    StreamStats stats() {
        return this.stats;
    }

    StreamState state() {
        return this.state;
    }

    /** Starts the stream on a thread of its own; returns at once. */
    synchronized void start() {
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
            OptionalInt partitions = awaitInput(stopped);
            if (partitions.isEmpty()) {
                return;
            }
            if (this.createTopics) {
                createTopics(partitions.getAsInt());
            }
            checkChangelogs(partitions.getAsInt());
            startLoops(stopped);
        }
        catch (RuntimeException ex) {
            if (stopped.getCount() > 0) {
                logger.error("Stream '{}' failed to start", name(), ex);
                fail(ex);
            }
        }
    }

    private OptionalInt awaitInput(CountDownLatch stopped) {
        boolean saidMissing = false;
        boolean saidUnreachable = false;
        while (true) {
            try {
                OptionalInt partitions = this.clients.partitions(this.definition.input());
                if (partitions.isPresent()) {
                    return partitions;
                }
                if (!saidMissing) {
                    logger.warn("Stream '{}' waits for its input topic '{}' to exist", name(),
                            this.definition.input());
                    saidMissing = true;
                }
            }
            catch (KafkaException ex) {
                // An unreachable broker is waited for like a missing topic: the stream starts when it is back.
                if (!saidUnreachable) {
                    logger.warn("Stream '{}' cannot look up its input topic '{}' yet: {}", name(),
                            this.definition.input(), ex.toString());
                    saidUnreachable = true;
                }
            }
            synchronized (this) {
                if (this.state == StreamState.CREATED && stopped.getCount() > 0) {
                    moveTo(StreamState.WAITING_FOR_INPUT);
                }
            }
            try {
                if (stopped.await(INPUT_CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
                    return OptionalInt.empty();
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return OptionalInt.empty();
            }
        }
    }

    private void createTopics(int partitions) {
        Set<String> topics = new LinkedHashSet<>(this.definition.outputTopics());
        topics.add(deadLetterTopic());
        for (String topic : topics) {
            this.clients.createTopic(topic, partitions, Map.of());
        }
        for (TableDefinition<?, ?> table : this.definition.tables()) {
            this.clients.createTopic(table.changelogTopic(this.applicationId), partitions,
                    Map.of("cleanup.policy", "compact"));
        }
    }

    /** The largest record each output and changelog topic takes, read once per start. */
    private RecordLimits recordLimits() {
        Set<String> topics = new LinkedHashSet<>(this.definition.outputTopics());
        for (TableDefinition<?, ?> table : this.definition.tables()) {
            topics.add(table.changelogTopic(this.applicationId));
        }
        RecordLimits limits = this.clients.recordLimits(this.settings.producer(), topics);
        if (!limits.topicLimits().isEmpty()) {
            logger.info("Stream '{}': records above their topic's max.message.bytes {} are dead-lettered before "
                    + "they are sent", name(), limits.topicLimits());
        }
        return limits;
    }

    /** A changelog must have the input's partitions: table partition p follows input partition p. */
    private void checkChangelogs(int partitions) {
        for (TableDefinition<?, ?> table : this.definition.tables()) {
            String changelog = table.changelogTopic(this.applicationId);
            OptionalInt found = this.clients.partitions(changelog);
            // A topic just created takes a moment to show in the metadata.
            for (int attempt = 0; found.isEmpty() && this.createTopics && attempt < 50; attempt++) {
                sleep(Duration.ofMillis(200));
                found = this.clients.partitions(changelog);
            }
            if (found.isEmpty()) {
                throw new InvalidStreamsException("Stream '" + name() + "': changelog topic '" + changelog
                        + "' of table '" + table.name() + "' does not exist; create it compacted with " + partitions
                        + " partitions, or set millrace.topics.create=true");
            }
            if (found.getAsInt() != partitions) {
                throw new InvalidStreamsException("Stream '" + name() + "': changelog topic '" + changelog
                        + "' has " + found.getAsInt() + " partitions but input topic '" + this.definition.input()
                        + "' has " + partitions + "; table partition p follows input partition p, so they must "
                        + "match. Recreate the changelog (its table is rebuilt from it) or repartition the input");
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    private boolean exactlyOnce() {
        return this.settings.guarantee() == Guarantee.EXACTLY_ONCE;
    }

    private TableManager createTables() {
        if (this.definition.tables().isEmpty()) {
            return null;
        }
        StateConfig config = this.stateResources.config();
        boolean rocksDb = this.definition.tables().stream().anyMatch((table) -> ((table.store() != null)
                ? table.store() : config.defaultStore()) == TableDefinition.StoreType.ROCKSDB);
        Map<String, Object> restore = new HashMap<>(this.settings.consumer());
        restore.put("max.poll.records", 10_000);
        restore.put("auto.offset.reset", "earliest");
        if (exactlyOnce()) {
            restore.put("isolation.level", "read_committed");
        }
        TableManager tables = new TableManager(name(), this.applicationId, this.definition.tables(),
                config.defaultStore(), rocksDb ? this.stateResources.directory() : null,
                rocksDb ? this.stateResources.rocksDb() : null, exactlyOnce(),
                () -> this.clients.consumer(null, this.groupId + "-changelog", new HashMap<>(restore)),
                config.listeners());
        tables.start();
        return tables;
    }

    private synchronized void startLoops(CountDownLatch stopped) {
        if (stopped.getCount() == 0) {
            return;
        }
        DeadLetters deadLetters = new DeadLetters(deadLetterTopic(), name(), this.groupId);
        StreamStrategy strategy = (this.definition.strategy() != null) ? this.definition.strategy()
                : PipelineFactory::new;
        List<Runnable> undo = new ArrayList<>();
        try {
            TableManager tables = createTables();
            if (tables != null) {
                undo.add(tables::close);
            }
            this.tables = tables;
            RecordLimits recordLimits = recordLimits();
            int standbyReplicas = (tables != null) ? this.stateResources.config().standbyReplicas() : 0;
            for (int i = 0; i < this.settings.concurrency(); i++) {
                String clientId = (standbyReplicas > 0)
                        // The assignor tells instances apart by the process id in their members' client ids.
                        ? this.groupId + "-" + this.stateResources.directory().processId() + "-" + i
                        : this.groupId + "-" + i;
                Map<String, Object> consumerOverrides = new HashMap<>(this.settings.consumer());
                if (standbyReplicas > 0) {
                    Object member = clientId;
                    consumerOverrides.put("partition.assignment.strategy", StandbyAssignor.class.getName());
                    consumerOverrides.put(StandbyAssignor.REPLICAS_CONFIG, standbyReplicas);
                    consumerOverrides.put(StandbyAssignor.LISTENER_CONFIG, (StandbyAssignor.Listener) (standbys,
                            actives) -> tables.standbys(member, standbys, actives));
                }
                if (exactlyOnce()) {
                    // Read only what upstream transactions committed.
                    consumerOverrides.putIfAbsent("isolation.level", "read_committed");
                }
                Consumer<byte[], byte[]> consumer = this.clients.consumer(this.groupId, clientId, consumerOverrides);
                undo.add(consumer::close);
                Producer<byte[], byte[]> producer = createProducer(clientId, i);
                undo.add(() -> this.clients.close(producer, Duration.ZERO));
                ProcessingStrategyFactory factory = strategy.create(new StreamResources(this.definition,
                        this.settings, producer, deadLetters, this.stats, this.clock, tables, recordLimits));
                ConsumerLoop loop = new ConsumerLoop(this.definition.input(), consumer,
                        new ClosingFactory(factory, this.clients, producer, this.settings.shutdownTimeout()),
                        this.settings, this.stats, this, tables, exactlyOnce() ? new Transaction(producer) : null);
                undo.add(factory::shutdown);
                loop.requestPause(this.pauseRequested);
                this.loops.add(loop);
                this.threads.add(new Thread(loop, clientId));
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
                this.definition.input(), this.definition.outputTopics(), this.settings.concurrency(), this.groupId);
    }

    /**
     * The producer of one consumer client: under {@code exactly-once} transactional, with an id stable across
     * restarts of this instance (the state directory's process id), so that a restarted instance aborts at once what
     * its killed predecessor left open instead of blocking read-committed consumers until the transaction times out.
     */
    private Producer<byte[], byte[]> createProducer(String clientId, int index) {
        Map<String, Object> overrides = new HashMap<>(this.settings.producer());
        if (!exactlyOnce()) {
            return this.clients.producer(clientId, overrides);
        }
        StateDirectory directory = this.stateResources.directory();
        overrides.putIfAbsent("transaction.timeout.ms", 10_000);
        String transactionalId = this.groupId + "-" + directory.processId() + "-" + index;
        return this.clients.transactionalProducer(clientId, transactionalId, overrides);
    }

    /**
     * Stops the stream: every loop finishes its in-flight work, commits and leaves the group. Blocks up to the
     * shutdown timeout and a little more.
     */
    void stop() {
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
            tables.close();
            this.tables = null;
        }
        synchronized (this) {
            this.loops.clear();
            this.threads.clear();
            if (this.state == StreamState.STOPPING) {
                moveTo(StreamState.STOPPED);
            }
        }
    }

    synchronized void pause(boolean pause) {
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
    }

    @Override
    public void failed(ConsumerLoop loop, Throwable ex) {
        logger.error("Stream '{}' failed; its other consumer clients stop too", name(), ex);
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
        return this.settings.deadLetterTopicFor(this.definition.input());
    }

    StreamView view(List<String> fedBy, List<String> feeds) {
        Map<String, StreamView.PartitionView> partitions = new TreeMap<>();
        List<String> paused = new ArrayList<>();
        List<ConsumerLoop> current;
        synchronized (this) {
            current = List.copyOf(this.loops);
        }
        long inFlight = 0;
        long lag = 0;
        long now = System.currentTimeMillis();
        for (ConsumerLoop loop : current) {
            ConsumerLoop.LoopView view = loop.view();
            ConsumerLoop.Busy busy = loop.busy();
            inFlight += view.buffered();
            for (TopicPartition partition : view.assigned()) {
                PartitionProgress.PartitionState state = view.partitions().get(partition);
                long waitingSince = (state != null) ? state.waitingSince() : 0;
                long oldest = (state != null) ? state.oldestOffset() : -1;
                if (busy != null && busy.partition() == partition.partition()
                        && (waitingSince == 0 || busy.sinceMillis() < waitingSince)) {
                    waitingSince = busy.sinceMillis();
                    oldest = (oldest >= 0) ? Math.min(oldest, busy.offset()) : busy.offset();
                }
                long committedOffset = this.committed.getOrDefault(partition, -1L);
                long end = (state != null) ? state.end() : -1;
                long partitionLag = (end >= 0 && committedOffset >= 0) ? Math.max(0, end - committedOffset) : -1;
                long partitionInFlight = (state != null) ? state.inFlight() : 0;
                boolean isPaused = view.paused().contains(partition);
                partitions.put(partition.toString(), new StreamView.PartitionView(committedOffset, end, partitionLag,
                        partitionInFlight, oldest, (waitingSince > 0) ? now - waitingSince : 0, isPaused));
                inFlight += partitionInFlight;
                lag += Math.max(0, partitionLag);
                if (isPaused) {
                    paused.add(partition.toString());
                }
            }
        }
        paused.sort(null);
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

    List<TablePartitionView> tableViews() {
        TableManager tables = this.tables;
        return (tables != null) ? tables.views() : List.of();
    }
}
