package io.millrace.streams.bench;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The benchmark: starts a broker, seeds the inputs once, and runs, in one process and interleaved, (a) a bare
 * kafka-clients loop, (b) Kafka Streams and (c) Millrace's {@code animals} stream on the same records; then (d)
 * a slow handler, Millrace's workers against a partition-bound loop; then a stalled output. Prints a summary and
 * writes it to {@code target/bench-results.md}. The broker runs in a JVM of its own and, where {@code taskset} allows,
 * on other CPUs than this JVM, where the contenders run one at a time ({@link CpuPinning}).
 *
 * <p>Settings are {@code --name=value} arguments or {@code -Dbench.name=value} properties; see
 * {@link BenchSettings}.
 */
public final class Benchmark {

    static final String INPUT = "bench-animals";

    static final String SLOW_INPUT = "bench-slow";

    static final String STALL_INPUT = "bench-stall";

    private final BenchSettings settings;

    private final Path workDir;

    private final PrintStream log;

    Benchmark(BenchSettings settings, Path workDir, PrintStream log) {
        this.settings = settings;
        this.workDir = workDir;
        this.log = log;
    }

    /**
     * Runs the benchmark.
     * @param args {@code --name=value} settings
     * @throws Exception if the benchmark fails
     */
    public static void main(String[] args) throws Exception {
        BenchSettings settings = BenchSettings.from(args, System.getProperties());
        Path target = targetDirectory();
        Results results = new Benchmark(settings, target, System.out).run();
        String report = new Report(results).markdown();
        Path file = target.resolve("bench-results.md");
        Files.writeString(file, report);
        System.out.println();
        System.out.println(report);
        System.out.println("Written to " + file);
        // Kafka and Spring leave no work behind, but a stray non-daemon thread must not keep the JVM up.
        System.exit(0);
    }

    /**
     * Runs every contest.
     * @return what was measured
     * @throws Exception if a contest fails
     */
    Results run() throws Exception {
        CpuPinning pinning = CpuPinning.apply(this.settings, this.log);
        this.log.printf("Starting the broker (%s)%n", this.settings.forkBroker() ? "own JVM" : "in this JVM");
        try (BenchBroker broker = this.settings.forkBroker()
                ? BenchBroker.forked(this.workDir.resolve("bench-broker"), pinning.brokerLauncher())
                : BenchBroker.inProcess();
                HeapMonitor heap = new HeapMonitor();
                AnimalWork work = AnimalWork.fromSpringBoot();
                Topics topics = new Topics(broker.bootstrapServers())) {
            this.log.printf("Broker at %s; creating topics%n", broker.bootstrapServers());
            ClientSettings clients = new ClientSettings(broker.bootstrapServers(), this.settings.maxPollRecords());
            String brokerJvm = this.settings.forkBroker() ? "its own JVM" : "the harness JVM";
            Results results = this.settings.scenario("animals") ? animals(broker, heap, work, topics, clients)
                    : new Results(this.settings, brokerJvm, null, null, List.of(), List.of(), null, List.of(),
                            List.of(), null, null, null, null, null, null, null);
            RestoreResults restore = this.settings.scenario("restore")
                    ? new RestoreScenario(this.settings, clients, topics, this.log).run() : null;
            WordCountResults wordCount = this.settings.scenario("wordcount")
                    ? new WordCountScenario(this.settings, clients, topics, heap, this.log).run() : null;
            WindowedResults windowed = this.settings.scenario("windowed")
                    ? new WindowedScenario(this.settings, clients, topics, heap, this.log).run() : null;
            WindowedResults windowedRekeyed = this.settings.scenario("windowed-rekeyed")
                    ? new WindowedScenario(this.settings, clients, topics, heap, this.log, true).run() : null;
            TracingResults tracing = this.settings.scenario("tracing")
                    ? new TracingScenario(this.settings, clients, topics, heap, work, this.log).run() : null;
            QueryResults queries = this.settings.scenario("queries")
                    ? new QueryScenario(this.settings, clients, topics, this.log).run() : null;
            return new Results(this.settings, brokerJvm, pinning.describe(), results.animals(), results.contest(),
                    results.contestRuns(), results.slow(), results.slowContest(), results.slowRuns(), results.stall(),
                    restore, wordCount, windowed, windowedRekeyed, tracing, queries);
        }
    }

    /** The throughput contest, the slow handler and the stalled output. */
    private Results animals(BenchBroker broker, HeapMonitor heap, AnimalWork work, Topics topics,
            ClientSettings clients) throws Exception {
        List<Contender> contest = contest(work, clients).stream()
                .filter((contender) -> this.settings.runs(contender.name())).toList();
        List<Contender> slowContest = slowContest(work, clients).stream()
                .filter((contender) -> this.settings.runs(contender.name())).toList();
        createTopics(topics, contest, slowContest);
        this.log.printf("Seeding %,d + %,d + %,d records%n", this.settings.records(), this.settings.slowRecords(),
                this.settings.stallRecords());
        AnimalRecords seeder = new AnimalRecords(broker.bootstrapServers());
        int partitions = this.settings.partitions();
        Expected animals = seeder.seed(INPUT, partitions, this.settings.records(), this.settings.invalidRatio(), 0);
        Expected slow = seeder.seed(SLOW_INPUT, partitions, this.settings.slowRecords(), this.settings.invalidRatio(),
                0);
        Expected stall = seeder.seed(STALL_INPUT, partitions, this.settings.stallRecords(), 0,
                this.settings.stallPadding());
        Rounds rounds = new Rounds(heap, this.settings.timeout(), this.log);
        List<RunResult> contestRuns = (animals.records() > 0) ? rounds.run(contest, animals,
                this.settings.warmupRounds(), this.settings.rounds()) : List.of();
        // Warm-up rounds here too, as in every contest: a first run is the first of its code in this JVM.
        List<RunResult> slowRuns = (slow.records() > 0)
                ? rounds.run(slowContest, slow, this.settings.warmupRounds(), this.settings.rounds()) : List.of();
        StallResult stalled = (stall.records() > 0 && this.settings.runs("stalled"))
                ? new StallScenario(this.settings, clients, heap, this.log).run(STALL_INPUT, stall) : null;
        String brokerJvm = this.settings.forkBroker() ? "its own JVM" : "the harness JVM";
        return new Results(this.settings, brokerJvm, null, animals, contest, contestRuns, slow, slowContest,
                slowRuns, stalled, null, null, null, null, null, null);
    }

    private List<Contender> contest(AnimalWork work, ClientSettings clients) {
        Map<String, Object> properties = new LinkedHashMap<>(clients.springKafka());
        properties.put("millrace.streams.animals.input", INPUT);
        properties.put("millrace.streams.animals.dead-letter-topic", "millrace-dlt");
        Map<String, String> millraceTopics = new LinkedHashMap<>();
        AnimalWork.OUTPUTS.forEach((name) -> millraceTopics.put(name, name));
        millraceTopics.put(AnimalWork.DEAD_LETTERS, "millrace-dlt");
        return List.of(
                new BareLoop("bare", INPUT, this.settings.partitions(), 1, work, clients, "bare-"),
                new KafkaStreamsContender(INPUT, work, clients),
                new MillraceContender("millrace",
                        "Millrace, the sample animals stream as shipped (" + overrides() + ")",
                        MillraceAnimalsApplication.class, properties, millraceTopics));
    }

    /** Millrace settings given as system properties, which Spring Boot applies to every Millrace contender. */
    static String overrides() {
        String overrides = System.getProperties().stringPropertyNames().stream()
                .filter((name) -> name.startsWith("millrace."))
                .sorted()
                .map((name) -> name + "=" + System.getProperty(name))
                .collect(Collectors.joining(", "));
        return overrides.isEmpty() ? "defaults" : overrides;
    }

    private List<Contender> slowContest(AnimalWork work, ClientSettings clients) {
        String stream = "millrace.streams." + SlowStreamApplication.STREAM;
        Map<String, Object> properties = new LinkedHashMap<>(clients.springKafka());
        properties.put("bench.slow.input", SLOW_INPUT);
        properties.put("bench.slow.delay", this.settings.slowDelay().toMillis() + "ms");
        properties.put(stream + ".workers", this.settings.slowWorkers());
        properties.put(stream + ".ordering", "key");
        properties.put(stream + ".dead-letter-topic", SlowStreamApplication.TOPIC_PREFIX + AnimalWork.DEAD_LETTERS);
        return List.of(
                new MillraceContender("millrace-slow",
                        "Millrace, workers: " + this.settings.slowWorkers() + ", ordering: key",
                        SlowStreamApplication.class, properties,
                        Contender.prefixedTopics(SlowStreamApplication.TOPIC_PREFIX)),
                new BareLoop("partition-bound", SLOW_INPUT, this.settings.partitions(), this.settings.partitions(),
                        work.withIngest(new SlowIngest(this.settings.slowDelay())), clients, "slow-bare-"));
    }

    private void createTopics(Topics topics, List<Contender> contest, List<Contender> slowContest) {
        List<String> names = new ArrayList<>(List.of(INPUT, SLOW_INPUT, STALL_INPUT,
                StalledStreamApplication.OUTPUT, "stalled-millrace-dlt"));
        contest.forEach((contender) -> names.addAll(contender.topics().values()));
        slowContest.forEach((contender) -> names.addAll(contender.topics().values()));
        topics.create(names, this.settings.partitions());
    }

    /** The build directory this class was loaded from: {@code target/} beside the jar or the classes. */
    static Path targetDirectory() throws URISyntaxException {
        Path location = Path.of(Benchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return location.getParent();
    }
}
