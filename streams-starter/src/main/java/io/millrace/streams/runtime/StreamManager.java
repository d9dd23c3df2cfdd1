package io.millrace.streams.runtime;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.function.Function;

import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import io.millrace.streams.runtime.internal.StateResources;
import io.millrace.streams.runtime.internal.StreamPublisher;
import io.millrace.streams.runtime.internal.Runner;
import io.millrace.streams.strategy.Delivery;
import io.millrace.streams.table.LocalTables;

/**
 * The one registry of streams: it starts and stops them with the application, adds and removes them at runtime,
 * and is what the endpoint, the health indicator and the metrics read.
 */
public final class StreamManager implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(StreamManager.class);

    private final Map<String, Runner> streams = new LinkedHashMap<>();

    private final Function<String, StreamSettings> settings;

    private final KafkaClients clients;

    private final String applicationId;

    private final boolean createTopics;

    private final Clock clock;

    private final StateResources state;

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    private volatile boolean running;

    /**
     * Creates the manager.
     * @param definitions the streams found at startup
     * @param settings the settings of a stream, by name
     * @param clients makes the Kafka clients
     * @param applicationId prefix of consumer groups
     * @param createTopics whether to create missing output and dead-letter topics
     * @param clock the clock
     */
    public StreamManager(Collection<StreamDefinition> definitions, Function<String, StreamSettings> settings,
            KafkaClients clients, String applicationId, boolean createTopics, Clock clock) {
        this(definitions, settings, clients, applicationId, createTopics, clock, StateConfig.defaults(applicationId));
    }

    /**
     * Creates the manager.
     * @param definitions the streams found at startup
     * @param settings the settings of a stream, by name
     * @param clients makes the Kafka clients
     * @param applicationId prefix of consumer groups and changelog topics
     * @param createTopics whether to create missing output, dead-letter and changelog topics
     * @param clock the clock
     * @param state where and how tables are kept
     */
    public StreamManager(Collection<StreamDefinition> definitions, Function<String, StreamSettings> settings,
            KafkaClients clients, String applicationId, boolean createTopics, Clock clock, StateConfig state) {
        this(definitions, settings, clients, applicationId, createTopics, clock, state, null);
    }

    /**
     * Creates the manager, observing every record with a registry: each record's processing is an
     * {@link io.micrometer.observation.Observation} ({@link io.millrace.streams.strategy.RecordObservation}) that
     * continues the trace context of its headers and writes it into its outputs and dead letter.
     * @param definitions the streams found at startup
     * @param settings the settings of a stream, by name
     * @param clients makes the Kafka clients
     * @param applicationId prefix of consumer groups and changelog topics
     * @param createTopics whether to create missing output, dead-letter and changelog topics
     * @param clock the clock
     * @param state where and how tables are kept
     * @param observations the registry, {@code null} or {@link ObservationRegistry#NOOP} to observe nothing
     */
    public StreamManager(Collection<StreamDefinition> definitions, Function<String, StreamSettings> settings,
            KafkaClients clients, String applicationId, boolean createTopics, Clock clock, StateConfig state,
            ObservationRegistry observations) {
        this.state = new StateResources(state, observations);
        this.settings = settings;
        this.clients = clients;
        this.applicationId = applicationId;
        this.createTopics = createTopics;
        this.clock = clock;
        Topology.checkAcyclic(definitions);
        for (StreamDefinition definition : definitions) {
            register(definition);
        }
    }

    private Runner register(StreamDefinition definition) {
        return register(definition, this.settings.apply(definition.name()));
    }

    private Runner register(StreamDefinition definition, StreamSettings settings) {
        StreamChecks.check(definition, settings, this.streams.values().stream().map(Runner::definition).toList(),
                this.clients.maxPollInterval(settings.consumer()));
        Runner runner = Runner.of(definition, settings, this.clients, this.applicationId, this.createTopics,
                this.clock, this.state);
        this.streams.put(definition.name(), runner);
        return runner;
    }

    @Override
    public synchronized void start() {
        for (Runner runner : this.streams.values()) {
            if (runner.settings().enabled()) {
                runner.start();
            }
            else {
                logger.info("Stream '{}' is disabled", runner.name());
            }
        }
        this.running = true;
    }

    @Override
    public void stop() {
        List<Runner> runners;
        synchronized (this) {
            this.running = false;
            runners = new ArrayList<>(this.streams.values());
        }
        // Streams stop in parallel so the shutdown takes one stream's time, not the sum.
        CompletableFuture.allOf(runners.stream()
                .map((runner) -> CompletableFuture.runAsync(runner::stop))
                .toArray(CompletableFuture[]::new)).join();
        // Stores are closed with their streams; the lock on the state directory goes now.
        this.state.close();
    }

    /**
     * The one clock every stream of this manager reads.
     * @return the clock
     */
    public Clock clock() {
        return this.clock;
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    /**
     * Adds a stream and starts it if the manager runs.
     * @param definition the stream
     * @throws IllegalStateException if the name is taken or the stream would close a cycle
     */
    public void addStream(StreamDefinition definition) {
        addStream(definition, this.settings.apply(definition.name()));
    }

    synchronized void addStream(StreamDefinition definition, StreamSettings settings) {
        List<StreamDefinition> all = new ArrayList<>(definitions());
        all.add(definition);
        Topology.checkAcyclic(all);
        Runner runner = register(definition, settings);
        if (this.running && runner.settings().enabled()) {
            runner.start();
        }
        this.listeners.forEach((listener) -> listener.added(definition));
    }

    /**
     * Stops a stream (finishing its in-flight work, committing, leaving its group) and forgets it.
     * @param name the stream
     * @return whether there was such a stream
     */
    public boolean removeStream(String name) {
        Runner runner;
        synchronized (this) {
            runner = this.streams.remove(name);
        }
        if (runner == null) {
            return false;
        }
        runner.stop();
        this.listeners.forEach((listener) -> listener.removed(name));
        return true;
    }

    /**
     * Stops and starts a stream again, for example after it failed.
     * @param name the stream
     * @return whether there was such a stream
     */
    public boolean restartStream(String name) {
        Runner runner = runner(name);
        if (runner == null) {
            return false;
        }
        runner.stop();
        runner.start();
        return true;
    }

    /**
     * Pauses a stream: its consumers stop fetching but keep their partitions.
     * @param name the stream
     * @return whether there was such a stream
     */
    public boolean pauseStream(String name) {
        Runner runner = runner(name);
        if (runner != null) {
            runner.pause(true);
        }
        return runner != null;
    }

    /**
     * Resumes a paused stream.
     * @param name the stream
     * @return whether there was such a stream
     */
    public boolean resumeStream(String name) {
        Runner runner = runner(name);
        if (runner != null) {
            runner.pause(false);
        }
        return runner != null;
    }

    /**
     * A stream's input, decoded and ingested by its input processor, delivered on demand to one subscriber: no
     * more values than requested, offsets committed only for acknowledged values, fetching paused while
     * {@code max-in-flight} values are held. Subscribing starts a stream {@code <stream>-publisher} with its own
     * consumer group; cancelling removes it.
     * @param stream the stream whose input to publish
     * @param <T> the type the stream's input processor returns
     * @return a publisher for one subscriber
     * @throws IllegalArgumentException if there is no such stream
     */
    public <T> Flow.Publisher<Delivery<T>> publisher(String stream) {
        Runner runner = runner(stream);
        if (runner == null) {
            throw new IllegalArgumentException("No stream '" + stream + "'");
        }
        return new StreamPublisher<>(new StreamPublisher.Streams() {

            @Override
            public void add(StreamDefinition definition, StreamSettings settings) {
                addStream(definition, settings);
            }

            @Override
            public boolean remove(String name) {
                return removeStream(name);
            }
        }, runner.definition(), runner.settings());
    }

    /**
     * Every stream, in registration order.
     * @return snapshots of the streams
     */
    public List<StreamView> streams() {
        List<Runner> runners = runners();
        return runners.stream().map((runner) -> view(runner, runners)).toList();
    }

    /**
     * One stream.
     * @param name the stream
     * @return its snapshot, if there is such a stream
     */
    public Optional<StreamView> stream(String name) {
        List<Runner> runners = runners();
        return Optional.ofNullable(runner(name)).map((runner) -> view(runner, runners));
    }

    private static StreamView view(Runner runner, List<Runner> all) {
        StreamDefinition stream = runner.definition();
        List<String> fedBy = all.stream().filter((other) -> other.definition().outputTopics().contains(stream.input()))
            .map(Runner::name).toList();
        List<String> feeds = all.stream().filter((other) -> stream.outputTopics().contains(other.definition().input()))
            .map(Runner::name).toList();
        return runner.view(fedBy, feeds);
    }

    /**
     * The live counters of a stream, for metrics.
     * @param name the stream
     * @return its counters, if there is such a stream
     */
    public Optional<StreamStats> stats(String name) {
        return Optional.ofNullable(runner(name)).map(Runner::stats);
    }

    /**
     * The live counters of each stage of a stream, for metrics.
     * @param name the stream
     * @return one for a plain stream, two for a re-keyed stream (input to repartition topic, repartition topic to
     * tables and outputs); empty if there is no such stream
     */
    public List<StreamStats> stageStats(String name) {
        Runner runner = runner(name);
        return (runner != null) ? runner.stageStats() : List.of();
    }

    /**
     * This instance's partitions of a stream's tables, for queries.
     * @param name the stream
     * @return the tables, empty if there is no such stream, it has no tables or it does not run
     */
    public Optional<LocalTables> localTables(String name) {
        Runner runner = runner(name);
        return Optional.ofNullable((runner != null) ? runner.localTables() : null);
    }

    /**
     * Which instance owns which partition of a stream's tables, as its group's last assignment said: known only with
     * queries on ({@link #advertiseQueries}).
     * @param name the stream
     * @return the owners, {@link PartitionOwners#UNKNOWN} if not known
     */
    public PartitionOwners owners(String name) {
        Runner runner = runner(name);
        return (runner != null) ? runner.owners() : PartitionOwners.UNKNOWN;
    }

    /**
     * Turns queries on: streams with tables advertise where this instance answers queries to the other members of
     * their groups, and learn where the others answer ({@link #owners}). Call before {@link #start()}.
     * @param url this instance's advertised URL, asked each time a consumer joins its group
     */
    public void advertiseQueries(java.util.function.Supplier<String> url) {
        this.state.queryUrl(url);
    }

    /**
     * The definitions of every stream.
     * @return the definitions, in registration order
     */
    public synchronized List<StreamDefinition> definitions() {
        return this.streams.values().stream().map(Runner::definition).toList();
    }

    /**
     * Registers a listener for streams added and removed at runtime.
     * @param listener the listener
     */
    public void addListener(Listener listener) {
        this.listeners.add(listener);
    }

    private synchronized Runner runner(String name) {
        return this.streams.get(name);
    }

    private synchronized List<Runner> runners() {
        return List.copyOf(this.streams.values());
    }

    /** Hears of streams added and removed at runtime. */
    public interface Listener {

        /**
         * A stream was added.
         * @param definition the stream
         */
        void added(StreamDefinition definition);

        /**
         * A stream was removed.
         * @param name the stream
         */
        void removed(String name);
    }
}
