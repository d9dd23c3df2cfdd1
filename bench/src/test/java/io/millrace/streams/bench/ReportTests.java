package io.millrace.streams.bench;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static io.millrace.streams.bench.SpreadTests.run;
import static io.millrace.streams.bench.SpreadTests.warmup;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report of made-up runs: medians, ranges, and ratios taken round by round.
 */
class ReportTests {

    @Test
    void theThroughputContestShowsEachContendersRangeAndTheMedianOfThePerRoundRatios() {
        List<RunResult> runs = List.of(warmup("bare", 0, 10), warmup("kstreams", 0, 10), warmup("millrace", 0, 99),
                run("bare", 1, 100), run("kstreams", 1, 50), run("millrace", 1, 90),
                run("bare", 2, 200), run("kstreams", 2, 100), run("millrace", 2, 100),
                run("bare", 3, 300), run("kstreams", 3, 200), run("millrace", 3, 330));
        Results results = new Results(BenchSettings.from(new String[0], new Properties()), "its own JVM",
                "not pinned to CPUs: --pin=off", new Expected(1000, Map.of("dlt", 10L), 0),
                List.of(contender("bare"), contender("kstreams"), contender("millrace")), runs, null, List.of(),
                List.of(), null, null, null, null, null, null, null);

        String report = new Report(results).markdown();

        assertThat(report).contains("| the bare | 100 | 200 | 300 | **200** | 100-300 (100%) |",
                "| Millrace / bare loop (c/a) | **0.90** | 0.50-1.10 | 0.90, 0.50, 1.10 | >= 0.95 (**not met**) |",
                "| Millrace / Kafka Streams (c/b) | **1.65** | 1.00-1.80 | 1.80, 1.00, 1.65 | >= 1.30 (met) |",
                "not pinned to CPUs: --pin=off");
    }

    @Test
    void theWindowedCountComparesEachMillraceRunWithKafkaStreamsOfTheSameGuaranteeAndTheBareLoop() {
        ClientSettings clients = new ClientSettings("localhost:9092", 500);
        List<WindowedContender> contenders = List.of(new BareWindowedCount("in", clients, false),
                new KafkaStreamsWindowedCount("in", clients, true, false, false),
                new MillraceWindowedCount("in", clients, false, false),
                new KafkaStreamsWindowedCount("in", clients, true, true, false),
                new MillraceWindowedCount("in", clients, true, false));
        List<RunResult> runs = List.of(run("win-bare", 1, 400), run("win-kstreams-suppress", 1, 100),
                run("win-millrace", 1, 200), run("win-kstreams-suppress-eos", 1, 100),
                run("win-millrace-eos", 1, 120));
        Results results = new Results(BenchSettings.from(new String[0], new Properties()), "its own JVM",
                "not pinned to CPUs: --pin=off", null, List.of(), List.of(), null, List.of(), List.of(), null, null,
                null, new WindowedResults(false, 1000, 10, 2, 20, 3, contenders, runs, Map.of("win-millrace", 20L)),
                null, null, null);

        String report = new Report(results).markdown();

        assertThat(report).contains("| win-millrace / win-bare | **0.50** |",
                "| win-millrace / win-kstreams-suppress | **2.00** | 2.00-2.00 | 2.00 | >= 1.50 (met) |",
                "| win-millrace-eos / win-kstreams-suppress-eos | **1.20** | 1.20-1.20 | 1.20 | >= 1.50 (**not met**) |",
                "| win-millrace-eos / win-bare | **0.30** |")
            .doesNotContain("win-millrace / win-kstreams-suppress-eos", "win-millrace-eos / win-kstreams-suppress |");
    }

    @Test
    void theTracingCostSaysWhetherTracingOffChangesAnythingMeasurable() {
        List<RunResult> runs = List.of(run("tr-bare", 1, 200), run("tr-millrace", 1, 100),
                run("tr-millrace-off", 1, 98), run("tr-millrace-on", 1, 49), run("tr-bare", 2, 200),
                run("tr-millrace", 2, 100), run("tr-millrace-off", 2, 103), run("tr-millrace-on", 2, 60));
        Results results = new Results(BenchSettings.from(new String[0], new Properties()), "its own JVM",
                "not pinned to CPUs: --pin=off", null, List.of(), List.of(), null, List.of(), List.of(), null, null,
                null, null, null, new TracingResults(new Expected(1000, Map.of("dlt", 10L), 0),
                        List.of(contender("tr-bare"), contender("tr-millrace"), contender("tr-millrace-off"),
                                contender("tr-millrace-on")), runs), null);

        String report = new Report(results).markdown();

        assertThat(report).contains("## Tracing cost: the animals stream, 1,000 records (1.0% invalid)",
                "| Millrace tracing off / no registry, throughput | **1.00** | 0.98-1.03 | 0.98, 1.03 | "
                        + "no measurable change (met) |",
                "| Millrace tracing on / off, throughput | **0.54** | 0.50-0.58 | 0.50, 0.58 |  |",
                "| Millrace no registry / bare loop, throughput | **0.50** |",
                "the per-round ratios span 1.0, no measurable change in this run");
    }

    @Test
    void theQueriesGiveLookupsPerSecondLatenciesAndForwardedOverLocalRoundByRound() {
        List<QueryRun> runs = List.of(query("query-local", 0, true, 100, 1000), query("query-forwarded", 0, true, 10,
                9000), query("query-local", 1, false, 1000, 200), query("query-forwarded", 1, false, 500, 500),
                query("query-java", 1, false, 100_000, 2), query("query-local", 2, false, 2000, 100),
                query("query-forwarded", 2, false, 500, 300), query("query-java", 2, false, 100_000, 2));
        Results results = new Results(BenchSettings.from(new String[0], new Properties()), "its own JVM",
                "not pinned to CPUs: --pin=off", null, List.of(), List.of(), null, List.of(), List.of(), null, null,
                null, null, null, null, new QueryResults(10_000, 6, 4, java.time.Duration.ofSeconds(3), List.of(5100, 4900),
                        30_000, runs));

        String report = new Report(results).markdown();

        assertThat(report).contains("10,000 keys, 6 partitions, two instances, 4 client threads, 3.0 s",
                "own 5,100 and 4,900 of the keys", "30,000 answers",
                "| query-local | 1,000 | 2,000 | **1,500** | 1,000-2,000 | 150 (100-200) |",
                "| query-java | 100,000 | 100,000 | **100,000** |",
                "| lookups/s: forwarded / local | **0.38** | 0.25-0.50 | 0.50, 0.25 |",
                "| p50: forwarded / local | **2.75** | 2.50-3.00 | 2.50, 3.00 |");
    }

    /** A measurement of lookups per second over 1 s with a p50 (and a p99 ten times that) in microseconds. */
    private static QueryRun query(String mode, int round, boolean warmup, long lookups, long p50Micros) {
        return new QueryRun(mode, round, warmup, java.time.Duration.ofSeconds(1), java.time.Duration.ofMillis(100),
                new Latencies.Summary(lookups, p50Micros * 1000, p50Micros * 10_000, p50Micros * 20_000,
                        p50Micros * 30_000));
    }

    private static Contender contender(String name) {
        return new Contender() {

            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return "the " + name;
            }

            @Override
            public Map<String, String> topics() {
                return Map.of();
            }

            @Override
            public AutoCloseable start(String runId) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
