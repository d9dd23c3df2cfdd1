package io.millrace.streams.bench;

import java.lang.management.ManagementFactory;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The summary of a benchmark run, in Markdown: throughput per contender (median and range over the measured rounds)
 * with its ratios (each taken within a round, then their median and range), the slow handler against its ideal
 * rate, the stalled output's heap.
 */
final class Report {

    private static final double TARGET_VS_BARE = 0.95;

    private static final double TARGET_VS_STREAMS = 1.3;

    private static final double TARGET_SLOW = 0.8;

    private static final double TARGET_WINDOWED_VS_STREAMS = 1.5;

    private final Results results;

    private final StringBuilder out = new StringBuilder();

    Report(Results results) {
        this.results = results;
    }

    String markdown() {
        BenchSettings settings = this.results.settings();
        line("# Millrace benchmark results");
        line("");
        if (this.results.animals() != null) {
            line("%s; Java %s, %d CPU(s) for the harness, max heap %d MB, broker in %s, %s; %,d records (%.1f%% "
                    + "invalid), %d partitions, max.poll.records %d; %d measured round(s) after %d warm-up round(s), "
                    + "interleaved.",
                    OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS), System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                    this.results.broker(), this.results.cpus(), settings.records(),
                    100.0 * this.results.animals().outputs().get("dlt") / Math.max(1, this.results.animals().records()),
                    settings.partitions(), settings.maxPollRecords(), settings.rounds(), settings.warmupRounds());
        }
        else {
            line("%s; Java %s, %d CPU(s) for the harness, max heap %d MB, broker in %s, %s; max.poll.records %d; "
                    + "%d measured round(s) after %d warm-up round(s), interleaved.",
                    OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS), System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                    this.results.broker(), this.results.cpus(), settings.maxPollRecords(),
                    settings.rounds(), settings.warmupRounds());
        }
        line("");
        if (!this.results.contestRuns().isEmpty()) {
            contest();
        }
        if (!this.results.slowRuns().isEmpty()) {
            slow();
        }
        if (this.results.stall() != null) {
            stall();
        }
        if (this.results.restore() != null) {
            restore();
        }
        if (this.results.wordCount() != null) {
            wordCount();
        }
        if (this.results.windowed() != null) {
            windowed(this.results.windowed());
        }
        if (this.results.windowedRekeyed() != null) {
            windowed(this.results.windowedRekeyed());
        }
        if (this.results.tracing() != null) {
            tracing();
        }
        if (this.results.queries() != null) {
            queries();
        }
        method();
        return this.out.toString();
    }

    private void contest() {
        line("## Throughput: the animals stream");
        line("");
        List<RunResult> runs = this.results.contestRuns();
        table(this.results.contest(), runs);
        line("");
        line("Ratios are taken within each round, against the other contender of the same round; the figure is their "
                + "median, with their range.");
        line("");
        line("| ratio | median of rounds | min-max | per round | target |");
        line("|---|---|---|---|---|");
        ratioRow("Millrace / bare loop (c/a)", Spread.ratio(runs, "millrace", "bare", RunResult::throughput),
                TARGET_VS_BARE);
        ratioRow("Millrace / Kafka Streams (c/b)", Spread.ratio(runs, "millrace", "kstreams", RunResult::throughput),
                TARGET_VS_STREAMS);
        ratioRow("CPU per record, bare loop / Millrace",
                Spread.ratio(runs, "bare", "millrace", RunResult::cpuMicrosPerRecord), Double.NaN);
        ratioRow("CPU per record, Kafka Streams / Millrace",
                Spread.ratio(runs, "kstreams", "millrace", RunResult::cpuMicrosPerRecord), Double.NaN);
        line("");
    }

    private void slow() {
        BenchSettings settings = this.results.settings();
        double ideal = settings.slowIdealRate();
        double partitionIdeal = settings.partitions() * 1e9 / settings.slowDelay().toNanos();
        line("## Slow handler: %d ms per record, %d partitions, %,d records", settings.slowDelay().toMillis(),
                settings.partitions(), settings.slowRecords());
        line("");
        List<RunResult> runs = this.results.slowRuns();
        table(this.results.slowContest(), runs);
        line("");
        line("| ratio | median of rounds | min-max | per round | target |");
        line("|---|---|---|---|---|");
        ratioRow(String.format(Locale.ROOT, "Millrace / (%d workers / %d ms = %,.0f records/s)",
                settings.slowWorkers(), settings.slowDelay().toMillis(), ideal),
                Spread.of(runs, "millrace-slow", (run) -> run.throughput() / ideal), TARGET_SLOW);
        ratioRow(String.format(Locale.ROOT, "partition-bound / (%d partitions / %d ms = %,.0f records/s)",
                settings.partitions(), settings.slowDelay().toMillis(), partitionIdeal),
                Spread.of(runs, "partition-bound", (run) -> run.throughput() / partitionIdeal), Double.NaN);
        ratioRow("Millrace / partition-bound", Spread.ratio(runs, "millrace-slow", "partition-bound",
                RunResult::throughput), Double.NaN);
        line("");
    }

    private void stall() {
        StallResult stall = this.results.stall();
        line("## Stalled output: heap bounded by max-in-flight");
        line("");
        line("Millrace with workers: %d, max-in-flight: %,d; the only output blocks every record until released. "
                + "Input: %,d records of %,d bytes (%.0f MB).", stall.workers(), stall.maxInFlight(),
                stall.records(), stall.recordBytes(), stall.records() * stall.recordBytes() / 1e6);
        line("");
        line("| figure | value |");
        line("|---|---|");
        line("| stall held for | %.1f s |", stall.stalledFor().toMillis() / 1000.0);
        line("| most records held (consumed - processed) | %,d (bound: max-in-flight + max.poll.records = %,d) %s |",
                stall.maxHeld(), stall.bound(), mark(stall.bounded()));
        line("| live heap growth during the stall (after full GC) | %.1f MB (%.1f KB per held record; input %.0f MB) |",
                stall.liveGrowth() / 1e6, stall.liveGrowth() / 1e3 / Math.max(1, stall.maxHeld()),
                stall.records() * stall.recordBytes() / 1e6);
        line("| peak heap after any GC during the stall | +%.1f MB |", stall.heap().peakAfterGcGrowth() / 1e6);
        line("| after release: processed / produced | %,d / %,d of %,d in %.1f s %s |", stall.processed(),
                stall.produced(), stall.records(), stall.drain().toMillis() / 1000.0, mark(stall.complete()));
        line("");
    }

    private void restore() {
        RestoreResults restore = this.results.restore();
        line("## Restore: a changelog of %,d distinct keys, %d partition(s)", restore.records(), restore.partitions());
        line("");
        line("Keys `key-0000001`..., values 13 bytes; one topic, the changelog of both systems' table. Restore rate = "
                + "restored records / (first changelog fetch to the tables restored, as each system reports it); "
                + "the times count from the start of the system (Spring context or `KafkaStreams` built) to its "
                + "tables restored and to its processor handling a probe record in every partition.");
        line("");
        List<RestoreRun> runs = restore.runs().stream().filter((run) -> !run.warmup()).toList();
        List<Integer> rounds = runs.stream().map(RestoreRun::round).distinct().sorted().toList();
        StringBuilder header = new StringBuilder("| contender |");
        StringBuilder rule = new StringBuilder("|---|");
        for (int i = 0; i < rounds.size(); i++) {
            header.append(" round ").append(i + 1).append(" |");
            rule.append("---:|");
        }
        line("%s", header + " **median** restore records/s | min-max | restored | start to restored (median) "
                + "| start to processing (median) |");
        line("%s", rule + "---:|---:|---:|---:|---:|");
        for (RestoreContender contender : restore.contenders()) {
            List<RestoreRun> mine = runs.stream().filter((run) -> run.contender().equals(contender.name())).toList();
            StringBuilder row = new StringBuilder("| " + contender.description() + " |");
            for (RestoreRun run : mine) {
                row.append(Double.isNaN(run.restoreRate()) ? String.format(Locale.ROOT, " %.2f s |",
                        run.secondsToProcessing()) : String.format(Locale.ROOT, " %,.0f |", run.restoreRate()));
            }
            Spread rate = Spread.of(mine, contender.name(), RestoreRun::restoreRate);
            row.append(rate.isEmpty() ? " - | - |" : String.format(Locale.ROOT, " **%,.0f** | %,.0f-%,.0f |",
                    rate.median(), rate.min(), rate.max()));
            row.append(String.format(Locale.ROOT, " %,d | %.2f s | %.2f s |",
                    mine.isEmpty() ? 0 : mine.get(mine.size() - 1).restored(),
                    Spread.of(mine, contender.name(), RestoreRun::secondsToReady).median(),
                    Spread.of(mine, contender.name(), RestoreRun::secondsToProcessing).median()));
            line("%s", row);
        }
        line("");
        line("(A restart restores nothing to speak of: its rounds show the time to processing.)");
        line("");
        line("| ratio | median of rounds | min-max | per round |");
        line("|---|---|---|---|");
        restoreRatio(runs, "restore rate, Millrace / Kafka Streams", "millrace-restore", "kstreams-restore",
                RestoreRun::restoreRate);
        restoreRatio(runs, "start to processing, full restore, Millrace / Kafka Streams", "millrace-restore",
                "kstreams-restore", RestoreRun::secondsToProcessing);
        restoreRatio(runs, "start to processing, restart, Millrace / Kafka Streams", "millrace-restart",
                "kstreams-restart", RestoreRun::secondsToProcessing);
        line("");
    }

    private void restoreRatio(List<RestoreRun> runs, String label, String numerator, String denominator,
            ToDoubleFunction<RestoreRun> figure) {
        Spread ratio = Spread.ratio(runs, numerator, denominator, figure);
        if (!ratio.isEmpty()) {
            line("| %s | **%.2f** | %s | %s |", label, ratio.median(), range(ratio), perRound(ratio));
        }
    }

    private void wordCount() {
        WordCountResults wordCount = this.results.wordCount();
        line("## Word count: %,d words over a vocabulary of %,d, %d partitions", wordCount.records(),
                wordCount.vocabulary(), wordCount.partitions());
        line("");
        line("Input `{\"word\":\"...\"}` keyed by the word. Throughput = input records / (first record fetched to "
                + "the last output visible: its acknowledgement at-least-once, the commit of the last transaction "
                + "exactly-once). Every run's outputs were read back: the last count of every word is its true count; "
                + "without a cache there is one output per input.");
        line("");
        List<Contender> contenders = new ArrayList<>(wordCount.contenders());
        table(contenders, wordCount.runs());
        line("");
        line("Outputs per run: %s.", String.join(", ", wordCount.contenders().stream()
                .map((contender) -> String.format(Locale.ROOT, "%s %,d", contender.name(),
                        wordCount.outputs().getOrDefault(contender.name(), 0L)))
                .toList()));
        line("");
        List<String> baselines = List.of("wc-kstreams-cache", "wc-kstreams", "wc-kstreams-eos", "wc-bare").stream()
                .filter((name) -> !measured(wordCount.runs(), name).isEmpty()).toList();
        List<String> millrace = wordCount.contenders().stream().map(Contender::name)
                .filter((name) -> name.startsWith("wc-millrace")).toList();
        if (baselines.isEmpty() || millrace.isEmpty()) {
            return;
        }
        line("Each cell: the median of the per-round ratios, their min-max, and the ratio of each round.");
        line("");
        StringBuilder header = new StringBuilder("| ratio |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String baseline : baselines) {
            header.append(" / ").append(baseline).append(" |");
            rule.append("---|");
        }
        line("%s", header);
        line("%s", rule);
        for (String name : millrace) {
            StringBuilder row = new StringBuilder("| " + name + " |");
            for (String baseline : baselines) {
                Spread ratio = Spread.ratio(wordCount.runs(), name, baseline, RunResult::throughput);
                row.append(String.format(Locale.ROOT, " **%.2f** %s (%s) |", ratio.median(), range(ratio),
                        perRound(ratio)));
            }
            line("%s", row);
        }
        line("");
    }

    private void windowed(WindowedResults windowed) {
        line("## Windowed count%s: %,d records over %,d keys, %d tumbling 10 s windows, %d partitions",
                windowed.rekeyed() ? ", re-keyed" : "", windowed.records(), windowed.keys(), windowed.windows(),
                windowed.partitions());
        line("");
        line("%s, record timestamps advancing evenly over the windows, then "
                + "one record per partition that closes the last windows. Throughput = input records / (first record "
                + "fetched to the last output visible: its acknowledgement at-least-once, the commit of the last "
                + "transaction exactly-once). Every run's outputs were read back: all %,d key windows have their true "
                + "count; final results (Millrace, Kafka Streams with suppress, the bare loop) exactly once each, "
                + "for Kafka Streams without suppress the last update of each.", windowed.rekeyed()
                        ? "Input keyed by a user, the counted key in the value: Kafka Streams groupBy (a repartition "
                                + "topic), Millrace a KeySelector and a re-keyed second stage (a repartition topic), "
                                + "the bare loop counts the value where it is (each counted key lives in one input "
                                + "partition)"
                        : "Input keyed by the counted key (no re-keying)", windowed.keyWindows());
        line("");
        table(new ArrayList<>(windowed.contenders()), windowed.runs());
        line("");
        line("Outputs per run: %s.", String.join(", ", windowed.contenders().stream()
                .map((contender) -> String.format(Locale.ROOT, "%s %,d", contender.name(),
                        windowed.outputs().getOrDefault(contender.name(), 0L)))
                .toList()));
        line("");
        line("| ratio | median of rounds | min-max | per round | target |");
        line("|---|---|---|---|---|");
        for (WindowedContender millrace : windowed.contenders()) {
            if (!millrace.name().startsWith("win-millrace")) {
                continue;
            }
            for (WindowedContender baseline : windowed.contenders()) {
                boolean streams = baseline.name().startsWith("win-kstreams");
                boolean sameGuarantee = baseline.exactlyOnce() == millrace.exactlyOnce();
                if ((streams && sameGuarantee || baseline.name().startsWith("win-bare"))
                        && !measured(windowed.runs(), baseline.name()).isEmpty()) {
                    ratioRow(millrace.name() + " / " + baseline.name(), Spread.ratio(windowed.runs(), millrace.name(),
                            baseline.name(), RunResult::throughput), streams ? TARGET_WINDOWED_VS_STREAMS : Double.NaN);
                }
            }
        }
        line("");
    }

    private void tracing() {
        TracingResults tracing = this.results.tracing();
        List<RunResult> runs = tracing.runs();
        line("## Tracing cost: the animals stream, %,d records (%.1f%% invalid), %d partitions",
                tracing.input().records(),
                100.0 * tracing.input().outputs().getOrDefault("dlt", 0L) / Math.max(1, tracing.input().records()),
                this.results.settings().partitions());
        line("");
        line("Millrace's sample `animals` stream without an `ObservationRegistry`, with one but no `Tracer` (tracing "
                + "off, what Boot's actuator gives without a tracing bridge), and with a `Tracer` (tracing on: "
                + "Micrometer's `SimpleTracer` behind Boot's three tracing handlers, W3C `traceparent` propagation, "
                + "finished spans dropped, nothing exported); the bare loop as the floor. The input carries no trace "
                + "headers. Each run checked that no record was observed with tracing off and every record with it "
                + "on.");
        line("");
        table(tracing.contenders(), runs);
        line("");
        if (runs.isEmpty()) {
            return;
        }
        line("| ratio | median of rounds | min-max | per round | target |");
        line("|---|---|---|---|---|");
        tracingRatio(runs, "Millrace tracing off / no registry, throughput", TracingScenario.OFF, TracingScenario.NONE,
                RunResult::throughput, "no measurable change");
        tracingRatio(runs, "Millrace tracing off / no registry, CPU per record", TracingScenario.OFF,
                TracingScenario.NONE, RunResult::cpuMicrosPerRecord, "no measurable change");
        tracingRatio(runs, "Millrace tracing on / off, throughput", TracingScenario.ON, TracingScenario.OFF,
                RunResult::throughput, "");
        tracingRatio(runs, "Millrace tracing on / off, CPU per record", TracingScenario.ON, TracingScenario.OFF,
                RunResult::cpuMicrosPerRecord, "");
        tracingRatio(runs, "Millrace no registry / bare loop, throughput", TracingScenario.NONE, TracingScenario.BARE,
                RunResult::throughput, "");
        line("");
        Spread off = Spread.ratio(runs, TracingScenario.OFF, TracingScenario.NONE, RunResult::throughput);
        if (!off.isEmpty()) {
            line("Tracing off against no registry: %s.", off.spans(1.0)
                    ? "the per-round ratios span 1.0, no measurable change in this run"
                    : String.format(Locale.ROOT, "the per-round ratios (%s) do not span 1.0: a change of %+.0f%% "
                            + "(median), measurable in this run", range(off), 100 * (off.median() - 1)));
            line("");
        }
    }

    private void tracingRatio(List<RunResult> runs, String label, String numerator, String denominator,
            ToDoubleFunction<RunResult> figure, String target) {
        Spread ratio = Spread.ratio(runs, numerator, denominator, figure);
        if (ratio.isEmpty()) {
            return;
        }
        String met = target.isEmpty() ? "" : target + " " + mark(ratio.spans(1.0));
        line("| %s | **%.2f** | %s | %s | %s |", label, ratio.median(), range(ratio), perRound(ratio), met);
    }

    private void queries() {
        QueryResults queries = this.results.queries();
        line("## Interactive queries: %,d keys, %d partitions, two instances, %d client threads, %.1f s per "
                + "measurement", queries.keys(), queries.partitions(), queries.threads(),
                queries.duration().toMillis() / 1e3);
        line("");
        line("Two Millrace instances (Spring Boot servlet applications, own web server, own state directory, one "
                + "consumer group) in the harness JVM own %s of the keys. Client thread t asks instance t %% 2 "
                + "(JDK HttpClient, HTTP/1.1 kept alive): **local** = keys the asked instance owns, **forwarded** = "
                + "keys the other owns (forwarded once), **java** = `QueryableTable.get` on the owner, no HTTP. "
                + "Clients, both servers and both streams share the harness's CPU(s). Before the rounds, %,d answers "
                + "were checked (every key through both instances and the Java API); every answer of every round "
                + "was checked too.", String.join(" and ", queries.owned().stream()
                        .map((owned) -> String.format(Locale.ROOT, "%,d", owned)).toList()), queries.checked());
        line("");
        List<Integer> rounds = queries.runs().stream().filter((run) -> !run.warmup()).map(QueryRun::round).distinct()
                .sorted().toList();
        StringBuilder header = new StringBuilder("| lookups |");
        StringBuilder rule = new StringBuilder("|---|");
        for (int i = 0; i < rounds.size(); i++) {
            header.append(" round ").append(i + 1).append(" /s |");
            rule.append("---:|");
        }
        line("%s", header + " **median** lookups/s | min-max | p50 µs (median, min-max) | p99 µs (median, min-max) "
                + "| CPU per lookup |");
        line("%s", rule + "---:|---:|---:|---:|---:|");
        for (String mode : QueryScenario.MODES) {
            List<QueryRun> measured = queries.runs().stream()
                    .filter((run) -> !run.warmup() && run.contender().equals(mode)).toList();
            if (measured.isEmpty()) {
                continue;
            }
            StringBuilder row = new StringBuilder("| " + mode + " |");
            measured.forEach((run) -> row.append(String.format(Locale.ROOT, " %,.0f |", run.lookupsPerSecond())));
            Spread rate = Spread.of(queries.runs(), mode, QueryRun::lookupsPerSecond);
            Spread p50 = Spread.of(queries.runs(), mode, QueryRun::p50Micros);
            Spread p99 = Spread.of(queries.runs(), mode, QueryRun::p99Micros);
            row.append(String.format(Locale.ROOT, " **%,.0f** | %,.0f-%,.0f | %.0f (%.0f-%.0f) | %.0f (%.0f-%.0f) "
                    + "| %.1f µs |", rate.median(), rate.min(), rate.max(), p50.median(), p50.min(), p50.max(),
                    p99.median(), p99.min(), p99.max(),
                    Spread.of(queries.runs(), mode, QueryRun::cpuMicrosPerLookup).median()));
            line("%s", row);
        }
        line("");
        line("| ratio (per round, then the median) | median of rounds | min-max | per round |");
        line("|---|---|---|---|");
        queryRatio(queries, "lookups/s", "query-forwarded", "query-local", QueryRun::lookupsPerSecond);
        queryRatio(queries, "p50", "query-forwarded", "query-local", QueryRun::p50Micros);
        queryRatio(queries, "p99", "query-forwarded", "query-local", QueryRun::p99Micros);
        queryRatio(queries, "CPU per lookup", "query-forwarded", "query-local", QueryRun::cpuMicrosPerLookup);
        queryRatio(queries, "lookups/s", "query-local", "query-java", QueryRun::lookupsPerSecond);
        queryRatio(queries, "p50", "query-local", "query-java", QueryRun::p50Micros);
        line("");
    }

    private void queryRatio(QueryResults queries, String figure, String numerator, String denominator,
            ToDoubleFunction<QueryRun> value) {
        Spread ratio = Spread.ratio(queries.runs(), numerator, denominator, value);
        if (!ratio.isEmpty()) {
            line("| %s: %s / %s | **%.2f** | %s | %s |", figure, numerator.substring("query-".length()),
                    denominator.substring("query-".length()), ratio.median(), range(ratio), perRound(ratio));
        }
    }

    private void method() {
        line("## How it is measured");
        line("");
        line("- One broker (KRaft, single node) in %s; one input topic seeded once; each contender reads "
                + "it with a fresh consumer group per round and writes its own output topics (same partition count), "
                + "so every run does identical work. Rounds run the contenders in turn (a, b, c, a, b, c, ...); "
                + "the figure is the median over measured rounds, with the range (min-max) of the rounds. A ratio "
                + "between two contenders is taken within each round, against the other's run of the same round, "
                + "and the report gives the median and the range of these per-round ratios.", this.results.broker());
        line("- CPUs: %s. Every contender runs in the harness JVM, one at a time, so all run with the same JVM "
                + "flags, heap and garbage collector.", this.results.cpus());
        if (this.results.animals() != null || this.results.tracing() != null) {
            line("- Throughput = input records / (time from the first record its consumer fetched to the broker's "
                    + "acknowledgement of the last output record the input calls for). Both instants come from "
                    + "client interceptors configured identically on every contender (`interceptor.classes`), so no "
                    + "contender is timed by its own counters; start-up and group join are excluded, the tail is "
                    + "not. The acknowledged records per output topic are checked against the seed: every run "
                    + "produced exactly the expected outputs and dead letters.");
            line("- Same work: the bare loop and Kafka Streams call the sample's own schemas (Jackson 3 + Bean "
                    + "Validation, built from Spring Boot's mapper and validator) and processors (`AnimalIngest`, "
                    + "`Aquatic`, `Spooky`, `Flying`), and dead-letter with Millrace's `DeadLetters` headers.");
        }
        line("- CPU per record is the harness process's CPU time over the measured span (all the contender's "
                + "threads, GC, JIT and RocksDB's own threads included; the broker is another process) divided by "
                + "the records: on a shared machine it is steadier than throughput.");
        line("- Same clients: acks=all, linger.ms=%d, batch.size=%d, compression none, max.poll.records=%d; "
                + "at-least-once commits every %d ms.", ClientSettings.LINGER_MS, ClientSettings.BATCH_SIZE,
                this.results.settings().maxPollRecords(), ClientSettings.COMMIT_INTERVAL_MS);
        line("- Heap: \"heap after GC\" is the growth of the heap just after any collection during the run over "
                + "the live heap before it; \"peak used\" is sampled every 10 ms and includes garbage, so it "
                + "mostly shows the young generation's size.");
        line("- The harness JVM's flags: %s", String.join(" ", ManagementFactory.getRuntimeMXBean()
                .getInputArguments()));
    }

    private void table(List<Contender> contenders, List<RunResult> runs) {
        List<Integer> rounds = runs.stream().filter((run) -> !run.warmup()).map(RunResult::round).distinct()
                .sorted().toList();
        StringBuilder header = new StringBuilder("| contender |");
        StringBuilder rule = new StringBuilder("|---|");
        for (int i = 0; i < rounds.size(); i++) {
            header.append(" round ").append(i + 1).append(" |");
            rule.append("---:|");
        }
        line("%s", header + " **median** records/s | min-max (range / median) | CPU per record (median) "
                + "| heap after GC, peak growth | peak used |");
        line("%s", rule + "---:|---:|---:|---:|---:|");
        for (Contender contender : contenders) {
            StringBuilder row = new StringBuilder("| " + contender.description() + " |");
            List<RunResult> measured = measured(runs, contender.name());
            for (RunResult run : measured) {
                row.append(String.format(Locale.ROOT, " %,.0f |", run.throughput()));
            }
            long heapGrowth = measured.stream().mapToLong((run) -> run.heap().peakAfterGcGrowth()).max().orElse(0);
            long used = measured.stream().mapToLong((run) -> run.heap().peakUsed()).max().orElse(0);
            Spread throughput = Spread.of(runs, contender.name(), RunResult::throughput);
            row.append(String.format(Locale.ROOT, " **%,.0f** | %,.0f-%,.0f (%.0f%%) | %.1f µs | +%.0f MB | %.0f MB |",
                    throughput.median(), throughput.min(), throughput.max(), 100 * throughput.relativeRange(),
                    Spread.of(runs, contender.name(), RunResult::cpuMicrosPerRecord).median(), heapGrowth / 1e6,
                    used / 1e6));
            line("%s", row);
        }
    }

    /** A ratio's row: the median of the rounds, their range, each round, and the target if there is one. */
    private void ratioRow(String label, Spread ratio, double target) {
        String met = Double.isNaN(target) ? ""
                : String.format(Locale.ROOT, ">= %.2f %s", target, mark(ratio.median() >= target));
        line("| %s | **%.2f** | %s | %s | %s |", label, ratio.median(), range(ratio), perRound(ratio), met);
    }

    private static String range(Spread spread) {
        return String.format(Locale.ROOT, "%.2f-%.2f", spread.min(), spread.max());
    }

    private static String perRound(Spread spread) {
        return String.join(", ", spread.values().stream()
                .map((value) -> String.format(Locale.ROOT, "%.2f", value)).toList());
    }

    private static List<RunResult> measured(List<RunResult> runs, String contender) {
        return runs.stream().filter((run) -> !run.warmup() && run.contender().equals(contender)).toList();
    }

    private static String mark(boolean met) {
        return met ? "(met)" : "(**not met**)";
    }

    private void line(String format, Object... args) {
        this.out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
