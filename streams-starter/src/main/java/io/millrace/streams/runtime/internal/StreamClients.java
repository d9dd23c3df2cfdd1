package io.millrace.streams.runtime.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

import io.millrace.streams.runtime.Guarantee;
import io.millrace.streams.runtime.KafkaClients;
import io.millrace.streams.runtime.PartitionOwners;
import io.millrace.streams.runtime.StateConfig;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamResources;
import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.runtime.StreamStats;
import io.millrace.streams.runtime.StreamStrategy;
import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.strategy.ProcessingStrategyFactory;
import io.millrace.streams.strategy.RecordLimits;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.WindowClosing;
import io.millrace.streams.table.internal.TableManager;
import io.millrace.streams.table.internal.store.StateDirectory;

/**
 * Wires the clients of one stream: its tables, and per consumer client a consumer (with the standby assignor when
 * tables keep standbys, read-committed under exactly-once), a producer (transactional under exactly-once) and the
 * pipeline factory, joined in a {@link ConsumerLoop}. What it makes belongs to the caller.
 */
final class StreamClients {

    private final StreamDefinition definition;

    private final StreamSettings settings;

    private final KafkaClients clients;

    private final String applicationId;

    private final String groupId;

    private final StateResources state;

    private final Clock clock;

    StreamClients(StreamDefinition definition, StreamSettings settings, KafkaClients clients, String applicationId,
            StateResources state, Clock clock) {
        this(definition, settings, clients, applicationId, groupId(applicationId, definition.name()), state, clock);
    }

    /**
     * Clients in the given consumer group: a re-keyed stream's second stage has a group of its own, and so
     * transactional and client ids of its own.
     */
    StreamClients(StreamDefinition definition, StreamSettings settings, KafkaClients clients, String applicationId,
            String groupId, StateResources state, Clock clock) {
        this.definition = definition;
        this.settings = settings;
        this.clients = clients;
        this.applicationId = applicationId;
        this.groupId = groupId;
        this.state = state;
        this.clock = clock;
    }

    /**
     * The consumer group of a stream.
     * @param applicationId the application id
     * @param stream the stream
     * @return {@code <application-id>-<stream>}
     */
    static String groupId(String applicationId, String stream) {
        return applicationId + "-" + stream;
    }

    String groupId() {
        return this.groupId;
    }

    private boolean exactlyOnce() {
        return this.settings.guarantee() == Guarantee.EXACTLY_ONCE;
    }

    /**
     * Opens the stream's tables and starts their changelog reader.
     * @return the tables, or {@code null} for a stream without tables
     */
    TableManager tables() {
        if (this.definition.tables().isEmpty()) {
            return null;
        }
        StateConfig config = this.state.config();
        boolean rocksDb = this.definition.tables().stream().anyMatch((table) -> ((table.store() != null)
                ? table.store() : config.defaultStore()) == TableDefinition.StoreType.ROCKSDB);
        Map<String, Object> restore = new HashMap<>(this.settings.consumer());
        restore.put("max.poll.records", 10_000);
        restore.put("auto.offset.reset", "earliest");
        if (exactlyOnce()) {
            restore.put("isolation.level", "read_committed");
        }
        TableManager tables = new TableManager(this.definition.name(), this.applicationId, this.definition.tables(),
                config.defaultStore(), rocksDb ? this.state.directory() : null, rocksDb ? this.state.rocksDb() : null,
                exactlyOnce(), () -> this.clients.consumer(null, this.groupId + "-changelog", new HashMap<>(restore)),
                config.listeners(), this.clock);
        tables.start();
        return tables;
    }

    /**
     * The client id of one consumer client, also its thread's name.
     * @param index the client's index
     * @param tables the stream's tables, or {@code null}
     * @return {@code <group>-<index>}, or {@code <group>-<process id>-<index>} when tables keep standbys
     */
    String clientId(int index, TableManager tables) {
        boolean standbys = tables != null && this.state.config().standbyReplicas() > 0;
        // The standby assignor tells instances apart by the process id in their members' client ids.
        return standbys ? this.groupId + "-" + this.state.directory().processId() + "-" + index
                : this.groupId + "-" + index;
    }

    /**
     * Makes the clients of one consumer client and the loop that runs them.
     * @param index the client's index, {@code 0} to {@code concurrency - 1}
     * @param resources what every client shares: tables, dead letters, record limits, counters
     * @param listener hears the loop's commits and failure
     * @param undo collects how to close what was made, should a later client fail to be made
     * @return the loop, not started; it owns its clients
     */
    ConsumerLoop loop(int index, Shared resources, ConsumerLoop.LoopListener listener, List<Runnable> undo) {
        TableManager tables = resources.tables();
        int standbyReplicas = (tables != null) ? this.state.config().standbyReplicas() : 0;
        String clientId = clientId(index, tables);
        Map<String, Object> consumerOverrides = new HashMap<>(this.settings.consumer());
        java.util.function.Supplier<String> queryUrl = this.state.queryUrl();
        if (tables != null && (standbyReplicas > 0 || queryUrl != null)) {
            Object member = clientId;
            // Kafka's own as a fallback: while a rolling restart turns standbys or queries on, members that do not
            // have them yet still share a protocol with those that do (the group uses this one once all have it).
            consumerOverrides.put("partition.assignment.strategy", StandbyAssignor.class.getName() + ","
                    + org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
            consumerOverrides.put(StandbyAssignor.REPLICAS_CONFIG, standbyReplicas);
            consumerOverrides.put(StandbyAssignor.LISTENER_CONFIG,
                    (StandbyAssignor.Listener) (standbys, actives) -> tables.standbys(member, standbys, actives));
            if (queryUrl != null) {
                consumerOverrides.put(StandbyAssignor.QUERY_URL_CONFIG, queryUrl);
                consumerOverrides.put(StandbyAssignor.OWNERS_LISTENER_CONFIG, resources.owners());
            }
        }
        if (exactlyOnce()) {
            // Read only what upstream transactions committed.
            consumerOverrides.putIfAbsent("isolation.level", "read_committed");
        }
        Consumer<byte[], byte[]> consumer = this.clients.consumer(this.groupId, clientId, consumerOverrides);
        undo.add(consumer::close);
        Producer<byte[], byte[]> producer = producer(clientId, index);
        undo.add(() -> this.clients.close(producer, Duration.ZERO));
        StreamStrategy strategy = Stages.strategy(this.definition);
        ProcessingStrategyFactory factory = strategy.create(new StreamResources(this.definition, this.settings,
                producer, resources.deadLetters().forClient(), resources.stats(), this.clock, tables, resources.recordLimits()));
        undo.add(factory::shutdown);
        IdleWindows idleWindows = (tables != null && WindowClosing.anyIdleAfter(tables))
                ? new IdleWindows(this.definition.name(), this.settings.properties(), tables,
                        this.definition.outputs(), this.settings.retry(), resources.recordLimits(), producer,
                        exactlyOnce(), resources.stats())
                : null;
        return new ConsumerLoop(this.definition.input(), consumer,
                new ClosingFactory(factory, this.clients, producer, this.settings.shutdownTimeout()), this.settings,
                resources.stats(), listener, tables, exactlyOnce() ? producer : null, this.clock, idleWindows,
                this.state.observations(), this.definition.name(), producer);
    }

    /**
     * The producer of one consumer client: under {@code exactly-once} transactional, with an id stable across
     * restarts of this instance (the state directory's process id), so that a restarted instance aborts at once what
     * its killed predecessor left open instead of blocking read-committed consumers until the transaction times out.
     */
    private Producer<byte[], byte[]> producer(String clientId, int index) {
        Map<String, Object> overrides = new HashMap<>(this.settings.producer());
        if (!exactlyOnce()) {
            return this.clients.producer(clientId, overrides);
        }
        StateDirectory directory = this.state.directory();
        overrides.putIfAbsent("transaction.timeout.ms", 10_000);
        String transactionalId = this.groupId + "-" + directory.processId() + "-" + index;
        return this.clients.transactionalProducer(clientId, transactionalId, overrides);
    }

    /**
     * What every consumer client of a stream shares.
     *
     * @param tables the stream's tables, or {@code null}
     * @param deadLetters the stream's dead-letter policy; each client counts its dead letters in its
     * {@link DeadLetters#forClient() own copy}
     * @param recordLimits the largest record each topic takes
     * @param stats the stream's counters
     * @param owners hears which instance owns which partition, after each assignment (when queries are on)
     */
    record Shared(TableManager tables, DeadLetters deadLetters, RecordLimits recordLimits, StreamStats stats,
            java.util.function.Consumer<PartitionOwners> owners) {
    }
}
