package io.millrace.streams.app.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster (one process acting as broker and KRaft controller) running in
 * this JVM, built from Kafka's own server classes.
 *
 * <p>The log directory holds both the partition logs and the metadata log. The first start
 * formats it (as {@code kafka-storage.sh format} would) with a new cluster id; later starts
 * find its {@code meta.properties} and keep the cluster id and all data, so topics and
 * committed offsets survive a restart of the application.
 *
 * <p>The quorum is static ({@code controller.quorum.voters}, {@code kraft.version=0}): the
 * voter endpoint is read from the configuration on every start rather than stored in the
 * metadata log, which is what lets the controller take a different free port each time.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** The default client port, Kafka's own. */
    public static final int DEFAULT_PORT = 9092;

    private static final Logger logger = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final int NODE_ID = 1;

    private static final String HOST = "localhost";

    private static final String BROKER_LISTENER = "PLAINTEXT";

    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final int port;

    private final String bootstrapServers;

    private final Path logDir;

    private final Map<String, String> overrides;

    // Guarded by this; set by start(), server cleared by stop().
    private KafkaRaftServer server;

    private String clusterId;

    /**
     * Create a broker that is not started yet.
     * @param port the client port, or 0 to take one that is free now
     * @param logDir the log directory, created and formatted if needed
     */
    public EmbeddedKafkaBroker(int port, Path logDir) {
        this(port, logDir, Map.of());
    }

    /**
     * Create a broker that is not started yet.
     * @param port the client port, or 0 to take one that is free now
     * @param logDir the log directory, created and formatted if needed
     * @param overrides broker configuration that replaces or adds to the defaults
     */
    public EmbeddedKafkaBroker(int port, Path logDir, Map<String, String> overrides) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Port must be between 0 and 65535, not " + port);
        }
        // Chosen now rather than at start, so that the address is known (and can be handed
        // to the clients' configuration) before the broker runs, and stays across restarts.
        this.port = (port != 0) ? port : freePort();
        this.bootstrapServers = HOST + ":" + this.port;
        this.logDir = logDir.toAbsolutePath().normalize();
        this.overrides = Map.copyOf(overrides);
    }

    /**
     * Format the log directory if it is new, start the broker and controller, and return once
     * the broker is unfenced and accepts clients. Does nothing if already running.
     * @throws IllegalStateException if the broker could not start, for example because the
     * port is taken or the log directory is locked by another broker
     */
    public synchronized void start() {
        if (this.server != null) {
            return;
        }
        if (!isFree(this.port)) {
            // Checked first: Kafka would format the directory and start the controller before
            // failing, with a page of stack traces.
            throw new IllegalStateException("Could not start the embedded Kafka broker: port " + this.port
                    + " on " + HOST + " is in use, perhaps by another Kafka broker");
        }
        long startNanos = System.nanoTime();
        KafkaRaftServer candidate = null;
        try {
            String formattedClusterId = formatIfNew();
            KafkaConfig config = new KafkaConfig(serverProperties(this.port, freePort()), false);
            candidate = new KafkaRaftServer(config, Time.SYSTEM);
            candidate.startup();
            this.server = candidate;
            this.clusterId = formattedClusterId;
        }
        catch (Exception ex) {
            if (candidate != null) {
                // The controller may be up when the broker half fails (a taken port, say).
                shutdown(candidate);
            }
            throw new IllegalStateException("Could not start the embedded Kafka broker on " + this.bootstrapServers
                    + " with log directory " + this.logDir + ": " + ex.getMessage(), ex);
        }
        logger.info("Embedded Kafka broker started on {} in {} ms (cluster {}, log directory {})",
                this.bootstrapServers, Duration.ofNanos(System.nanoTime() - startNanos).toMillis(), this.clusterId,
                this.logDir);
    }

    /**
     * Shut the broker down (a controlled shutdown, logs flushed) and wait until it has
     * stopped. Does nothing if not running.
     */
    public synchronized void stop() {
        if (this.server == null) {
            return;
        }
        long startNanos = System.nanoTime();
        shutdown(this.server);
        this.server = null;
        logger.info("Embedded Kafka broker on {} stopped in {} ms", this.bootstrapServers,
                Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
    }

    /**
     * Same as {@link #stop()}.
     */
    @Override
    public void close() {
        stop();
    }

    /**
     * Return whether the broker is running.
     * @return whether {@link #start()} succeeded and {@link #stop()} has not been called since
     */
    public synchronized boolean isRunning() {
        return this.server != null;
    }

    /**
     * Return the {@code host:port} clients connect to, known before the broker starts.
     * @return the bootstrap servers
     */
    public String bootstrapServers() {
        return this.bootstrapServers;
    }

    /**
     * Return the cluster id stored in the log directory.
     * @return the cluster id, or {@code null} if the broker was never started
     */
    public synchronized String clusterId() {
        return this.clusterId;
    }

    /**
     * Return the log directory.
     * @return the absolute log directory
     */
    public Path logDir() {
        return this.logDir;
    }

    /**
     * Format the log directory unless a previous run did, and return its cluster id.
     */
    private String formatIfNew() throws Exception {
        Files.createDirectories(this.logDir);
        String dir = this.logDir.toString();
        MetaPropertiesEnsemble ensemble = new MetaPropertiesEnsemble.Loader().addLogDirs(List.of(dir))
            .addMetadataLogDir(dir)
            .load();
        Optional<String> existing = ensemble.clusterId();
        if (existing.isPresent()) {
            return existing.get();
        }
        String newClusterId = Uuid.randomUuid().toString();
        // No initial controllers: a static quorum, kraft.version 0, as StorageTool formats
        // when controller.quorum.voters is set.
        new Formatter().setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
            .setNodeId(NODE_ID)
            .setClusterId(newClusterId)
            .setControllerListenerName(CONTROLLER_LISTENER)
            .setMetadataLogDirectory(dir)
            .addDirectory(dir)
            .run();
        logger.info("Formatted {} for new Kafka cluster {}", dir, newClusterId);
        return newClusterId;
    }

    private Map<String, String> serverProperties(int brokerPort, int controllerPort) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://"
                + HOST + ":" + controllerPort);
        props.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        props.put("listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put("log.dirs", this.logDir.toString());
        props.put("metadata.log.dir", this.logDir.toString());
        // Topics are created on purpose (NewTopic beans, the streams' own admin), never by a
        // typo in a consumer's subscription.
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        // One node: every internal topic must fit on it.
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "10");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "10");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // Transactions v2: a transactional producer's first write to a partition in a new transaction is added to it
        // by the broker, which asks the coordinator; until the markers of the producer's previous transaction are
        // written, the coordinator answers CONCURRENT_TRANSACTIONS. The broker retries that itself for this long (100 ms
        // by default) and then hands the error to the producer. On a loaded machine, and always on a first start (the
        // marker queue and the group coordinator warm up), the markers take longer: the producer then logs a run of
        // CONCURRENT_TRANSACTIONS warnings, and its next batch, pipelined behind the bounced one, reaches the partition
        // with a sequence other than 0 and the broker logs an OutOfOrderSequenceException at ERROR (KAFKA-18202's
        // retriable rejection, logged like any unexpected append failure). Nothing is lost or duplicated: the producer
        // retries in order. Waiting on the broker until the markers are written makes neither happen; the wait stays
        // well below the clients' 30 s request timeout.
        props.put("add.partitions.to.txn.retry.backoff.max.ms", Long.toString(Duration.ofSeconds(10).toMillis()));
        // A development broker: join groups at once, and stay small beside the application.
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("background.threads", "2");
        props.put("num.recovery.threads.per.data.dir", "1");
        props.put("group.coordinator.threads", "1");
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        props.put("server.max.startup.time.ms", Long.toString(Duration.ofMinutes(2).toMillis()));
        props.putAll(this.overrides);
        return props;
    }

    private static void shutdown(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        }
        catch (RuntimeException ex) {
            logger.warn("Embedded Kafka broker did not shut down cleanly", ex);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }

    /**
     * Return a port that was free a moment ago. Another process may take it before Kafka
     * binds it; a start that fails that way reports the address in its exception.
     */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("No free port on the loopback address", ex);
        }
    }

}
