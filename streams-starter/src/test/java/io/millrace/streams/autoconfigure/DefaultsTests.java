package io.millrace.streams.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import io.millrace.streams.runtime.Guarantee;
import io.millrace.streams.runtime.StateConfig;
import io.millrace.streams.runtime.StreamSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holds the defaults of {@link MillraceProperties} to the runtime's, their one home, and the README's configuration
 * table to both: they drifted apart before (shutdown timeout 30 s against 20 s, max-in-flight 1000 against 10000).
 */
class DefaultsTests {

    private static final StreamSettings DEFAULTS = StreamSettings.DEFAULTS;

    @Test
    void aStreamWithoutPropertiesGetsTheRuntimesDefaults() {
        assertThat(StreamSettingsMapper.settings(new MillraceProperties.Stream())).isEqualTo(DEFAULTS);
        assertThat(StreamSettingsMapper.byName(new MillraceProperties().getStreams()).apply("any")).isEqualTo(DEFAULTS);
    }

    @Test
    void everyStreamPropertyStartsFromTheRuntimesDefault() {
        MillraceProperties.Stream stream = new MillraceProperties.Stream();
        assertThat(stream.isEnabled()).as("enabled").isEqualTo(DEFAULTS.enabled());
        assertThat(stream.getGuarantee()).as("guarantee").isEqualTo(DEFAULTS.guarantee());
        assertThat(stream.getConcurrency()).as("concurrency").isEqualTo(DEFAULTS.concurrency());
        assertThat(stream.getWorkers()).as("workers").isEqualTo(DEFAULTS.workers().count());
        assertThat(stream.getOrdering()).as("ordering").isEqualTo(DEFAULTS.workers().ordering());
        assertThat(stream.isVirtualThreads()).as("virtual-threads").isEqualTo(DEFAULTS.workers().virtualThreads());
        assertThat(stream.getMaxInFlight()).as("max-in-flight").isEqualTo(DEFAULTS.maxInFlight());
        // A literal in the properties, so that the configuration processor can show it as the default.
        assertThat(new MillraceProperties().getHttpIngress().getMaxInFlight()).as("http-ingress.max-in-flight")
            .isEqualTo(io.millrace.streams.ingress.HttpIngressHandler.DEFAULT_MAX_IN_FLIGHT);
        assertThat(stream.getDeadLetterTopic()).as("dead-letter-topic").isEqualTo(DEFAULTS.deadLetterTopic());
        assertThat(stream.getShutdownTimeout()).as("shutdown-timeout").isEqualTo(DEFAULTS.shutdownTimeout());
        // Unset, so that it follows the guarantee.
        assertThat(stream.getCommit().getInterval()).as("commit.interval").isNull();
        assertThat(stream.getCommit().getRecords()).as("commit.records").isEqualTo(DEFAULTS.commitRecords());
        assertThat(stream.getBatch().getSize()).as("batch.size").isEqualTo(DEFAULTS.batch().size());
        assertThat(stream.getBatch().getTime()).as("batch.time").isEqualTo(DEFAULTS.batch().time());
        MillraceProperties.Retry retry = stream.getRetry();
        assertThat(retry.getMaxAttempts()).as("retry.max-attempts").isEqualTo(DEFAULTS.retry().maxAttempts());
        assertThat(retry.getBackoff()).as("retry.backoff").isEqualTo(DEFAULTS.retry().initialBackoff());
        assertThat(retry.getMultiplier()).as("retry.multiplier").isEqualTo(DEFAULTS.retry().multiplier());
        assertThat(retry.getMaxBackoff()).as("retry.max-backoff").isEqualTo(DEFAULTS.retry().maxBackoff());
        MillraceProperties.DeadLetterLimit limit = stream.getDeadLetterLimit();
        assertThat(limit.getMaxRatio()).as("dead-letter-limit.max-ratio")
            .isEqualTo(DEFAULTS.deadLetterLimit().maxRatio());
        assertThat(limit.getWindow()).as("dead-letter-limit.window").isEqualTo(DEFAULTS.deadLetterLimit().window());
        assertThat(limit.getMaxConsecutive()).as("dead-letter-limit.max-consecutive")
            .isEqualTo(DEFAULTS.deadLetterLimit().maxConsecutive());
        assertThat(DEFAULTS.deadLetterLimit().enabled()).as("dead-letter limits are off by default").isFalse();
        assertThat(stream.getProperties()).as("properties").isEqualTo(DEFAULTS.properties());
        assertThat(stream.getConsumer()).as("consumer").isEqualTo(DEFAULTS.consumer());
        assertThat(stream.getProducer()).as("producer").isEqualTo(DEFAULTS.producer());
    }

    @Test
    void theCommitIntervalFollowsTheGuaranteeUnlessSet() {
        assertThat(DEFAULTS.commitInterval()).isEqualTo(StreamSettings.defaultCommitInterval(DEFAULTS.guarantee()));
        MillraceProperties.Stream stream = new MillraceProperties.Stream();
        stream.setGuarantee(Guarantee.EXACTLY_ONCE);
        assertThat(StreamSettingsMapper.settings(stream).commitInterval())
            .isEqualTo(StreamSettings.defaultCommitInterval(Guarantee.EXACTLY_ONCE));
    }

    /** The annotation processor publishes these as defaults only while they are literals: they stay duplicated. */
    @Test
    void everyTablePropertyDefaultsToTheRuntimesStateConfig() {
        StateConfig defaults = StateConfig.defaults("app");
        MillraceProperties.Tables tables = new MillraceProperties().getTables();
        assertThat(tables.getStore()).as("tables.store").isEqualTo(defaults.defaultStore());
        assertThat(tables.getStandbyReplicas()).as("tables.standby-replicas").isEqualTo(defaults.standbyReplicas());
        assertThat(tables.getRocksdb().getBlockCacheSize().toBytes()).as("tables.rocksdb.block-cache-size")
            .isEqualTo(defaults.blockCacheSize());
        assertThat(tables.getRocksdb().getWriteBufferSize().toBytes()).as("tables.rocksdb.write-buffer-size")
            .isEqualTo(defaults.writeBufferSize());
    }

    @Test
    void theReadmesConfigurationTableShowsTheDefaults() throws IOException {
        Map<String, String> documented = readmeDefaults();
        Map<String, String> expected = new LinkedHashMap<>();
        String stream = "millrace.streams.<name>.";
        expected.put(stream + "enabled", String.valueOf(DEFAULTS.enabled()));
        expected.put(stream + "guarantee", DEFAULTS.guarantee().name().toLowerCase().replace('_', '-'));
        expected.put(stream + "concurrency", String.valueOf(DEFAULTS.concurrency()));
        expected.put(stream + "workers", String.valueOf(DEFAULTS.workers().count()));
        expected.put(stream + "ordering", DEFAULTS.workers().ordering().name().toLowerCase());
        expected.put(stream + "virtual-threads", String.valueOf(DEFAULTS.workers().virtualThreads()));
        expected.put(stream + "max-in-flight", String.valueOf(DEFAULTS.maxInFlight()));
        expected.put(stream + "batch.size", DEFAULTS.batch().size() + " / " + duration(DEFAULTS.batch().time()));
        expected.put(stream + "commit.interval", duration(DEFAULTS.commitInterval()) + " ("
                + duration(StreamSettings.defaultCommitInterval(Guarantee.EXACTLY_ONCE)) + " under exactly-once)");
        expected.put(stream + "commit.records", String.valueOf(DEFAULTS.commitRecords()));
        expected.put(stream + "retry.max-attempts", String.valueOf(DEFAULTS.retry().maxAttempts()));
        expected.put(stream + "retry.backoff", duration(DEFAULTS.retry().initialBackoff()));
        expected.put(stream + "retry.multiplier", number(DEFAULTS.retry().multiplier()));
        expected.put(stream + "retry.max-backoff", duration(DEFAULTS.retry().maxBackoff()));
        expected.put(stream + "shutdown-timeout", duration(DEFAULTS.shutdownTimeout()));
        expected.put(stream + "dead-letter-limit.max-consecutive",
                DEFAULTS.deadLetterLimit().maxConsecutive() + " (off)");
        expected.put(stream + "dead-letter-limit.max-ratio", number(DEFAULTS.deadLetterLimit().maxRatio())
                + " (off) / " + DEFAULTS.deadLetterLimit().window());
        expected.put(stream + "repartition.partitions",
                new MillraceProperties.Stream().getRepartition().getPartitions() + " (the input's)");
        MillraceProperties.Tables tables = new MillraceProperties().getTables();
        expected.put("millrace.tables.store", tables.getStore().name().toLowerCase());
        expected.put("millrace.tables.standby-replicas", String.valueOf(tables.getStandbyReplicas()));
        expected.put("millrace.tables.rocksdb.block-cache-size", size(tables.getRocksdb().getBlockCacheSize()));
        expected.put("millrace.tables.rocksdb.write-buffer-size", size(tables.getRocksdb().getWriteBufferSize()));
        expected.put("millrace.health.stuck-after", duration(new StreamsHealthProperties().getStuckAfter()));
        expected.put("millrace.http-ingress.max-in-flight",
                String.valueOf(new MillraceProperties().getHttpIngress().getMaxInFlight()));
        assertThat(documented).containsAllEntriesOf(expected);
    }

    /**
     * The default column of the README's configuration table, by the row's first property; backquotes dropped.
     */
    static Map<String, String> readmeDefaults() throws IOException {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (ReadmeRow row : readmeRows()) {
            defaults.put(row.properties().get(0), row.defaults());
        }
        return defaults;
    }

    /**
     * Every property of the README's configuration table with its own default: a row naming several properties
     * ({@code `a.b.size` / `.time`}) gives each the matching part of a default written the same way ({@code `100` /
     * `50ms`}), and those past the parts none.
     */
    static Map<String, String> readmeProperties() throws IOException {
        Map<String, String> properties = new LinkedHashMap<>();
        for (ReadmeRow row : readmeRows()) {
            List<String> defaults = List.of(row.defaults().split(" / "));
            for (int i = 0; i < row.properties().size(); i++) {
                properties.put(row.properties().get(i), (i < defaults.size()) ? defaults.get(i).trim() : "");
            }
        }
        return properties;
    }

    /**
     * One row of the README's configuration table.
     * @param properties its properties, in full: a {@code .suffix} after the first replaces as many of the first's
     * last segments as it has
     * @param defaults its default column, backquotes dropped
     */
    record ReadmeRow(List<String> properties, String defaults) {
    }

    /** The rows of the README's section "## Configuration" that name {@code millrace.*} properties. */
    static List<ReadmeRow> readmeRows() throws IOException {
        Path readme = List.of(Path.of("..", "README.md"), Path.of("README.md")).stream()
            .filter(Files::isRegularFile)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("README.md not found from " + Path.of("").toAbsolutePath()));
        Pattern row = Pattern.compile("^\\| (`[^`]+`(?: / `[^`]+`)*)[^|]*\\| ([^|]*) \\|");
        Pattern quoted = Pattern.compile("`([^`]+)`");
        List<ReadmeRow> rows = new ArrayList<>();
        boolean inSection = false;
        for (String line : Files.readAllLines(readme)) {
            if (line.startsWith("## ")) {
                inSection = line.equals("## Configuration");
            }
            if (!inSection) {
                continue;
            }
            Matcher matcher = row.matcher(line);
            if (!matcher.find() || !matcher.group(1).startsWith("`millrace.")) {
                continue;
            }
            List<String> properties = new ArrayList<>();
            Matcher names = quoted.matcher(matcher.group(1));
            while (names.find()) {
                String name = names.group(1);
                if (properties.isEmpty()) {
                    properties.add(name);
                    continue;
                }
                String first = properties.get(0);
                int segments = name.substring(1).split("\\.").length;
                String base = first;
                for (int i = 0; i < segments; i++) {
                    base = base.substring(0, base.lastIndexOf('.'));
                }
                properties.add(base + name);
            }
            rows.add(new ReadmeRow(List.copyOf(properties), matcher.group(2).replace("`", "").trim()));
        }
        return rows;
    }

    /** As the README and the metadata write durations: whole minutes in m, whole seconds in s, else ms. */
    static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (millis >= 60_000 && millis % 60_000 == 0) {
            return (millis / 60_000) + "m";
        }
        return (millis >= 1000 && millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
    }

    private static String size(DataSize size) {
        return size.toMegabytes() + "MB";
    }

    private static String number(double value) {
        return (value == Math.rint(value)) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
