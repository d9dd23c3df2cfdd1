package io.millrace.streams.runtime.internal;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.runtime.KafkaClients;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.strategy.RecordLimits;
import io.millrace.streams.table.TableDefinition;

/**
 * The topics of one stream: waits for its input topic, creates its output, dead-letter and changelog topics (through
 * {@link KafkaClients}, which the Boot glue backs with the application's {@code Admin}), checks that each changelog
 * has the input's partitions, and reads the record size limits of the topics it writes to. Every wait ends at once
 * when the stream is stopped.
 */
final class TopicProvisioner {

    private static final Logger logger = LoggerFactory.getLogger(TopicProvisioner.class);

    /** The longest wait between two looks for a missing input topic. */
    private static final Duration INPUT_CHECK_INTERVAL = Duration.ofSeconds(2);

    /**
     * The first wait: a topic created a moment later (a re-keyed stream's repartition topic, created by its first
     * stage while its second stage looks for it) is found at once; the waits double up to the interval.
     */
    private static final Duration FIRST_INPUT_CHECK = Duration.ofMillis(50);

    /** A topic just created takes a moment to show in the metadata of every broker. */
    private static final Duration METADATA_CHECK_INTERVAL = Duration.ofMillis(200);

    private static final int METADATA_CHECKS = 50;

    /**
     * How much longer than its windows' retention a windowed changelog keeps its records: Kafka Streams' default
     * {@code windowstore.changelog.additional.retention.ms}, a margin for clocks and late restores.
     */
    static final Duration WINDOWED_CHANGELOG_EXTRA_RETENTION = Duration.ofDays(1);

    private final StreamDefinition definition;

    private final KafkaClients clients;

    private final String applicationId;

    private final String deadLetterTopic;

    private final boolean createTopics;

    /** The repartition topic this stream writes to (a re-keyed stream's first stage), or {@code null}. */
    private final String repartitionTopic;

    /** Its partition count, {@code 0} for the input's. */
    private final int repartitionPartitions;

    TopicProvisioner(StreamDefinition definition, KafkaClients clients, String applicationId, String deadLetterTopic,
            boolean createTopics) {
        this(definition, clients, applicationId, deadLetterTopic, createTopics, null, 0);
    }

    TopicProvisioner(StreamDefinition definition, KafkaClients clients, String applicationId, String deadLetterTopic,
            boolean createTopics, String repartitionTopic, int repartitionPartitions) {
        this.repartitionTopic = repartitionTopic;
        this.repartitionPartitions = repartitionPartitions;
        this.definition = definition;
        this.clients = clients;
        this.applicationId = applicationId;
        this.deadLetterTopic = deadLetterTopic;
        this.createTopics = createTopics;
    }

    /**
     * Waits until the input topic exists, looking again after 50 ms, then twice as long each time up to 2 s; an
     * unreachable broker is waited for like a missing topic.
     * @param stopped released when the stream stops
     * @param waiting runs once, when the first look finds no topic
     * @return the input's partition count, or empty if the stream was stopped first
     */
    OptionalInt awaitInput(CountDownLatch stopped, Runnable waiting) {
        boolean saidMissing = false;
        boolean saidUnreachable = false;
        Duration wait = FIRST_INPUT_CHECK;
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
                if (!saidUnreachable) {
                    logger.warn("Stream '{}' cannot look up its input topic '{}' yet: {}", name(),
                            this.definition.input(), ex.toString());
                    saidUnreachable = true;
                }
            }
            waiting.run();
            if (await(stopped, wait)) {
                return OptionalInt.empty();
            }
            wait = Duration.ofMillis(Math.min(2 * wait.toMillis(), INPUT_CHECK_INTERVAL.toMillis()));
        }
    }

    /**
     * Creates the stream's topics if configured to, and checks its changelogs.
     * @param partitions the input's partition count
     * @param stopped released when the stream stops
     * @return {@code false} if the stream was stopped meanwhile
     * @throws InvalidStreamsException if a changelog is missing or has another partition count than the input
     */
    boolean provision(int partitions, CountDownLatch stopped) {
        if (this.repartitionTopic != null && !provisionRepartition(partitions, stopped)) {
            return false;
        }
        if (this.createTopics) {
            Set<String> topics = new LinkedHashSet<>(this.definition.outputTopics());
            topics.remove(this.repartitionTopic);
            topics.add(this.deadLetterTopic);
            for (String topic : topics) {
                this.clients.createTopic(topic, partitions, Map.of());
            }
            for (TableDefinition<?, ?> table : this.definition.tables()) {
                this.clients.createTopic(table.changelogTopic(this.applicationId), partitions, changelogConfig(table));
            }
        }
        return checkChangelogs(partitions, stopped);
    }

    /**
     * The repartition topic is the application's own: created whatever {@code millrace.topics.create} says, with
     * the configured partitions or the input's, its records kept until the second stage committed and deleted them.
     */
    private boolean provisionRepartition(int inputPartitions, CountDownLatch stopped) {
        int wanted = (this.repartitionPartitions > 0) ? this.repartitionPartitions : inputPartitions;
        OptionalInt found = this.clients.partitions(this.repartitionTopic);
        if (found.isEmpty()) {
            this.clients.createTopic(this.repartitionTopic, wanted,
                    Map.of("cleanup.policy", "delete", "retention.ms", "-1"));
            logger.info("Stream '{}': created repartition topic '{}' with {} partitions", name(),
                    this.repartitionTopic, wanted);
        }
        for (int check = 0; found.isEmpty() && check < METADATA_CHECKS; check++) {
            if (await(stopped, METADATA_CHECK_INTERVAL)) {
                return false;
            }
            found = this.clients.partitions(this.repartitionTopic);
        }
        if (found.isEmpty()) {
            throw new InvalidStreamsException("Stream '" + name() + "': repartition topic '" + this.repartitionTopic
                    + "' could not be created");
        }
        if (found.getAsInt() != wanted) {
            throw new InvalidStreamsException("Stream '" + name() + "': repartition topic '" + this.repartitionTopic
                    + "' has " + found.getAsInt() + " partitions but the stream wants " + wanted + " ("
                    + ((this.repartitionPartitions > 0) ? "millrace.streams." + name() + ".repartition.partitions"
                            : "the partitions of input topic '" + this.definition.input() + "'")
                    + "); set millrace.streams." + name() + ".repartition.partitions=" + found.getAsInt()
                    + ", or delete the repartition topic and its stream's changelogs while the application is "
                    + "stopped");
        }
        return true;
    }

    /**
     * The configuration a table's changelog is created with: compacted; for a windowed table, also deleted after the
     * windows' retention plus {@link #WINDOWED_CHANGELOG_EXTRA_RETENTION}, so that expired windows leave the topic as
     * they leave the store, tombstones or not.
     * @param table the table
     * @return the topic configuration
     */
    static Map<String, String> changelogConfig(TableDefinition<?, ?> table) {
        if (!table.windowed()) {
            return Map.of("cleanup.policy", "compact");
        }
        long retention = table.windows().retentionMillis();
        long extra = WINDOWED_CHANGELOG_EXTRA_RETENTION.toMillis();
        long topicRetention = (retention > Long.MAX_VALUE - extra) ? Long.MAX_VALUE : retention + extra;
        return new TreeMap<>(Map.of("cleanup.policy", "compact,delete", "retention.ms", Long.toString(topicRetention)));
    }

    /** A changelog must have the input's partitions: table partition p follows input partition p. */
    private boolean checkChangelogs(int partitions, CountDownLatch stopped) {
        for (TableDefinition<?, ?> table : this.definition.tables()) {
            String changelog = table.changelogTopic(this.applicationId);
            OptionalInt found = this.clients.partitions(changelog);
            for (int check = 0; found.isEmpty() && this.createTopics && check < METADATA_CHECKS; check++) {
                if (await(stopped, METADATA_CHECK_INTERVAL)) {
                    return false;
                }
                found = this.clients.partitions(changelog);
            }
            if (found.isEmpty()) {
                throw new InvalidStreamsException("Stream '" + name() + "': changelog topic '" + changelog
                        + "' of table '" + table.name() + "' does not exist; create it with " + partitions
                        + " partitions and " + changelogConfig(table) + ", or set millrace.topics.create=true");
            }
            if (found.getAsInt() != partitions) {
                throw new InvalidStreamsException("Stream '" + name() + "': changelog topic '" + changelog
                        + "' has " + found.getAsInt() + " partitions but input topic '" + this.definition.input()
                        + "' has " + partitions + "; table partition p follows input partition p, so they must "
                        + "match. Recreate the changelog (its table is rebuilt from it) or repartition the input");
            }
        }
        return true;
    }

    /**
     * The largest record each output and changelog topic takes, read once per start.
     * @param producer the producer properties of the stream
     * @return the limits
     */
    RecordLimits recordLimits(Map<String, ?> producer) {
        Set<String> topics = new LinkedHashSet<>(this.definition.outputTopics());
        for (TableDefinition<?, ?> table : this.definition.tables()) {
            topics.add(table.changelogTopic(this.applicationId));
        }
        RecordLimits limits = this.clients.recordLimits(producer, topics);
        if (!limits.topicLimits().isEmpty()) {
            logger.info("Stream '{}': records above their topic's max.message.bytes {} are dead-lettered before "
                    + "they are sent", name(), limits.topicLimits());
        }
        return limits;
    }

    /** Waits on the stop latch instead of sleeping: a stop ends the wait at once. Whether the stream stopped. */
    private static boolean await(CountDownLatch stopped, Duration duration) {
        try {
            return stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private String name() {
        return this.definition.name();
    }
}
