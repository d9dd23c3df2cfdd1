package io.millrace.streams.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import io.millrace.streams.ingress.HttpIngressHandler;
import io.millrace.streams.runtime.Guarantee;
import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.strategy.worker.Ordering;
import io.millrace.streams.table.TableDefinition;

/**
 * Configuration of Millrace streams: everything under {@code millrace.*}.
 *
 * <p>A stream's settings start from the runtime's {@link StreamSettings#DEFAULTS}, their one home. The annotation
 * processor would not see them as defaults, and it describes no property inside the {@code streams} map anyway:
 * {@code META-INF/additional-spring-configuration-metadata.json} describes them as {@code millrace.streams.*.<key>},
 * with their defaults and the values of their enums, and {@code ConfigurationMetadataTests} holds that file to this
 * class. The table settings, which the processor does describe, keep their defaults as literals; a test holds them
 * to the runtime's {@code StateConfig.defaults}.
 *
 * <p>Field comments are the descriptions IDEs show: plain text, no Javadoc tags (the processor copies them as
 * they are). A per-stream field's comment is copied into the additional metadata file.
 */
@ConfigurationProperties("millrace")
public class MillraceProperties {

    private static final StreamSettings DEFAULTS = StreamSettings.DEFAULTS;

    /**
     * Prefix of consumer groups (<application-id>-<stream>) and changelog topics
     * (<application-id>-<table>-changelog). Defaults to spring.application.name.
     */
    private String applicationId;

    /**
     * Directory of the RocksDB stores, their checkpoints and the process id that keeps transactional ids stable
     * across restarts. Defaults to ${java.io.tmpdir}/millrace/<application-id>. Give each instance on one machine its
     * own directory.
     */
    private String stateDir;

    private final Tables tables = new Tables();

    private final Topics topics = new Topics();

    private final HttpIngress httpIngress = new HttpIngress();

    /**
     * Per-stream settings, by stream name. Every key must name a stream defined by annotated processors or a
     * StreamDefinition bean, or define a stream of its own by setting its input.
     */
    private Map<String, Stream> streams = new LinkedHashMap<>();

    public String getApplicationId() {
        return this.applicationId;
    }

    public void setApplicationId(String applicationId) {
        this.applicationId = applicationId;
    }

    public Topics getTopics() {
        return this.topics;
    }

    public String getStateDir() {
        return this.stateDir;
    }

    public void setStateDir(String stateDir) {
        this.stateDir = stateDir;
    }

    public Tables getTables() {
        return this.tables;
    }

    /** How tables are kept. */
    public static class Tables {

        /**
         * Store of tables that do not name one: rocksdb (restarts restore only the changelog's tail) or memory
         * (every assignment restores the whole partition).
         */
        private TableDefinition.StoreType store = TableDefinition.StoreType.ROCKSDB;

        /**
         * Warm copies of each table partition that other instances keep by tailing its changelog, so that a
         * failover restores only the tail.
         */
        private int standbyReplicas = 0;

        private final RocksDb rocksdb = new RocksDb();

        public TableDefinition.StoreType getStore() {
            return this.store;
        }

        public void setStore(TableDefinition.StoreType store) {
            this.store = store;
        }

        public int getStandbyReplicas() {
            return this.standbyReplicas;
        }

        public void setStandbyReplicas(int standbyReplicas) {
            this.standbyReplicas = standbyReplicas;
        }

        public RocksDb getRocksdb() {
            return this.rocksdb;
        }
    }

    /** Memory shared by every RocksDB store of the application. */
    public static class RocksDb {

        /**
         * Block cache shared by all stores (index and filter blocks included).
         */
        private DataSize blockCacheSize = DataSize.ofMegabytes(64);

        /**
         * Memtables of all stores together, charged to the block cache.
         */
        private DataSize writeBufferSize = DataSize.ofMegabytes(32);

        public DataSize getBlockCacheSize() {
            return this.blockCacheSize;
        }

        public void setBlockCacheSize(DataSize blockCacheSize) {
            this.blockCacheSize = blockCacheSize;
        }

        public DataSize getWriteBufferSize() {
            return this.writeBufferSize;
        }

        public void setWriteBufferSize(DataSize writeBufferSize) {
            this.writeBufferSize = writeBufferSize;
        }
    }

    /** One table of a stream. */
    public static class Table {

        /**
         * Store of this table: rocksdb or memory. Defaults to millrace.tables.store.
         */
        private TableDefinition.StoreType store;

        /**
         * Schema of the keys: 'string', 'bytes', 'json:' followed by a class name, or the name of a Schema bean.
         * Declares the table when no processor annotation does; defaults to 'string'.
         */
        private String keySchema;

        /**
         * Schema of the values, as for key-schema. Required to declare a table in configuration.
         */
        private String valueSchema;

        private final Window window = new Window();

        public TableDefinition.StoreType getStore() {
            return this.store;
        }

        public void setStore(TableDefinition.StoreType store) {
            this.store = store;
        }

        public String getKeySchema() {
            return this.keySchema;
        }

        public void setKeySchema(String keySchema) {
            this.keySchema = keySchema;
        }

        public String getValueSchema() {
            return this.valueSchema;
        }

        public void setValueSchema(String valueSchema) {
            this.valueSchema = valueSchema;
        }

        public Window getWindow() {
            return this.window;
        }
    }

    /**
     * The windows of a windowed table; each property overrides the table's declaration. Setting size makes a table
     * windowed.
     */
    public static class Window {

        /**
         * Length of a window: tumbling windows unless advance is smaller.
         */
        private Duration size;

        /**
         * How far consecutive windows start apart: hopping windows when smaller than size. Defaults to size.
         */
        private Duration advance;

        /**
         * How long after its end a window still takes out-of-order records; later ones are late. Defaults to 0.
         */
        private Duration grace;

        /**
         * Inactivity gap of session windows: a key's records at most this far apart in event time make one session.
         * Setting it makes the table's windows session windows (excludes size and advance).
         */
        private Duration gap;

        /**
         * How long, in stream time from its start (a session: from its last event time), a window is kept and
         * readable. Defaults to the larger of 1 h and size (or gap) plus grace.
         */
        private Duration retention;

        /**
         * Whether late records are dropped (counted) instead of dead-lettered with reason LATE.
         */
        private Boolean dropLate;

        /**
         * How long a partition without records waits before its stream time follows the wall clock, so that its
         * windows close without a new record. Unset: never (results depend on the records alone).
         */
        private Duration idleAfter;

        public Duration getSize() {
            return this.size;
        }

        public void setSize(Duration size) {
            this.size = size;
        }

        public Duration getAdvance() {
            return this.advance;
        }

        public void setAdvance(Duration advance) {
            this.advance = advance;
        }

        public Duration getGrace() {
            return this.grace;
        }

        public void setGrace(Duration grace) {
            this.grace = grace;
        }

        public Duration getGap() {
            return this.gap;
        }

        public void setGap(Duration gap) {
            this.gap = gap;
        }

        public Duration getRetention() {
            return this.retention;
        }

        public void setRetention(Duration retention) {
            this.retention = retention;
        }

        public Boolean getDropLate() {
            return this.dropLate;
        }

        public void setDropLate(Boolean dropLate) {
            this.dropLate = dropLate;
        }

        public Duration getIdleAfter() {
            return this.idleAfter;
        }

        public void setIdleAfter(Duration idleAfter) {
            this.idleAfter = idleAfter;
        }
    }

    public HttpIngress getHttpIngress() {
        return this.httpIngress;
    }

    public Map<String, Stream> getStreams() {
        return this.streams;
    }

    public void setStreams(Map<String, Stream> streams) {
        this.streams = streams;
    }

    /** Topic management. */
    public static class Topics {

        /**
         * Whether to create missing output and dead-letter topics, with the input topic's partition count.
         */
        private boolean create = true;

        public boolean isCreate() {
            return this.create;
        }

        public void setCreate(boolean create) {
            this.create = create;
        }
    }

    /** The HTTP source of records, {@code POST /streams/{name}/records}. */
    public static class HttpIngress {

        /**
         * Whether a servlet web application accepts records for the streams' input topics over HTTP.
         */
        private boolean enabled;

        /**
         * Largest request body; a larger one is refused with 413 before it is read whole (from its Content-Length,
         * or as soon as a chunked body passes it). Defaults to the producer's max.request.size.
         */
        private DataSize maxBodySize;

        /**
         * Most records read, checked or sent and not yet acknowledged by the broker at once; past it, requests are
         * refused with 503 and Retry-After. Bounds the bodies held to max-in-flight times max-body-size.
         */
        private int maxInFlight = 100; // HttpIngressHandler.DEFAULT_MAX_IN_FLIGHT (DefaultsTests)

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public DataSize getMaxBodySize() {
            return this.maxBodySize;
        }

        public void setMaxBodySize(DataSize maxBodySize) {
            this.maxBodySize = maxBodySize;
        }

        public int getMaxInFlight() {
            return this.maxInFlight;
        }

        public void setMaxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
        }
    }

    /** Settings of one stream. */
    public static class Stream {

        /**
         * Whether to run this stream.
         */
        private boolean enabled = DEFAULTS.enabled();

        /**
         * Input topic, overriding the one of the input processor's annotation. For a stream without annotated
         * processors, setting it defines the stream from this configuration.
         */
        private String input;

        /**
         * Schema of the input of a stream defined in configuration: 'string', 'bytes', 'json:' followed by a fully
         * qualified class name, or the name of a Schema bean.
         */
        private String schema;

        /**
         * Input processor of a stream defined in configuration: the name of an InputProcessor bean, or the fully
         * qualified name of a class to create as one. None passes the input through.
         */
        private String processor;

        /**
         * Outputs of the stream, by topic. Sets the partitioner of any stream's outputs; a stream defined in
         * configuration also names its output processors and schemas here.
         */
        private Map<String, Output> outputs = new LinkedHashMap<>();

        /**
         * Tables of the stream, by name: declares them, or overrides the store and schemas of those declared with
         * @StreamTable. Changelog topic: <application-id>-<table>-changelog.
         */
        private Map<String, Table> tables = new LinkedHashMap<>();

        /**
         * Delivery guarantee: at-least-once or exactly-once.
         */
        private Guarantee guarantee = DEFAULTS.guarantee();

        /**
         * Consumer clients for this stream, each on its own thread.
         */
        private int concurrency = DEFAULTS.concurrency();

        /**
         * Name of a ProcessingStrategyFactory or StreamStrategy bean that replaces the stream's default pipeline.
         */
        private String strategy;

        /**
         * Processing threads per consumer client. With more than one, records of one key (see ordering) stay in
         * order and different keys run in parallel, whatever the partition count.
         */
        private int workers = DEFAULTS.workers().count();

        /**
         * Which records stay in order when workers > 1: key, partition or none.
         */
        private Ordering ordering = DEFAULTS.workers().ordering();

        /**
         * Whether workers run on virtual threads (needs Java 21 or later; platform threads otherwise).
         */
        private boolean virtualThreads = DEFAULTS.workers().virtualThreads();

        /**
         * Records the pipeline holds before it stops fetching (backpressure).
         */
        private int maxInFlight = DEFAULTS.maxInFlight();

        /**
         * Where invalid and failed records go. Defaults to <input>-dlt.
         */
        private String deadLetterTopic = DEFAULTS.deadLetterTopic();

        /**
         * How long revocation and shutdown wait for in-flight records to finish.
         */
        private Duration shutdownTimeout = DEFAULTS.shutdownTimeout();

        private final Commit commit = new Commit();

        private final Batch batch = new Batch();

        private final Retry retry = new Retry();

        private final DeadLetterLimit deadLetterLimit = new DeadLetterLimit();

        private final Repartition repartition = new Repartition();

        /**
         * Properties handed to the stream's processors through their context.
         */
        private Map<String, String> properties = new LinkedHashMap<>();

        /**
         * Extra Kafka consumer properties for this stream.
         */
        private Map<String, String> consumer = new LinkedHashMap<>();

        /**
         * Extra Kafka producer properties for this stream.
         */
        private Map<String, String> producer = new LinkedHashMap<>();

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getInput() {
            return this.input;
        }

        public void setInput(String input) {
            this.input = input;
        }

        public String getSchema() {
            return this.schema;
        }

        public void setSchema(String schema) {
            this.schema = schema;
        }

        public String getProcessor() {
            return this.processor;
        }

        public void setProcessor(String processor) {
            this.processor = processor;
        }

        public Map<String, Table> getTables() {
            return this.tables;
        }

        public void setTables(Map<String, Table> tables) {
            this.tables = tables;
        }

        public Map<String, Output> getOutputs() {
            return this.outputs;
        }

        public void setOutputs(Map<String, Output> outputs) {
            this.outputs = outputs;
        }

        public Guarantee getGuarantee() {
            return this.guarantee;
        }

        public void setGuarantee(Guarantee guarantee) {
            this.guarantee = guarantee;
        }

        public int getConcurrency() {
            return this.concurrency;
        }

        public void setConcurrency(int concurrency) {
            this.concurrency = concurrency;
        }

        public String getStrategy() {
            return this.strategy;
        }

        public void setStrategy(String strategy) {
            this.strategy = strategy;
        }

        public int getWorkers() {
            return this.workers;
        }

        public void setWorkers(int workers) {
            this.workers = workers;
        }

        public Ordering getOrdering() {
            return this.ordering;
        }

        public void setOrdering(Ordering ordering) {
            this.ordering = ordering;
        }

        public boolean isVirtualThreads() {
            return this.virtualThreads;
        }

        public void setVirtualThreads(boolean virtualThreads) {
            this.virtualThreads = virtualThreads;
        }

        public int getMaxInFlight() {
            return this.maxInFlight;
        }

        public void setMaxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
        }

        public String getDeadLetterTopic() {
            return this.deadLetterTopic;
        }

        public void setDeadLetterTopic(String deadLetterTopic) {
            this.deadLetterTopic = deadLetterTopic;
        }

        public Duration getShutdownTimeout() {
            return this.shutdownTimeout;
        }

        public void setShutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
        }

        public Commit getCommit() {
            return this.commit;
        }

        public Batch getBatch() {
            return this.batch;
        }

        public Repartition getRepartition() {
            return this.repartition;
        }

        public Retry getRetry() {
            return this.retry;
        }

        public DeadLetterLimit getDeadLetterLimit() {
            return this.deadLetterLimit;
        }

        public Map<String, String> getProperties() {
            return this.properties;
        }

        public void setProperties(Map<String, String> properties) {
            this.properties = properties;
        }

        public Map<String, String> getConsumer() {
            return this.consumer;
        }

        public void setConsumer(Map<String, String> consumer) {
            this.consumer = consumer;
        }

        public Map<String, String> getProducer() {
            return this.producer;
        }

        public void setProducer(Map<String, String> producer) {
            this.producer = producer;
        }
    }

    /** One output of a stream. */
    public static class Output {

        /**
         * Output processor of a stream defined in configuration: the name of an OutputProcessor or
         * FlatOutputProcessor bean, or the fully qualified name of a class to create as one. None passes the
         * values through.
         */
        private String processor;

        /**
         * Schema of the output of a stream defined in configuration, in the forms of the input schema. Defaults to
         * the schema of the type the output receives (the input schema for a pass-through stream).
         */
        private String schema;

        /**
         * How output records are spread over the topic's partitions: hash (by key, Kafka's default), random, or
         * manual (all to the partition set in 'partition').
         */
        private Partitioner partitioner = Partitioner.HASH;

        /**
         * The partition every record goes to, with the manual partitioner.
         */
        private Integer partition;

        public String getProcessor() {
            return this.processor;
        }

        public void setProcessor(String processor) {
            this.processor = processor;
        }

        public String getSchema() {
            return this.schema;
        }

        public void setSchema(String schema) {
            this.schema = schema;
        }

        public Partitioner getPartitioner() {
            return this.partitioner;
        }

        public void setPartitioner(Partitioner partitioner) {
            this.partitioner = partitioner;
        }

        public Integer getPartition() {
            return this.partition;
        }

        public void setPartition(Integer partition) {
            this.partition = partition;
        }
    }

    /** How output records are spread over partitions. */
    public enum Partitioner {

        /** By a hash of the key, Kafka's default: one key stays in one partition. */
        HASH,

        /** A partition picked at random for each record, whatever its key. */
        RANDOM,

        /** Every record to one configured partition. */
        MANUAL
    }

    /** When offsets are committed. */
    public static class Commit {

        /**
         * Longest time between two commits while records flow; under exactly-once, the length of a transaction.
         * Defaults to 1s, or 100ms under exactly-once (as Kafka Streams).
         */
        private Duration interval;

        /**
         * Commit after this many processed records even if the interval has not passed.
         */
        private int records = DEFAULTS.commitRecords();

        public Duration getInterval() {
            return this.interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public int getRecords() {
            return this.records;
        }

        public void setRecords(int records) {
            this.records = records;
        }
    }

    /** The repartition topic of a re-keyed stream, {@code <application-id>-<stream>-repartition}. */
    public static class Repartition {

        /**
         * Partitions of the repartition topic when the application creates it; 0 for the input topic's count.
         */
        private int partitions = 0;

        public int getPartitions() {
            return this.partitions;
        }

        public void setPartitions(int partitions) {
            this.partitions = partitions;
        }
    }

    /** How records are gathered for a BatchInputProcessor. */
    public static class Batch {

        /**
         * Most records in one batch.
         */
        private int size = DEFAULTS.batch().size();

        /**
         * Longest a batch waits for more records.
         */
        private Duration time = DEFAULTS.batch().time();

        public int getSize() {
            return this.size;
        }

        public void setSize(int size) {
            this.size = size;
        }

        public Duration getTime() {
            return this.time;
        }

        public void setTime(Duration time) {
            this.time = time;
        }
    }

    /**
     * When dead-lettering stops the stream instead: counted per input partition, off by default. The stream that
     * reaches a limit is FAILED and commits nothing from the record that reached it on.
     */
    public static class DeadLetterLimit {

        /**
         * Share of dead letters among a partition's last window records that stops the stream, up to 1; 0 for no
         * such limit.
         */
        private double maxRatio = DEFAULTS.deadLetterLimit().maxRatio();

        /**
         * Records of a partition max-ratio looks at: the latest ones, at most 1000000.
         */
        private int window = DEFAULTS.deadLetterLimit().window();

        /**
         * Dead letters in a row on one partition that stop the stream; 0 for no such limit, 1 stops at the first.
         */
        private int maxConsecutive = DEFAULTS.deadLetterLimit().maxConsecutive();

        public double getMaxRatio() {
            return this.maxRatio;
        }

        public void setMaxRatio(double maxRatio) {
            this.maxRatio = maxRatio;
        }

        public int getWindow() {
            return this.window;
        }

        public void setWindow(int window) {
            this.window = window;
        }

        public int getMaxConsecutive() {
            return this.maxConsecutive;
        }

        public void setMaxConsecutive(int maxConsecutive) {
            this.maxConsecutive = maxConsecutive;
        }
    }

    /** How processor failures are retried before the record is dead-lettered. */
    public static class Retry {

        /**
         * Attempts in all, including the first.
         */
        private int maxAttempts = DEFAULTS.retry().maxAttempts();

        /**
         * Wait after the first failure.
         */
        private Duration backoff = DEFAULTS.retry().initialBackoff();

        /**
         * Factor by which each wait grows.
         */
        private double multiplier = DEFAULTS.retry().multiplier();

        /**
         * Longest wait between attempts.
         */
        private Duration maxBackoff = DEFAULTS.retry().maxBackoff();

        public int getMaxAttempts() {
            return this.maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getBackoff() {
            return this.backoff;
        }

        public void setBackoff(Duration backoff) {
            this.backoff = backoff;
        }

        public double getMultiplier() {
            return this.multiplier;
        }

        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }

        public Duration getMaxBackoff() {
            return this.maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }
    }
}
