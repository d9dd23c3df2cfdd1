package io.millrace.streams.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.millrace.streams.table.internal.store.Checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exactly-once across crashes: the packaged service runs {@code sentence-splitter}, {@code word-count} and
 * {@code animal-counts} ({@code guarantee: exactly-once}) against a broker in a process of its own, is killed with
 * SIGKILL twice while sentences and animals flow, and is restarted on the same state directory each time.
 * Afterwards the committed {@code word-counts} of every word run 1, 2, ..., its true count (so the last one is the
 * true count), the {@code words} topic holds every word exactly once, the committed {@code animal-counts} hold
 * exactly one result for every (name, 10-second window) of the animals fed, with the count of the corpus, and none
 * for any other, nothing was dead-lettered (no animal is ever late: they all go to one input partition with rising
 * timestamps), and every restart restored the partitions of both tables ({@code word-counts} and the windowed
 * {@code animal-counts}) from the checkpoint the killed process left, not from offset 0.
 *
 * <p>The figures of each crash (checkpoints on disk, changelog offsets, what the restore read) are printed with the
 * prefix {@code [crash-test]}, and the logs of the broker and of the three incarnations are kept in
 * {@code target/exactly-once-crash}. Checkpoints are written at most once a second while the service runs, so a
 * restore reads again what was committed since the last one (up to a second of changelog records) and skips the
 * records of the transaction the kill cut open.
 *
 * <p>The service runs with a 6 s consumer session timeout (the broker's minimum) so that the killed member leaves its
 * groups before the restarted one joins, and with C1 only and the serial GC, which starts it in about two thirds of
 * the time on two cores. The whole class takes about 70 s on an idle two-core machine (58 s before it fed animals;
 * 70 to 77 s with them, on a busy one).
 *
 * <p>Each kill waits until transactions of both streams are open; for {@code animal-counts} that is its repartition
 * topic or changelog. A window closes only every 3 s or so of wall clock, so a kill rarely lands inside a transaction
 * that writes final results to {@code animal-counts}; run with {@code guarantee: at-least-once}, the windows closed
 * just before each kill are emitted a second time and the test fails.
 */
class ExactlyOnceCrashIntegrationTests {

    private static final String APPLICATION_ID = "crash-test";

    private static final String SENTENCES_TOPIC = "sentences";

    private static final String WORDS_TOPIC = "words";

    private static final String WORD_COUNTS_TOPIC = "word-counts";

    private static final String CHANGELOG = APPLICATION_ID + "-word-counts-changelog";

    private static final List<String> WORD_TOPICS = List.of(CHANGELOG, WORDS_TOPIC, WORD_COUNTS_TOPIC);

    private static final String ANIMALS_TOPIC = "animals";

    private static final String ANIMAL_COUNTS_TOPIC = "animal-counts";

    private static final String ANIMAL_CHANGELOG = APPLICATION_ID + "-animal-counts-changelog";

    private static final String REPARTITION = APPLICATION_ID + "-animal-counts-repartition";

    private static final List<String> ANIMAL_TOPICS = List.of(ANIMAL_CHANGELOG, REPARTITION, ANIMAL_COUNTS_TOPIC);

    /** The two tables whose restores are checked after each kill. */
    private static final List<TableSpec> TABLES = List.of(new TableSpec("word-count", "word-counts", CHANGELOG),
            new TableSpec("animal-counts", "animal-counts", ANIMAL_CHANGELOG));

    private static final List<String> DEAD_LETTER_TOPICS = List.of("sentences-dlt", "words-dlt", "animal-counts-dlt");

    private static final int PARTITIONS = 3;

    /** Sentences fed in all, and how many per second: the feed lasts 45 s, across both kills. */
    private static final int SENTENCES = 3600;

    private static final int SENTENCES_PER_SECOND = 80;

    /**
     * Past these numbers of sentences the feed slows down to {@link #TRICKLE_PER_SECOND} until the first and the
     * second kill happened: however slow the machine, sentences still flow when the service is killed.
     */
    private static final int[] GATES = { SENTENCES * 45 / 100, SENTENCES * 85 / 100 };

    /** The pace past a gate not yet opened: the 540 sentences past the second gate last 108 s. */
    private static final int TRICKLE_PER_SECOND = 5;

    /** Committed word-counts records before the first kill. */
    private static final int COMMITTED_BEFORE_FIRST_KILL = 3000;

    /**
     * Committed word-counts records the second incarnation must add beyond the words of the sentences fed when it
     * became ready (it caught up with what was fed while it was down, and went on with the steady feed), unless it
     * reached the second gate first.
     */
    private static final int PROGRESS_BEFORE_SECOND_KILL = 2000;

    private static final Duration STARTUP = Duration.ofSeconds(90);

    private static final Duration PROGRESS = Duration.ofSeconds(90);

    private static final Duration FINISH = Duration.ofSeconds(120);

    /** 128 + 9: how a JVM killed by SIGKILL exits (SIGTERM would be 143, after the shutdown hooks). */
    private static final int SIGKILL_EXIT_STATUS = 137;

    private static final List<String> VOCABULARY = List.of("the", "river", "mill", "race", "wheel", "water", "stone",
            "grain", "flour", "miller", "bridge", "weir", "sluice", "gate", "current", "eddy", "bank", "reed", "heron",
            "otter", "trout", "moss", "oak", "willow", "rain", "spring", "summer", "autumn", "winter", "night", "day",
            "don't", "it's", "café", "über", "naïve", "x42", "7", "k8s", "o'clock");

    private static final String[] SEPARATORS = { " ", " ", " ", ", ", "; ", " - ", " (", ") ", ": ", "  " };

    private static final String[] ENDINGS = { ".", "!", "?", "...", "" };

    /**
     * Animals fed after each sentence, all to partition 0 of {@code animals}: their record timestamps rise
     * {@link #ANIMAL_STEP_MILLIS} apart, and every name keeps this order through the repartition topic, so no record
     * is ever late (stream time per repartition partition only rises).
     */
    private static final int ANIMALS_PER_SENTENCE = 2;

    /** 7,200 animals 20 ms of event time apart: 144 s, fifteen 10-second windows closing while the feed goes on. */
    private static final long ANIMAL_STEP_MILLIS = 20;

    /** The sample's tumbling windows: 10 s, closed once stream time reaches their end plus the grace of 5 s. */
    private static final long WINDOW_MILLIS = 10_000;

    private static final long GRACE_MILLIS = 5_000;

    /**
     * Names counted, two on each partition of the repartition topic (murmur2 of the name, as the producer
     * partitions it), and a rare one that some windows do not see at all.
     */
    private static final List<String> ANIMAL_NAMES = List.of("shark", "fish", "trout", "fox", "bat", "owl");

    private static final String RARE_ANIMAL = "eel";

    private static final JsonMapper json = JsonMapper.builder().build();

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    static Path dir;

    private static Process broker;

    private static final List<App> apps = new ArrayList<>();

    private static Feeder feeder;

    private static Admin admin;

    private static String bootstrapServers;

    /** The test's own Kafka clients log every assignment and seek at INFO, burying the figures. */
    private static final Logger kafkaLogger = (Logger) LoggerFactory.getLogger("org.apache.kafka");

    private static Level kafkaLogLevel;

    @BeforeAll
    static void quietKafkaClients() {
        kafkaLogLevel = kafkaLogger.getLevel();
        kafkaLogger.setLevel(Level.WARN);
    }

    @AfterAll
    static void stopEverything() throws InterruptedException {
        kafkaLogger.setLevel(kafkaLogLevel);
        if (feeder != null) {
            feeder.stop();
        }
        for (App app : apps) {
            app.process.destroyForcibly();
            app.process.waitFor(30, TimeUnit.SECONDS);
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (broker != null) {
            broker.destroy();
            if (!broker.waitFor(30, TimeUnit.SECONDS)) {
                broker.destroyForcibly();
                broker.waitFor(30, TimeUnit.SECONDS);
            }
        }
        keepLogs();
    }

    /** The logs of the service's incarnations and of the broker outlive the temporary directory, in target. */
    private static void keepLogs() {
        Path kept = Path.of("target", "exactly-once-crash");
        try {
            Files.createDirectories(kept);
            for (Path file : logFiles()) {
                if (Files.exists(file)) {
                    Files.copy(file, kept.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        catch (IOException ex) {
            System.out.println("[crash-test] cannot keep the logs in " + kept + ": " + ex);
        }
    }

    @Test
    void killedTwiceMidStreamTheCountsAreExactAndRestoresStartFromTheCheckpoints() throws Throwable {
        try {
            crashTwiceAndCheck();
        }
        catch (Throwable ex) {
            dumpLogs();
            throw ex;
        }
    }

    private void crashTwiceAndCheck() throws Exception {
        long started = System.nanoTime();
        startBroker();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        admin.createTopics(List.of(new NewTopic(SENTENCES_TOPIC, PARTITIONS, (short) 1),
                new NewTopic(ANIMALS_TOPIC, PARTITIONS, (short) 1)))
            .all()
            .get(30, TimeUnit.SECONDS);
        Corpus corpus = Corpus.generate(SENTENCES);
        log("corpus: %d sentences, %d words, %d distinct", SENTENCES, corpus.totalWords, corpus.counts.size());
        AnimalCorpus animals = AnimalCorpus.generate(SENTENCES * ANIMALS_PER_SENTENCE);
        assertThat(ANIMAL_NAMES.stream()
            .map((name) -> Utils.toPositive(Utils.murmur2(name.getBytes(StandardCharsets.UTF_8))) % PARTITIONS)
            .collect(Collectors.toSet())).as("repartition partitions of the animal names: every table partition "
                    + "has windows, a checkpoint and a restore")
            .hasSize(PARTITIONS);
        log("animals: %d records on animals-0 from %s to %s (event time), %d (name, window) final counts expected, "
                + "then one record per name at %s", animals.records.size(), Instant.ofEpochMilli(animals.first()),
                Instant.ofEpochMilli(animals.last()), animals.counts.size(),
                Instant.ofEpochMilli(animals.closing.get(0).timestamp()));

        feeder = new Feeder(corpus.values, animals);
        Path state = dir.resolve("state");

        try (CommittedWordCounts wordCounts = new CommittedWordCounts();
                CommittedAnimalCounts animalCounts = new CommittedAnimalCounts()) {
            App first = startApp(1, state);
            for (TableSpec table : TABLES) {
                awaitTablesActive(first, table);
            }
            feeder.start();
            awaitProgress(first, wordCounts, COMMITTED_BEFORE_FIRST_KILL, true);
            Crash crash1 = kill(first, 1);
            feeder.open(0);

            App second = startApp(2, state);
            checkRestore(second, crash1);
            int fedWhenReady = feeder.sent.get();
            awaitProgress(second, wordCounts,
                    Math.min(corpus.wordsOf(fedWhenReady) + PROGRESS_BEFORE_SECOND_KILL, corpus.wordsOf(GATES[1])),
                    false);
            Crash crash2 = kill(second, 2);
            feeder.open(1);
            assertThat(List.of(crash1, crash2)).as("kills that cut a transaction open (high watermark above the "
                    + "last stable offset of words, word-counts or the changelog)")
                .anyMatch((crash) -> crash.cutATransactionOpen(WORD_TOPICS));
            assertThat(List.of(crash1, crash2)).as("kills that cut an animal-counts transaction open (high watermark "
                    + "above the last stable offset of its repartition topic, changelog or output)")
                .anyMatch((crash) -> crash.cutATransactionOpen(ANIMAL_TOPICS));

            App third = startApp(3, state);
            checkRestore(third, crash2);

            feeder.await();
            log("all %d sentences and %d animals acknowledged by the broker", SENTENCES,
                    animals.records.size() + animals.closing.size());
            await("every word's last committed count is its true count").atMost(FINISH)
                .pollInterval(Duration.ofSeconds(1))
                .pollInSameThread()
                .failFast("the service exited", () -> !third.process.isAlive())
                .until(() -> wordCounts.catchUp().lastCounts().equals(corpus.counts));
            log("word-counts complete after %d s: %d committed records", elapsedSeconds(started),
                    wordCounts.records);
            await("every (name, window) of the animals has a committed final count").atMost(FINISH)
                .pollInterval(Duration.ofSeconds(1))
                .pollInSameThread()
                .failFast("the service exited", () -> !third.process.isAlive())
                .until(() -> animalCounts.catchUp().results.keySet().containsAll(animals.counts.keySet()));
            log("animal-counts complete after %d s: %d committed records", elapsedSeconds(started),
                    animalCounts.records);

            assertCountsRunOneByOne(wordCounts.catchUp(), corpus);
            assertEveryWordSplitOnce(corpus);
            assertEveryWindowCountedOnce(animalCounts.catchUp(), animals);
            assertNothingDeadLettered();
            for (String stream : List.of("word-count", "animal-counts")) {
                JsonNode view = streamView(third, stream);
                log("%s after the last restart: processed %d, lag %d, deadLettered %d", stream,
                        view.get("processed").asLong(), view.get("lag").asLong(),
                        view.get("deadLettered").asLong());
                assertThat(view.get("deadLettered").asLong()).as("%s dead letters", stream).isZero();
                assertThat(view.get("guarantee").asString()).as("%s guarantee", stream).isEqualTo("EXACTLY_ONCE");
            }
        }
        log("done in %d s", elapsedSeconds(started));
    }

    // ---- the broker and the service ------------------------------------------------------------------------

    private static void startBroker() throws IOException {
        Path stdout = dir.resolve("broker.out");
        Path stderr = dir.resolve("broker.log");
        broker = new ProcessBuilder(java(), "-Xmx320m", "-cp", appJar().toString(),
                "-Dloader.main=io.millrace.streams.app.broker.EmbeddedKafkaMain",
                "org.springframework.boot.loader.launch.PropertiesLauncher", "0", dir.resolve("broker").toString())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
        String ready = await("the broker prints READY").atMost(STARTUP)
            .pollInterval(Duration.ofMillis(200))
            .failFast("the broker exited", () -> !broker.isAlive())
            .until(() -> Files.readString(stdout).lines().filter((line) -> line.startsWith("READY ")).findFirst(),
                    java.util.Optional::isPresent)
            .orElseThrow();
        bootstrapServers = ready.substring("READY ".length()).trim();
        log("broker ready on %s (pid %d)", bootstrapServers, broker.pid());
    }

    private static App startApp(int incarnation, Path state) throws IOException {
        int port = unusedPort();
        Path log = dir.resolve("app-" + incarnation + ".log");
        List<String> command = List.of(java(), "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                appJar().toString(), "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                "--millrace.embedded-broker.enabled=false", "--millrace.samples.generator.enabled=false",
                "--millrace.streams.animals.enabled=false",
                // As application.yml has it, spelled out: the test is about these two.
                "--millrace.streams.animal-counts.guarantee=exactly-once",
                "--millrace.streams.animal-counts.dead-letter-topic=animal-counts-dlt",
                "--millrace.state-dir=" + state,
                "--server.port=" + port, "--millrace.application-id=" + APPLICATION_ID,
                // The killed member leaves its group when its session expires: 6 s (the broker's minimum), not 45 s.
                "--spring.kafka.consumer.properties[session.timeout.ms]=6000",
                "--spring.kafka.consumer.properties[heartbeat.interval.ms]=1000");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        App app = new App(incarnation, process, port, log);
        apps.add(app);
        log("service #%d started (pid %d, port %d)", incarnation, process.pid(), port);
        return app;
    }

    /** Waits until the stream is running with every table partition active (restored). */
    private static List<TableFigures> awaitTablesActive(App app, TableSpec spec) {
        long started = System.nanoTime();
        List<TableFigures> tables = await(
                "service #" + app.incarnation + ": " + spec.stream() + " running, tables restored")
            .atMost(STARTUP)
            .pollInterval(Duration.ofMillis(250))
            .failFast("service #" + app.incarnation + " exited", () -> !app.process.isAlive())
            .until(() -> {
                try {
                    JsonNode view = streamView(app, spec.stream());
                    if (!"RUNNING".equals(view.get("state").asString())) {
                        return List.<TableFigures>of();
                    }
                    return TableFigures.of(view);
                }
                catch (IOException ex) {
                    return List.<TableFigures>of();
                }
            }, (found) -> found.size() == PARTITIONS
                    && found.stream().allMatch((table) -> "ACTIVE".equals(table.role())));
        log("service #%d: %s running, %d table partitions active %d s after start", app.incarnation,
                spec.stream(), tables.size(), elapsedSeconds(started));
        return tables;
    }

    /**
     * Waits until the committed word-counts reach a number, and (first time) every partition of both changelogs has
     * some.
     */
    private static void awaitProgress(App app, CommittedWordCounts wordCounts, long records, boolean everyPartition) {
        await("service #" + app.incarnation + ": " + records + " committed word-counts").atMost(PROGRESS)
            .pollInterval(Duration.ofMillis(250))
            .pollInSameThread()
            .failFast("service #" + app.incarnation + " exited", () -> !app.process.isAlive())
            .until(() -> wordCounts.catchUp().records >= records
                    && (!everyPartition || offsets(List.of(CHANGELOG, ANIMAL_CHANGELOG), IsolationLevel.READ_COMMITTED)
                        .values()
                        .stream()
                        .allMatch((offset) -> offset > 0)));
    }

    /**
     * Kills the service with SIGKILL while sentences and animals flow, and records what it left: the checkpoints on
     * disk and the offsets of the topics both streams write transactionally (an open transaction shows as a high
     * watermark above the last stable offset).
     */
    private static Crash kill(App app, int number) throws Exception {
        String splitter = progressOf(app, "sentence-splitter");
        String counter = progressOf(app, "word-count");
        String animalCounter = progressOf(app, "animal-counts");
        List<String> topics = new ArrayList<>(WORD_TOPICS);
        topics.addAll(ANIMAL_TOPICS);
        boolean sawOpenTransaction = awaitOpenTransaction(WORD_TOPICS, ANIMAL_TOPICS);
        int fed = feeder.sent.get();
        int animalsFed = feeder.animalsSent.get();
        boolean trickling = feeder.trickling;
        ProcessHandle handle = app.process.toHandle();
        assertThat(app.process.supportsNormalTermination()).as("destroy() is SIGTERM, so destroyForcibly() is SIGKILL")
            .isTrue();

        app.process.destroyForcibly();

        assertThat(app.process.waitFor(30, TimeUnit.SECONDS)).as("service #%d dies", app.incarnation).isTrue();
        assertThat(app.process.exitValue()).as("exit status of service #%d", app.incarnation)
            .isEqualTo(SIGKILL_EXIT_STATUS);
        assertThat(handle.isAlive()).isFalse();
        assertThat(fed).as("sentences fed before kill %d", number).isLessThan(SENTENCES);

        Map<TopicPartition, Long> highWatermarks = offsets(topics, IsolationLevel.READ_UNCOMMITTED);
        Map<TopicPartition, Long> stable = offsets(topics, IsolationLevel.READ_COMMITTED);
        Map<String, Map<Integer, Long>> checkpoints = new TreeMap<>();
        for (TableSpec table : TABLES) {
            Map<Integer, Long> ofTable = new TreeMap<>();
            for (int partition = 0; partition < PARTITIONS; partition++) {
                Path store = dir.resolve("state").resolve(table.stream()).resolve(table.table())
                    .resolve(Integer.toString(partition));
                OptionalLong checkpoint = Checkpoint.read(store);
                assertThat(checkpoint).as("checkpoint of %s partition %d after kill %d", table.table(), partition,
                        number).isPresent();
                ofTable.put(partition, checkpoint.getAsLong());
            }
            checkpoints.put(table.changelog(), ofTable);
        }
        log("KILL %d: service #%d got SIGKILL (exit %d) with %d/%d sentences and %d animals fed (%s), %s; "
                + "sentence-splitter %s, word-count %s, animal-counts %s", number, app.incarnation,
                app.process.exitValue(), fed, SENTENCES, animalsFed,
                trickling ? "trickling at a gate" : "feeding steadily",
                sawOpenTransaction ? "transactions of both streams open just before"
                        : "no open transaction of both streams seen for 10 s",
                splitter, counter, animalCounter);
        for (String topic : topics) {
            log("KILL %d: %s high watermark %s, last stable offset %s (a difference is a transaction cut open)",
                    number, topic, byPartition(highWatermarks, topic), byPartition(stable, topic));
        }
        checkpoints.forEach((changelog, ofTable) -> {
            log("KILL %d: checkpoints on disk of %s %s", number, changelog, ofTable);
            for (int partition = 0; partition < PARTITIONS; partition++) {
                assertThat(ofTable.get(partition))
                    .as("checkpoint of %s-%d after kill %d: never beyond what the changelog committed", changelog,
                            partition, number)
                    .isLessThanOrEqualTo(stable.get(new TopicPartition(changelog, partition)));
            }
        });
        return new Crash(number, checkpoints, highWatermarks, stable);
    }

    /**
     * Waits (a little) until transactions of both streams have records on the broker and are not committed yet, so
     * that the kill cuts them open.
     */
    private static boolean awaitOpenTransaction(List<String> wordTopics, List<String> animalTopics) {
        List<String> topics = new ArrayList<>(wordTopics);
        topics.addAll(animalTopics);
        try {
            await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .pollInSameThread()
                .until(() -> {
                    // High watermarks first: one above a later last stable offset is a transaction open now.
                    Map<TopicPartition, Long> ends = offsets(topics, IsolationLevel.READ_UNCOMMITTED);
                    Map<TopicPartition, Long> stable = offsets(topics, IsolationLevel.READ_COMMITTED);
                    return openIn(wordTopics, ends, stable) && openIn(animalTopics, ends, stable);
                });
            return true;
        }
        catch (ConditionTimeoutException ex) {
            return false;
        }
    }

    private static boolean openIn(List<String> topics, Map<TopicPartition, Long> ends,
            Map<TopicPartition, Long> stable) {
        return ends.entrySet().stream()
            .anyMatch((end) -> topics.contains(end.getKey().topic()) && end.getValue() > stable.get(end.getKey()));
    }

    /** What the endpoint says of a stream's progress, for the record; never fails the test. */
    private static String progressOf(App app, String stream) {
        try {
            JsonNode view = streamView(app, stream);
            return String.format(Locale.ROOT, "processed %d (lag %d, in flight %d)", view.get("processed").asLong(),
                    view.get("lag").asLong(), view.get("inFlight").asLong());
        }
        catch (IOException | RuntimeException ex) {
            return "unknown (" + ex + ")";
        }
    }

    /**
     * After a restart: every partition of both tables restored from the checkpoint the killed process left (not from
     * 0), and read only the changelog records after it.
     */
    private static void checkRestore(App app, Crash crash) throws IOException {
        for (TableSpec spec : TABLES) {
            checkRestore(app, crash, spec, awaitTablesActive(app, spec));
        }
        assertThat(Files.readString(app.log)).as("service #%d log", app.incarnation)
            .doesNotContain("wiping the store");
    }

    private static void checkRestore(App app, Crash crash, TableSpec spec, List<TableFigures> tables)
            throws IOException {
        String name = spec.changelog();
        Map<Integer, Long> checkpoints = crash.checkpoints().get(name);
        for (TableFigures table : tables) {
            TopicPartition changelog = new TopicPartition(name, table.partition());
            long checkpoint = checkpoints.get(table.partition());
            long endAtKill = crash.highWatermarks().get(changelog);
            log("RESTORE after kill %d: %s-%d checkpoint on disk %d, changelog end at kill %d (stable %d); "
                    + "restore from %d to %d read %d records (remaining %d, position %d, checkpoint %d)",
                    crash.number(), name, table.partition(), checkpoint, endAtKill,
                    crash.stableOffsets().get(changelog), table.restoreStart(), table.restoreEnd(), table.restored(),
                    table.remaining(), table.changelogPosition(), table.checkpoint());
            assertThat(endAtKill).as("%s had records before kill %d", changelog, crash.number()).isPositive();
            assertThat(table.restoreStart())
                .as("restore of %s after kill %d starts at the checkpoint the killed process left, not at 0",
                        changelog, crash.number())
                .isEqualTo(checkpoint)
                .isPositive();
            assertThat(table.restoreEnd())
                .as("restore of %s after kill %d covers everything committed before it", changelog, crash.number())
                .isGreaterThanOrEqualTo(crash.stableOffsets().get(changelog));
            assertThat(table.restored())
                .as("records restored into %s after kill %d: only those after the checkpoint", changelog,
                        crash.number())
                .isLessThan(table.restoreEnd())
                .isLessThanOrEqualTo(table.restoreEnd() - table.restoreStart());
        }
        // Every restore of this incarnation, as its log tells it (a second rebalance would restore again).
        Matcher matcher = Pattern.compile("restoring " + Pattern.quote(name) + "-(\\d+) from offset (\\d+) to (\\d+)")
            .matcher(Files.readString(app.log));
        int restores = 0;
        while (matcher.find()) {
            restores++;
            int partition = Integer.parseInt(matcher.group(1));
            assertThat(Long.parseLong(matcher.group(2)))
                .as("service #%d: %s", app.incarnation, matcher.group())
                .isGreaterThanOrEqualTo(checkpoints.get(partition))
                .isPositive();
        }
        assertThat(restores).as("restores of %s logged by service #%d", name, app.incarnation)
            .isGreaterThanOrEqualTo(PARTITIONS);
    }

    // ---- the final checks -----------------------------------------------------------------------------------

    /** Exactly once: every committed update of a word, in order, is the previous count plus one. */
    private static void assertCountsRunOneByOne(CommittedWordCounts wordCounts, Corpus corpus) {
        Map<String, String> wrong = new TreeMap<>();
        wordCounts.sequences.forEach((word, counts) -> {
            for (int i = 0; i < counts.size(); i++) {
                if (counts.get(i) != i + 1) {
                    wrong.put(word, "update " + (i + 1) + " of " + counts.size() + " is " + counts.get(i)
                            + " (around it: " + counts.subList(Math.max(0, i - 3), Math.min(counts.size(), i + 4))
                            + "), true count " + corpus.counts.get(word));
                    return;
                }
            }
        });
        assertThat(wrong).as("words whose committed counts do not run 1, 2, 3, ...").isEmpty();
        assertThat(wordCounts.records).as("committed word-counts records").isEqualTo(corpus.totalWords);
    }

    /** The splitter is exactly-once too: the committed {@code words} hold every word of every sentence once. */
    private static void assertEveryWordSplitOnce(Corpus corpus) throws Exception {
        Map<String, Long> words = new TreeMap<>();
        try (KafkaConsumer<String, String> consumer = consumer(IsolationLevel.READ_COMMITTED)) {
            readToEnd(consumer, WORDS_TOPIC, (record) -> words.merge(record.key(), 1L, Long::sum));
        }
        assertThat(words).as("committed words, counted").isEqualTo(corpus.counts);
    }

    /**
     * Exactly once on close: every (name, window) of the corpus has one committed result, with the count of the
     * corpus, and no other (name, window) has any (the windows of the closing records never close).
     */
    private static void assertEveryWindowCountedOnce(CommittedAnimalCounts animalCounts, AnimalCorpus animals) {
        // Every kind of wrong result in one map, so that a failure shows them all.
        Map<String, String> wrong = new TreeMap<>();
        int repeated = 0;
        int miscounted = 0;
        for (Map.Entry<String, List<AnimalResult>> entry : animalCounts.results.entrySet()) {
            List<Long> counts = entry.getValue().stream().map(AnimalResult::count).toList();
            Long expected = animals.counts.get(entry.getKey());
            if (expected == null) {
                wrong.put(entry.getKey(), "not in the corpus, committed " + counts);
                continue;
            }
            boolean miscount = counts.stream().anyMatch((count) -> count.longValue() != expected);
            repeated += (counts.size() > 1) ? 1 : 0;
            miscounted += miscount ? 1 : 0;
            if (counts.size() > 1 || miscount) {
                wrong.put(entry.getKey(), "committed " + counts + ", expected once " + expected);
            }
        }
        List<String> missing = animals.counts.keySet().stream()
            .filter((key) -> !animalCounts.results.containsKey(key)).toList();
        missing.forEach((key) -> wrong.put(key, "missing, expected " + animals.counts.get(key)));
        log("animal-counts: %d committed results for %d expected (name, window); %d repeated, %d with a wrong count, "
                + "%d missing, %d wrong in all", animalCounts.records, animals.counts.size(), repeated, miscounted,
                missing.size(), wrong.size());
        assertThat(wrong).as("(name, window) not committed exactly once with the count of the corpus").isEmpty();
        assertThat(animalCounts.records).as("committed animal-counts records").isEqualTo(animals.counts.size());
    }

    /** Nothing was ever sent to a dead-letter topic, committed or aborted: their high watermarks are 0. */
    private static void assertNothingDeadLettered() throws Exception {
        Map<TopicPartition, Long> ends = offsets(DEAD_LETTER_TOPICS, IsolationLevel.READ_UNCOMMITTED);
        log("dead-letter topics' high watermarks: %s", ends);
        assertThat(ends.values()).as("dead-letter high watermarks").containsOnly(0L);
    }

    // ---- Kafka helpers --------------------------------------------------------------------------------------

    /** The end offsets of topics of {@link #PARTITIONS} partitions (all of them have as many as the input). */
    private static Map<TopicPartition, Long> offsets(List<String> topics, IsolationLevel isolation) throws Exception {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (String topic : topics) {
            for (int partition = 0; partition < PARTITIONS; partition++) {
                specs.put(new TopicPartition(topic, partition), OffsetSpec.latest());
            }
        }
        Map<TopicPartition, Long> offsets = new TreeMap<>(
                java.util.Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition));
        admin.listOffsets(specs, new ListOffsetsOptions(isolation))
            .all()
            .get(30, TimeUnit.SECONDS)
            .forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    private static List<Long> byPartition(Map<TopicPartition, Long> offsets, String topic) {
        return offsets.entrySet().stream().filter((entry) -> entry.getKey().topic().equals(topic))
            .map(Map.Entry::getValue).toList();
    }

    private static KafkaConsumer<String, String> consumer(IsolationLevel isolation) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString(), ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                5000), new StringDeserializer(), new StringDeserializer());
    }

    /** Reads a topic from the beginning to its end offsets of now. */
    private static void readToEnd(KafkaConsumer<String, String> consumer, String topic,
            java.util.function.Consumer<ConsumerRecord<String, String>> action) {
        List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
            .mapToObj((partition) -> new TopicPartition(topic, partition)).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        await("reading " + topic + " to " + ends.values()).atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(10))
            .pollInSameThread()
            .until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(action);
                return partitions.stream().allMatch((partition) -> consumer.position(partition) >= ends.get(partition));
            });
    }

    /** The committed {@code word-counts}, read as they grow: every word's counts in order. */
    private static final class CommittedWordCounts implements AutoCloseable {

        private final KafkaConsumer<String, String> consumer = consumer(IsolationLevel.READ_COMMITTED);

        private final List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
            .mapToObj((partition) -> new TopicPartition(WORD_COUNTS_TOPIC, partition)).toList();

        private final Map<String, List<Long>> sequences = new TreeMap<>();

        private long records;

        private boolean assigned;

        /** Reads what was committed up to now. Calling thread only. */
        CommittedWordCounts catchUp() {
            if (!this.assigned) {
                if (this.consumer.partitionsFor(WORD_COUNTS_TOPIC, Duration.ofSeconds(5)).size() < PARTITIONS) {
                    return this;
                }
                this.consumer.assign(this.partitions);
                this.consumer.seekToBeginning(this.partitions);
                this.assigned = true;
            }
            Map<TopicPartition, Long> ends = this.consumer.endOffsets(this.partitions, Duration.ofSeconds(10));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (this.partitions.stream()
                .anyMatch((partition) -> this.consumer.position(partition) < ends.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("word-counts not read to " + ends + " in 30 s");
                }
                for (ConsumerRecord<String, String> record : this.consumer.poll(Duration.ofMillis(200))) {
                    JsonNode value = json.readTree(record.value());
                    assertThat(value.get("word").asString()).as("word of %s", record).isEqualTo(record.key());
                    this.sequences.computeIfAbsent(record.key(), (word) -> new ArrayList<>())
                        .add(value.get("count").asLong());
                    this.records++;
                }
            }
            return this;
        }

        Map<String, Long> lastCounts() {
            Map<String, Long> last = new TreeMap<>();
            this.sequences.forEach((word, counts) -> last.put(word, counts.get(counts.size() - 1)));
            return last;
        }

        @Override
        public void close() {
            this.consumer.close(Duration.ofSeconds(5));
        }
    }

    /** One committed record of {@code animal-counts}. */
    private record AnimalResult(String name, long windowStart, long windowEnd, long count, int partition,
            long offset) {
    }

    /** The committed {@code animal-counts}, read as they grow: the results of every (name, window). */
    private static final class CommittedAnimalCounts implements AutoCloseable {

        private final KafkaConsumer<String, String> consumer = consumer(IsolationLevel.READ_COMMITTED);

        private final List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
            .mapToObj((partition) -> new TopicPartition(ANIMAL_COUNTS_TOPIC, partition)).toList();

        private final Map<String, List<AnimalResult>> results = new TreeMap<>();

        private long records;

        private boolean assigned;

        /** Reads what was committed up to now. Calling thread only. */
        CommittedAnimalCounts catchUp() {
            if (!this.assigned) {
                if (this.consumer.partitionsFor(ANIMAL_COUNTS_TOPIC, Duration.ofSeconds(5)).size() < PARTITIONS) {
                    return this;
                }
                this.consumer.assign(this.partitions);
                this.consumer.seekToBeginning(this.partitions);
                this.assigned = true;
            }
            Map<TopicPartition, Long> ends = this.consumer.endOffsets(this.partitions, Duration.ofSeconds(10));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (this.partitions.stream()
                .anyMatch((partition) -> this.consumer.position(partition) < ends.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("animal-counts not read to " + ends + " in 30 s");
                }
                for (ConsumerRecord<String, String> record : this.consumer.poll(Duration.ofMillis(200))) {
                    JsonNode value = json.readTree(record.value());
                    AnimalResult result = new AnimalResult(value.get("name").asString(),
                            value.get("windowStart").asLong(), value.get("windowEnd").asLong(),
                            value.get("count").asLong(), record.partition(), record.offset());
                    assertThat(result.name()).as("name of %s", record).isEqualTo(record.key());
                    assertThat(result.windowEnd() - result.windowStart()).as("window of %s", record)
                        .isEqualTo(WINDOW_MILLIS);
                    this.results.computeIfAbsent(windowKey(result.name(), result.windowStart()),
                            (key) -> new ArrayList<>()).add(result);
                    this.records++;
                }
            }
            return this;
        }

        @Override
        public void close() {
            this.consumer.close(Duration.ofSeconds(5));
        }
    }

    // ---- the input ------------------------------------------------------------------------------------------

    /** Deterministic sentences of words from {@link #VOCABULARY}, and the true count of every word. */
    private record Corpus(List<String> values, Map<String, Long> counts, long totalWords, long[] wordsBefore) {

        /** The words of the first sentences. */
        long wordsOf(int sentences) {
            return this.wordsBefore[sentences];
        }

        static Corpus generate(int sentences) {
            Random random = new Random(20_261_122L);
            List<String> values = new ArrayList<>(sentences);
            Map<String, Long> counts = new TreeMap<>();
            long total = 0;
            long[] wordsBefore = new long[sentences + 1];
            for (int id = 0; id < sentences; id++) {
                wordsBefore[id] = total;
                StringBuilder text = new StringBuilder();
                int words = 3 + random.nextInt(10);
                for (int i = 0; i < words; i++) {
                    String word = VOCABULARY.get(random.nextInt(VOCABULARY.size()));
                    counts.merge(word, 1L, Long::sum);
                    total++;
                    if (i > 0) {
                        text.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
                    }
                    // The splitter lower-cases: "Über" and "über" are one word.
                    text.append((random.nextInt(4) == 0) ? word.substring(0, 1).toUpperCase(Locale.ROOT)
                            + word.substring(1) : word);
                }
                text.append(ENDINGS[random.nextInt(ENDINGS.length)]);
                Map<String, Object> sentence = new LinkedHashMap<>();
                sentence.put("id", (long) id);
                sentence.put("text", text.toString());
                values.add(json.writeValueAsString(sentence));
            }
            wordsBefore[sentences] = total;
            return new Corpus(values, counts, total, wordsBefore);
        }
    }

    /** One record of {@code animals}: its id (also its key), its record timestamp and its JSON value. */
    private record AnimalRecord(long id, long timestamp, String value) {
    }

    /**
     * Deterministic animals whose record timestamps rise {@link #ANIMAL_STEP_MILLIS} apart, names spelled with
     * varied case and spaces, then one record per name far ahead in event time; and the final count expected for
     * every (name, window) of the corpus, by {@link #windowKey}.
     *
     * <p>The timestamps start on a window boundary 15 minutes before the wall clock, not at a fixed epoch: the broker
     * deletes records older than a topic's retention (7 days for {@code animal-counts}, a day and 15 s for the
     * windowed changelog) and refuses those more than an hour ahead. The corpus is the same whenever it runs,
     * relative to its first window.
     */
    private record AnimalCorpus(List<AnimalRecord> records, List<AnimalRecord> closing, Map<String, Long> counts) {

        long first() {
            return this.records.get(0).timestamp();
        }

        long last() {
            return this.records.get(this.records.size() - 1).timestamp();
        }

        static AnimalCorpus generate(int animals) {
            Random random = new Random(20_261_206L);
            long start = (System.currentTimeMillis() - Duration.ofMinutes(15).toMillis()) / WINDOW_MILLIS
                    * WINDOW_MILLIS;
            List<AnimalRecord> records = new ArrayList<>(animals);
            Map<String, Long> counts = new TreeMap<>();
            for (int id = 0; id < animals; id++) {
                // The rare one is one animal in 300, 1.7 in a window of 500: about one window in five has none.
                String name = (random.nextInt(300) == 0) ? RARE_ANIMAL
                        : ANIMAL_NAMES.get(random.nextInt(ANIMAL_NAMES.size()));
                long timestamp = start + id * ANIMAL_STEP_MILLIS;
                counts.merge(windowKey(name, timestamp - Math.floorMod(timestamp, WINDOW_MILLIS)), 1L, Long::sum);
                records.add(new AnimalRecord(id, timestamp, animal(id, spell(name, random), random.nextInt(100))));
            }
            long closing = records.get(animals - 1).timestamp() + Duration.ofMinutes(1).toMillis();
            List<AnimalRecord> closers = new ArrayList<>();
            List<String> names = new ArrayList<>(ANIMAL_NAMES);
            names.add(RARE_ANIMAL);
            for (String name : names) {
                long id = animals + closers.size();
                closers.add(new AnimalRecord(id, closing, animal(id, name, 0)));
            }
            return new AnimalCorpus(records, closers, counts);
        }

        /** The re-keying stage trims and lower-cases: " Shark", "SHARK " and "shark" are one name. */
        private static String spell(String name, Random random) {
            String capitalized = name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
            return switch (random.nextInt(6)) {
                case 0 -> capitalized;
                case 1 -> name.toUpperCase(Locale.ROOT);
                case 2 -> "  " + name;
                case 3 -> capitalized + " ";
                case 4 -> " " + name.toUpperCase(Locale.ROOT) + "  ";
                default -> name;
            };
        }

        private static String animal(long id, String name, int value) {
            Map<String, Object> animal = new LinkedHashMap<>();
            animal.put("id", id);
            animal.put("name", name);
            animal.put("value", value);
            return json.writeValueAsString(animal);
        }
    }

    private static String windowKey(String name, long windowStart) {
        return name + "@" + windowStart;
    }

    /**
     * Produces the sentences at a steady pace on a thread of its own, each followed by its
     * {@link #ANIMALS_PER_SENTENCE} animals, slowing down to a trickle past each gate until the test opened it (after
     * a kill), so that both kills land while sentences and animals still flow however slow the machine is. Then the
     * closing animals.
     */
    private static final class Feeder {

        private final List<String> sentences;

        private final AnimalCorpus animals;

        private final AtomicInteger sent = new AtomicInteger();

        private final AtomicInteger animalsSent = new AtomicInteger();

        private final AtomicReference<Exception> failure = new AtomicReference<>();

        private final CountDownLatch[] gates = { new CountDownLatch(1), new CountDownLatch(1) };

        private final CompletableFuture<Void> done = new CompletableFuture<>();

        private volatile boolean stopped;

        /** Whether the feed trickles past a gate not yet opened. */
        private volatile boolean trickling;

        Feeder(List<String> sentences, AnimalCorpus animals) {
            this.sentences = sentences;
            this.animals = animals;
        }

        void start() {
            Thread thread = new Thread(this::run, "crash-test-feeder");
            thread.setDaemon(true);
            thread.start();
        }

        void open(int gate) {
            this.gates[gate].countDown();
        }

        void stop() {
            this.stopped = true;
            for (CountDownLatch gate : this.gates) {
                gate.countDown();
            }
        }

        void await() throws Exception {
            this.done.get(2, TimeUnit.MINUTES);
            if (this.failure.get() != null) {
                throw new IllegalStateException("Sending a sentence or an animal failed", this.failure.get());
            }
        }

        private void run() {
            Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.LINGER_MS_CONFIG, 5);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                    new StringSerializer())) {
                long steady = TimeUnit.SECONDS.toNanos(1) / SENTENCES_PER_SECOND;
                long trickle = TimeUnit.SECONDS.toNanos(1) / TRICKLE_PER_SECOND;
                long next = System.nanoTime();
                int gate = 0;
                for (int id = 0; id < this.sentences.size() && !this.stopped; id++) {
                    while (gate < GATES.length && this.gates[gate].getCount() == 0) {
                        gate++;
                    }
                    this.trickling = gate < GATES.length && id >= GATES[gate];
                    next += this.trickling ? trickle : steady;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    else {
                        // Behind (a slow machine): carry on at the pace from now, no burst.
                        next = System.nanoTime();
                    }
                    producer.send(new ProducerRecord<>(SENTENCES_TOPIC, Integer.toString(id), this.sentences.get(id)),
                            this::sent);
                    this.sent.incrementAndGet();
                    for (int k = 0; k < ANIMALS_PER_SENTENCE; k++) {
                        send(producer, this.animals.records().get(id * ANIMALS_PER_SENTENCE + k));
                    }
                }
                // Far ahead in event time, one per name: every window of the corpus closes.
                for (AnimalRecord animal : this.animals.closing()) {
                    if (!this.stopped) {
                        send(producer, animal);
                    }
                }
                producer.flush();
                this.done.complete(null);
            }
            catch (Exception ex) {
                this.failure.compareAndSet(null, ex);
                this.done.complete(null);
            }
        }

        /** All to partition 0, with the corpus's timestamp: the order of every name is the order of the corpus. */
        private void send(KafkaProducer<String, String> producer, AnimalRecord animal) {
            producer.send(new ProducerRecord<>(ANIMALS_TOPIC, 0, animal.timestamp(), Long.toString(animal.id()),
                    animal.value()), this::sent);
            this.animalsSent.incrementAndGet();
        }

        private void sent(RecordMetadata metadata, Exception ex) {
            if (ex != null) {
                this.failure.compareAndSet(null, ex);
            }
        }
    }

    // ---- plumbing -------------------------------------------------------------------------------------------

    private record App(int incarnation, Process process, int port, Path log) {
    }

    /** A table of a stream, with its changelog. */
    private record TableSpec(String stream, String table, String changelog) {
    }

    /**
     * What a kill left.
     * @param checkpoints the checkpoints on disk, by changelog and partition
     */
    private record Crash(int number, Map<String, Map<Integer, Long>> checkpoints,
            Map<TopicPartition, Long> highWatermarks, Map<TopicPartition, Long> stableOffsets) {

        boolean cutATransactionOpen(List<String> topics) {
            return this.highWatermarks.entrySet()
                .stream()
                .anyMatch((entry) -> topics.contains(entry.getKey().topic())
                        && entry.getValue() > this.stableOffsets.get(entry.getKey()));
        }
    }

    /** One entry of the endpoint's {@code tables}. */
    private record TableFigures(String table, int partition, String role, long restored, long remaining,
            long restoreStart, long restoreEnd, long changelogPosition, long written, long checkpoint) {

        static List<TableFigures> of(JsonNode view) {
            List<TableFigures> tables = new ArrayList<>();
            for (JsonNode table : view.get("tables")) {
                tables.add(new TableFigures(table.get("table").asString(), table.get("partition").asInt(),
                        table.get("role").asString(), table.get("restored").asLong(),
                        table.get("remaining").asLong(), table.get("restoreStart").asLong(),
                        table.get("restoreEnd").asLong(), table.get("changelogPosition").asLong(),
                        table.get("written").asLong(), table.get("checkpoint").asLong()));
            }
            return tables;
        }
    }

    private static JsonNode streamView(App app, String stream) throws IOException {
        HttpRequest request = HttpRequest
            .newBuilder(URI.create("http://localhost:" + app.port() + "/actuator/streams/" + stream))
            .timeout(Duration.ofSeconds(5))
            .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("GET " + request.uri() + ": " + response.statusCode() + " " + response.body());
            }
            return json.readTree(response.body());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException(ex);
        }
    }

    /** The jar {@code package} built before failsafe runs this test. */
    private static Path appJar() throws IOException {
        try (var files = Files.list(Path.of("target"))) {
            return files.filter((file) -> file.getFileName().toString().matches("streams-app-.*\\.jar"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No streams-app jar in target: run ./mvnw verify"));
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static long elapsedSeconds(long startNanos) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
    }

    private static void log(String format, Object... args) {
        System.out.println("[crash-test] " + String.format(Locale.ROOT, format, args));
    }

    private static List<Path> logFiles() {
        List<Path> logs = new ArrayList<>();
        apps.forEach((app) -> logs.add(app.log()));
        logs.add(dir.resolve("broker.log"));
        return logs;
    }

    private static void dumpLogs() {
        for (Path file : logFiles()) {
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                System.out.println("[crash-test] ---- last lines of " + file + " ----");
                System.out.println(lines.subList(Math.max(0, lines.size() - 80), lines.size())
                    .stream()
                    .collect(Collectors.joining(System.lineSeparator())));
            }
            catch (IOException | RuntimeException ex) {
                System.out.println("[crash-test] cannot read " + file + ": " + ex);
            }
        }
    }
}
