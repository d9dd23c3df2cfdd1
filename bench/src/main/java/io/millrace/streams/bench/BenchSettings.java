package io.millrace.streams.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What to run, from {@code --name=value} arguments or {@code -Dbench.name=value} system properties (arguments
 * win).
 *
 * @param records input records of the throughput contest
 * @param rounds measured rounds; each runs every contender once, interleaved
 * @param warmupRounds rounds run first and not counted (JIT compilation, class loading)
 * @param partitions partitions of every topic
 * @param invalidRatio share of invalid input records
 * @param maxPollRecords records per poll, for every consumer
 * @param slowRecords input records of the slow-handler contest
 * @param slowDelay the slow handler's wait per record
 * @param slowWorkers Millrace's workers in the slow-handler contest
 * @param stallRecords input records of the stalled-output scenario
 * @param stallPadding extra bytes per record in the stalled-output scenario
 * @param stallWorkers Millrace's workers in the stalled-output scenario
 * @param stallMaxInFlight Millrace's max-in-flight in the stalled-output scenario
 * @param stallSettle how long in-flight must stay unchanged to count as stalled
 * @param forkBroker whether the broker runs in a JVM of its own
 * @param pin {@code auto}: pin the broker and the contenders to CPUs of their own if {@code taskset} can;
 * {@code on}: the same, but refuse to run unpinned; {@code off}
 * @param brokerCpus the broker JVM's CPUs, a {@code taskset -c} list
 * @param contenderCpus the harness JVM's CPUs (where every contender runs), a {@code taskset -c} list
 * @param timeout the longest one run may take
 * @param contenders the contenders to run by name, or empty for all; a contest or scenario with 0 records is
 * skipped
 * @param scenarios the scenarios to run: {@code animals} (the throughput contest, the slow handler and the stalled
 * output), {@code restore}, {@code wordcount}, {@code windowed}, {@code windowed-rekeyed}, {@code tracing}, {@code queries}
 * @param restoreRecords distinct keys in the changelog of the restore scenario
 * @param restorePartitions partitions of that changelog (and of its stream's input)
 * @param wordCountRecords input records (words) of the word-count scenario
 * @param wordCountWords the vocabulary those words are drawn from
 * @param wordCountPartitions partitions of the word-count topics
 * @param windowedRecords input records of the windowed-count scenario
 * @param windowedKeys the keys those records are drawn from
 * @param windowedWindows how many 10 s windows of event time the records span (all of them close during the run)
 * @param windowedPartitions partitions of the windowed-count topics
 * @param tracingRecords input records of the tracing-cost scenario (the animals stream, tracing off and on)
 * @param queriesKeys keys of the table the queries scenario looks up
 * @param queriesPartitions partitions of that table (and of its input)
 * @param queriesThreads client threads looking keys up at once
 * @param queriesDuration how long each measurement of the queries scenario looks keys up
 */
record BenchSettings(int records, int rounds, int warmupRounds, int partitions, double invalidRatio,
        int maxPollRecords, int slowRecords, Duration slowDelay, int slowWorkers, int stallRecords, int stallPadding,
        int stallWorkers, int stallMaxInFlight, Duration stallSettle, boolean forkBroker, String pin,
        String brokerCpus, String contenderCpus, Duration timeout, Set<String> contenders, Set<String> scenarios,
        int restoreRecords, int restorePartitions, int wordCountRecords, int wordCountWords, int wordCountPartitions,
        int windowedRecords, int windowedKeys, int windowedWindows, int windowedPartitions, int tracingRecords,
        int queriesKeys, int queriesPartitions, int queriesThreads, Duration queriesDuration) {

    /** Every scenario, as {@code --scenario=all} names them. */
    static final Set<String> SCENARIOS = Set.of("animals", "restore", "wordcount", "windowed",
            "windowed-rekeyed", "tracing", "queries");

    /** The values of {@code --pin}. */
    static final Set<String> PINS = Set.of("auto", "on", "off");

    /**
     * Reads the settings.
     * @param args {@code --name=value} arguments
     * @param system system properties, read as {@code bench.name}
     * @return the settings
     */
    static BenchSettings from(String[] args, Properties system) {
        Map<String, String> values = new HashMap<>();
        system.stringPropertyNames().stream().filter((key) -> key.startsWith("bench."))
                .forEach((key) -> values.put(key.substring("bench.".length()), system.getProperty(key)));
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("Expected --name=value, not " + arg);
            }
            values.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        Reader reader = new Reader(values);
        BenchSettings settings = new BenchSettings(reader.integer("records", 1_000_000), reader.integer("rounds", 5),
                reader.integer("warmup-rounds", 1), reader.integer("partitions", 4),
                reader.decimal("invalid-ratio", 0.01), reader.integer("max-poll-records", 500),
                reader.integer("slow-records", 20_000), Duration.ofMillis(reader.integer("slow-delay-ms", 5)),
                reader.integer("slow-workers", 64), reader.integer("stall-records", 10_000),
                reader.integer("stall-padding", 10_000), reader.integer("stall-workers", 8),
                reader.integer("stall-max-in-flight", 1000),
                Duration.ofMillis(reader.integer("stall-settle-ms", 2000)),
                !"in-process".equals(reader.text("broker", "fork")), reader.text("pin", "auto"),
                reader.text("broker-cpus", "0"), reader.text("contender-cpus", "1"),
                Duration.ofSeconds(reader.integer("timeout-seconds", 600)),
                names(reader.text("contenders", "")), scenarios(reader.text("scenario", "animals")),
                reader.integer("restore-records", 1_000_000), reader.integer("restore-partitions", 1),
                reader.integer("wordcount-records", 1_000_000), reader.integer("wordcount-words", 10_000),
                reader.integer("wordcount-partitions", 3), reader.integer("windowed-records", 1_000_000),
                reader.integer("windowed-keys", 10_000), reader.integer("windowed-windows", 10),
                reader.integer("windowed-partitions", 3), reader.integer("tracing-records", 1_000_000),
                reader.integer("queries-keys", 10_000), reader.integer("queries-partitions", 6),
                reader.integer("queries-threads", 4), Duration.ofMillis(reader.integer("queries-millis", 3000)));
        if (!reader.unread().isEmpty()) {
            throw new IllegalArgumentException("Unknown settings " + reader.unread());
        }
        if (settings.rounds() < 1 || settings.warmupRounds() < 0) {
            throw new IllegalArgumentException("Expected rounds >= 1 and warmup-rounds >= 0, not "
                    + settings.rounds() + " and " + settings.warmupRounds());
        }
        if (settings.queriesKeys() < 1 || settings.queriesPartitions() < 2 || settings.queriesThreads() < 1
                || settings.queriesDuration().toMillis() < 1) {
            throw new IllegalArgumentException("Expected queries-keys >= 1, queries-partitions >= 2 (two instances "
                    + "own them), queries-threads >= 1 and queries-millis >= 1");
        }
        if (!PINS.contains(settings.pin())) {
            throw new IllegalArgumentException("Unknown pin " + settings.pin() + "; expected one of " + PINS);
        }
        return settings;
    }

    private static Set<String> names(String list) {
        return Set.of(list.split(",")).stream().map(String::trim).filter((name) -> !name.isBlank())
                .collect(Collectors.toSet());
    }

    private static Set<String> scenarios(String list) {
        Set<String> scenarios = names(list);
        if (scenarios.contains("all")) {
            return SCENARIOS;
        }
        for (String scenario : scenarios) {
            if (!SCENARIOS.contains(scenario)) {
                throw new IllegalArgumentException("Unknown scenario " + scenario + "; expected one of " + SCENARIOS
                        + " or all");
            }
        }
        return scenarios;
    }

    /**
     * Whether to run a scenario.
     * @param name {@code animals}, {@code restore}, {@code wordcount}, {@code windowed}, {@code windowed-rekeyed},
     *        {@code tracing} or {@code queries}
     * @return whether it was asked for
     */
    boolean scenario(String name) {
        return this.scenarios.contains(name);
    }

    /**
     * Whether to run a contender.
     * @param name the contender's name
     * @return whether it was asked for
     */
    boolean runs(String name) {
        return this.contenders.isEmpty() || this.contenders.contains(name);
    }

    /**
     * The rate the slow handler allows with all its workers busy.
     * @return records per second
     */
    double slowIdealRate() {
        return this.slowWorkers * 1e9 / this.slowDelay.toNanos();
    }

    /** Reads values by name, keeping track of those never asked for. */
    private static final class Reader {

        private final Map<String, String> unread;

        Reader(Map<String, String> values) {
            this.unread = new HashMap<>(values);
        }

        String text(String name, String fallback) {
            String value = this.unread.remove(name);
            return (value != null) ? value : fallback;
        }

        int integer(String name, int fallback) {
            return Integer.parseInt(text(name, Integer.toString(fallback)).replace("_", ""));
        }

        double decimal(String name, double fallback) {
            return Double.parseDouble(text(name, Double.toString(fallback)));
        }

        Map<String, String> unread() {
            return this.unread;
        }
    }
}
