package io.millrace.streams.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;

import io.millrace.streams.processor.Output;
import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.runtime.StreamChecks;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.runtime.StreamStats;
import io.millrace.streams.runtime.internal.Stages;
import io.millrace.streams.schema.Schema;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.Window;
import io.millrace.streams.table.WindowKeys;
import io.millrace.streams.table.Windowed;
import io.millrace.streams.table.internal.StoredTablePartition;

/**
 * Runs streams in a unit test: no broker, no threads, no network. Each stream runs the pipeline the runtime builds
 * for it (decode, ingest, route, produce, commit offsets, with the same dead-letter rules, the same tables over
 * in-memory stores, the same retries) on the calling thread. Sending a record runs it, and everything it causes,
 * before {@code send} returns: a record written to a topic another stream of the driver reads is processed by that
 * stream too, and so is a re-keyed stream's repartition topic.
 *
 * <p>Two clocks: the wall clock ({@link #clock()}, moved by {@link #advanceWallClock}) is the streams' clock, which
 * commit intervals and batch times read and which a retry's backoff advances instead of sleeping; event time is the
 * timestamp records get when the test gives none ({@link #eventTime()}, moved by {@link #advanceEventTime}). A
 * window closes when a record's timestamp moves the stream time of its partition past the window's end plus grace,
 * as in production.
 *
 * <p>Each stage runs as one consumer client that owns every partition of its input, with one worker: what the
 * driver produces is one of the orders production may produce. Streams are checked as the application checks them
 * at startup, with the same messages.
 */
public final class MillraceTestDriver implements AutoCloseable {

    private final String applicationId;

    private final Function<String, StreamSettings> settings;

    private final TestClock clock;

    private final TestTopics topics;

    private final Map<String, StreamDefinition> definitions = new LinkedHashMap<>();

    private final List<TestStage> stages = new ArrayList<>();

    private long eventTime;

    private boolean draining;

    private MillraceTestDriver(Builder builder) {
        this.applicationId = builder.applicationId;
        this.settings = builder.settings;
        this.clock = new TestClock(builder.start);
        this.eventTime = builder.start.toEpochMilli();
        this.topics = new TestTopics(builder.defaultPartitions);
        StreamChecks.check(builder.definitions, this.settings,
                (consumer) -> builder.maxPollInterval.apply(consumer));
        builder.partitions.forEach(this.topics::create);
        for (StreamDefinition definition : builder.definitions) {
            this.definitions.put(definition.name(), definition);
            StreamSettings configured = this.settings.apply(definition.name());
            if (!configured.enabled()) {
                continue;
            }
            StreamSettings settings = onTheCallingThread(configured);
            for (Stages.Stage stage : Stages.of(definition, settings, this.applicationId)) {
                provision(stage);
                this.stages.add(new TestStage(definition.name(), stage, settings, this.applicationId, this.topics,
                        this.clock));
            }
        }
    }

    /**
     * Creates the topics a stage writes to, as the runtime's topic provisioner does: the repartition topic with its
     * configured partitions or the input's; outputs, the dead-letter topic and the tables' changelogs with the
     * input's (table partition p follows input partition p). A topic set with {@link Builder#partitions} is kept as
     * an existing topic would be.
     */
    private void provision(Stages.Stage stage) {
        StreamDefinition definition = stage.definition();
        int partitions = this.topics.topic(definition.input()).partitions();
        if (stage.writes() != null) {
            this.topics.create(stage.writes(), (stage.partitions() > 0) ? stage.partitions() : partitions);
        }
        for (String output : definition.outputTopics()) {
            this.topics.create(output, partitions);
        }
        this.topics.create(stage.deadLetterTopic(), partitions);
        for (TableDefinition<?, ?> table : definition.tables()) {
            String changelog = table.changelogTopic(this.applicationId);
            int found = this.topics.create(changelog, partitions).partitions();
            if (found != partitions) {
                throw new InvalidStreamsException("Changelog topic '" + changelog + "' of table '" + table.name()
                        + "' has " + found + " partitions but input topic '" + definition.input() + "' has "
                        + partitions + "; table partition p follows input partition p, so they must match");
            }
        }
    }

    /** The stream's settings with one worker, one consumer client, and a backoff that moves the driver's clock. */
    private StreamSettings onTheCallingThread(StreamSettings settings) {
        return new StreamSettings(settings.enabled(), settings.guarantee(), 1, settings.maxInFlight(),
                settings.deadLetterTopic(), settings.commitInterval(), settings.commitRecords(),
                settings.retry().withSleeper((millis) -> this.clock.advance(Duration.ofMillis(millis))),
                settings.shutdownTimeout(), settings.properties(), settings.consumer(), settings.producer(),
                new StreamSettings.Workers(1, settings.workers().ordering(), false), settings.batch());
    }

    /**
     * A driver of streams with default settings.
     * @param definitions the streams
     * @return the driver
     * @throws InvalidStreamsException if the application would refuse the streams
     */
    public static MillraceTestDriver of(StreamDefinition... definitions) {
        return builder().streams(definitions).build();
    }

    /**
     * A driver of streams with settings.
     * @param settings the settings of a stream, by name
     * @param definitions the streams
     * @return the driver
     * @throws InvalidStreamsException if the application would refuse the streams
     */
    public static MillraceTestDriver of(Function<String, StreamSettings> settings, StreamDefinition... definitions) {
        return builder().settings(settings).streams(definitions).build();
    }

    /**
     * A builder of drivers.
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The application id: prefix of consumer groups, changelog and repartition topics.
     * @return the id
     */
    public String applicationId() {
        return this.applicationId;
    }

    /**
     * An input topic, to send records to.
     * @param topic the topic
     * @return the input
     */
    public TestInput input(String topic) {
        return new TestInput(this, topic, inputSchema(topic));
    }

    /**
     * A topic's records, to read what the streams wrote there (outputs, dead letters, changelogs, repartition).
     * @param topic the topic
     * @return the output
     */
    public TestOutput output(String topic) {
        return new TestOutput(this.topics.topic(topic), outputSchema(topic));
    }

    /**
     * The records of a stream's dead-letter topic, with their reasons.
     * @param stream the stream
     * @return the dead letters, in order
     */
    public List<DeadLetter> deadLetters(String stream) {
        StreamDefinition definition = definition(stream);
        String topic = this.settings.apply(stream).deadLetterTopicFor(definition.input());
        return this.topics.topic(topic).all().stream().map(DeadLetter::new).toList();
    }

    /**
     * A plain table's contents, committed or not (as the stream's processors read it), in key order per partition.
     * @param table the table
     * @param <K> the key type
     * @param <V> the value type
     * @return the entries
     */
    @SuppressWarnings("unchecked")
    public <K, V> Map<K, V> table(String table) {
        TableDefinition<K, V> definition = (TableDefinition<K, V>) tableDefinition(table);
        if (definition.windowed()) {
            throw new IllegalArgumentException("Table '" + table + "' is windowed: read it with windowedTable");
        }
        Map<K, V> entries = new LinkedHashMap<>();
        for (StoredTablePartition partition : tablePartitions(table)) {
            partition.forEach((key, value) -> entries.put(definition.keySchema().decode(key),
                    definition.valueSchema().decode(value)));
        }
        return entries;
    }

    /**
     * A windowed table's windows that are still kept (open, and closed ones within their retention), oldest first
     * (sessions: by last event time) per partition, then in key order.
     * @param table the table
     * @param <K> the key type
     * @param <V> the value type
     * @return the windows with their keys and values
     */
    @SuppressWarnings("unchecked")
    public <K, V> List<Windowed<K, V>> windowedTable(String table) {
        TableDefinition<K, V> definition = (TableDefinition<K, V>) tableDefinition(table);
        if (!definition.windowed()) {
            throw new IllegalArgumentException("Table '" + table + "' is not windowed: read it with table");
        }
        List<Windowed<K, V>> windows = new ArrayList<>();
        for (StoredTablePartition partition : tablePartitions(table)) {
            partition.forEach((key, value) -> {
                if (!WindowKeys.isMeta(key)) {
                    Window window = WindowKeys.window(definition.windows(), key);
                    K decoded = definition.keySchema().decode(WindowKeys.key(definition.windows(), key));
                    windows.add(new Windowed<>(decoded, window, definition.valueSchema().decode(value)));
                }
            });
        }
        return windows;
    }

    /**
     * The stream time of a windowed table's partition: the largest event time it has seen.
     * @param table the windowed table
     * @param partition the partition
     * @return the stream time, {@link Long#MIN_VALUE} before any record
     */
    public long streamTime(String table, int partition) {
        tableDefinition(table);
        return owner(table).tables().partition(table, partition).windowState().streamTime();
    }

    /**
     * The offsets a stream would have committed so far, per input partition (both stages' for a re-keyed stream):
     * the next offset to consume. Offsets are committed each commit interval of the driver's clock, every
     * {@code commit records} records, and on {@link #close()}.
     * @param stream the stream
     * @return the offsets
     */
    public Map<TopicPartition, Long> committedOffsets(String stream) {
        definition(stream);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        this.stages.stream().filter((stage) -> stage.stream().equals(stream))
            .forEach((stage) -> offsets.putAll(stage.committed()));
        return offsets;
    }

    /**
     * A stream's counters (its last stage's for a re-keyed stream), as the endpoint and the metrics read them.
     * @param stream the stream
     * @return the counters
     */
    public StreamStats stats(String stream) {
        definition(stream);
        TestStage last = null;
        for (TestStage stage : this.stages) {
            if (stage.stream().equals(stream)) {
                last = stage;
            }
        }
        if (last == null) {
            throw new IllegalStateException("Stream '" + stream + "' is disabled");
        }
        return last.stats();
    }

    /**
     * The streams' clock.
     * @return the clock
     */
    public TestClock clock() {
        return this.clock;
    }

    /**
     * Moves the streams' clock forward, then lets every stream do what the time brings (commit, end a batch), as
     * its poll loop would on its next turn.
     * @param duration how far
     */
    public void advanceWallClock(Duration duration) {
        this.clock.advance(duration);
        this.stages.forEach(TestStage::poll);
        drain();
    }

    /**
     * The timestamp the next record sent without one gets.
     * @return epoch milliseconds
     */
    public long eventTime() {
        return this.eventTime;
    }

    /**
     * Moves event time forward: the timestamp records sent without one get. Windows close when a record of the
     * later time arrives in their partition, as in production.
     * @param duration how far
     */
    public void advanceEventTime(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("event time is moved forward; send a record with an older "
                    + "timestamp to test late records");
        }
        this.eventTime += duration.toMillis();
    }

    /**
     * Stops the streams as a clean shutdown does: each finishes its work and commits it.
     */
    @Override
    public void close() {
        for (TestStage stage : this.stages) {
            stage.close();
        }
    }

    void send(String topic, Integer partition, Long timestamp, byte[] key, byte[] value,
            org.apache.kafka.common.header.Headers headers) {
        this.topics.append(topic, partition, (timestamp != null) ? timestamp : this.eventTime, key, value, headers);
        drain();
    }

    /** Hands every stage what its input holds, until no stage has anything left. */
    private void drain() {
        if (this.draining) {
            return;
        }
        this.draining = true;
        try {
            boolean consumed;
            do {
                consumed = false;
                for (TestStage stage : this.stages) {
                    consumed |= stage.consume();
                }
            }
            while (consumed);
        }
        finally {
            this.draining = false;
        }
    }

    private StreamDefinition definition(String stream) {
        StreamDefinition definition = this.definitions.get(stream);
        if (definition == null) {
            throw new IllegalArgumentException("No stream '" + stream + "'; the driver runs " + this.definitions.keySet());
        }
        return definition;
    }

    private TableDefinition<?, ?> tableDefinition(String table) {
        for (StreamDefinition definition : this.definitions.values()) {
            for (TableDefinition<?, ?> candidate : definition.tables()) {
                if (candidate.name().equals(table)) {
                    return candidate;
                }
            }
        }
        throw new IllegalArgumentException("No table '" + table + "'");
    }

    private TestStage owner(String table) {
        for (TestStage stage : this.stages) {
            if (stage.tables() != null && stage.tables().definition(table) != null) {
                return stage;
            }
        }
        throw new IllegalStateException("The stream of table '" + table + "' is disabled");
    }

    private List<StoredTablePartition> tablePartitions(String table) {
        return owner(table).tables().partitions(table);
    }

    /** The schema of the first stream that reads a topic, to encode objects sent to it. */
    private Schema<?> inputSchema(String topic) {
        for (TestStage stage : this.stages) {
            if (stage.input().equals(topic)) {
                return stage.stage().definition().inputSchema();
            }
        }
        return null;
    }

    /** The schema of an output of that topic, or of a stream reading it, to decode its values. */
    private Schema<?> outputSchema(String topic) {
        for (TestStage stage : this.stages) {
            for (Output<?, ?> output : stage.stage().definition().outputs()) {
                if (output.topic().equals(topic)) {
                    return output.schema();
                }
            }
        }
        return inputSchema(topic);
    }

    static byte[] utf8(String text) {
        return (text != null) ? text.getBytes(StandardCharsets.UTF_8) : null;
    }

    /**
     * Builds a driver.
     */
    public static final class Builder {

        private final List<StreamDefinition> definitions = new ArrayList<>();

        private Function<String, StreamSettings> settings = (name) -> StreamSettings.DEFAULTS;

        private String applicationId = "millrace";

        private Instant start = Instant.parse("2026-01-01T00:00:00Z");

        private int defaultPartitions = 1;

        private final Map<String, Integer> partitions = new LinkedHashMap<>();

        private Function<Map<String, String>, Duration> maxPollInterval = StreamChecks::maxPollInterval;

        private Builder() {
        }

        /**
         * Adds streams.
         * @param definitions the streams
         * @return this builder
         */
        public Builder streams(StreamDefinition... definitions) {
            this.definitions.addAll(Arrays.asList(definitions));
            return this;
        }

        /**
         * Adds streams.
         * @param definitions the streams
         * @return this builder
         */
        public Builder streams(List<StreamDefinition> definitions) {
            this.definitions.addAll(definitions);
            return this;
        }

        /**
         * The streams' settings; {@link StreamSettings#DEFAULTS} unless set.
         * @param settings the settings of a stream, by name
         * @return this builder
         */
        public Builder settings(Function<String, StreamSettings> settings) {
            this.settings = settings;
            return this;
        }

        /**
         * The settings of one stream; the others keep theirs.
         * @param stream the stream
         * @param settings its settings
         * @return this builder
         */
        public Builder settings(String stream, StreamSettings settings) {
            Function<String, StreamSettings> others = this.settings;
            this.settings = (name) -> name.equals(stream) ? settings : others.apply(name);
            return this;
        }

        /**
         * The application id, {@code millrace} unless set.
         * @param applicationId prefix of consumer groups, changelog and repartition topics
         * @return this builder
         */
        public Builder applicationId(String applicationId) {
            this.applicationId = applicationId;
            return this;
        }

        /**
         * Where the wall clock and event time start, 2026-01-01T00:00:00Z unless set.
         * @param start the instant
         * @return this builder
         */
        public Builder startAt(Instant start) {
            this.start = start;
            return this;
        }

        /**
         * The partitions of a topic; topics have one unless set here or with {@link #defaultPartitions}.
         * @param topic the topic
         * @param partitions its partitions
         * @return this builder
         */
        public Builder partitions(String topic, int partitions) {
            this.partitions.put(topic, partitions);
            return this;
        }

        /**
         * The partitions of every topic not set with {@link #partitions}.
         * @param partitions the partitions, 1 unless set
         * @return this builder
         */
        public Builder defaultPartitions(int partitions) {
            this.defaultPartitions = partitions;
            return this;
        }

        /**
         * How the consumers' {@code max.poll.interval.ms} is found, which bounds retries: from a stream's consumer
         * properties unless set (the Spring slice reads {@code spring.kafka.*} too).
         * @param maxPollInterval the interval given a stream's consumer properties
         * @return this builder
         */
        public Builder maxPollInterval(Function<Map<String, String>, Duration> maxPollInterval) {
            this.maxPollInterval = maxPollInterval;
            return this;
        }

        /**
         * Checks the streams as the application does at startup, and makes the driver.
         * @return the driver
         * @throws InvalidStreamsException if the application would refuse the streams
         */
        public MillraceTestDriver build() {
            return new MillraceTestDriver(this);
        }
    }
}
