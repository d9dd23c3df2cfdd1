package io.millrace.streams.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.millrace.streams.query.QueryUnavailableException;
import io.millrace.streams.query.QueryableTable;
import io.millrace.streams.query.TableQueries;
import io.millrace.streams.runtime.PartitionOwners;
import io.millrace.streams.runtime.StreamManager;

/**
 * Interactive queries (issue 14): two Millrace instances of {@link QueryBenchApplication} in this JVM, each a
 * servlet web application with its own web server (port 0), its own state directory, the same application id, so
 * one consumer group sharing the partitions of a table of {@code queries-keys} keys loaded once from an input topic.
 * Once every record is processed and both instances know who owns every partition, each key is read through both
 * instances over HTTP and through the Java API on its owner, and must have its value. Then each round measures,
 * one after the other, {@code queries-threads} client threads (thread {@code t} asks instance {@code t % 2}) looking
 * keys up for {@code queries-millis}:
 * <ul>
 * <li>{@code query-local}: over HTTP, keys whose partition the asked instance owns;
 * <li>{@code query-forwarded}: over HTTP, keys the other instance owns (the asked one forwards each request once);
 * <li>{@code query-java}: {@code QueryableTable.get} on the owner, no HTTP: the floor.
 * </ul>
 * The HTTP clients are one JDK {@link HttpClient} (HTTP/1.1, connections kept alive). Every answer is checked against
 * the key's value; a wrong answer or any status but 200 fails the run.
 */
final class QueryScenario {

    static final String INPUT = "bench-queries";

    static final String APPLICATION_ID = "bench-queries";

    static final List<String> MODES = List.of("query-local", "query-forwarded", "query-java");

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private static final JsonMapper json = JsonMapper.builder().build();

    private final BenchSettings settings;

    private final ClientSettings clients;

    private final Topics topics;

    private final PrintStream log;

    QueryScenario(BenchSettings settings, ClientSettings clients, Topics topics, PrintStream log) {
        this.settings = settings;
        this.clients = clients;
        this.topics = topics;
        this.log = log;
    }

    QueryResults run() throws Exception {
        int partitions = this.settings.queriesPartitions();
        this.topics.create(List.of(INPUT), partitions);
        Map<String, Long> expected = seed(this.settings.queriesKeys());
        Path state = Files.createTempDirectory("bench-queries");
        List<Instance> instances = new ArrayList<>();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        try {
            this.log.printf("Starting two query instances (%s)%n", APPLICATION_ID);
            for (int i = 0; i < 2; i++) {
                instances.add(start(state.resolve("instance-" + i)));
            }
            awaitReady(instances, expected);
            List<List<String>> owned = new ArrayList<>();
            for (Instance instance : instances) {
                owned.add(expected.keySet().stream()
                        .filter((key) -> instance.url().equals(owner(instance, key))).toList());
            }
            if (owned.get(0).isEmpty() || owned.get(1).isEmpty()
                    || owned.get(0).size() + owned.get(1).size() != expected.size()) {
                throw new IllegalStateException("Expected both instances to own keys, and every key owned once: "
                        + owned.get(0).size() + " + " + owned.get(1).size() + " of " + expected.size());
            }
            this.log.printf("Instance %s owns %,d keys, %s %,d%n", instances.get(0).url(), owned.get(0).size(),
                    instances.get(1).url(), owned.get(1).size());
            long checked = checkEveryKey(instances, expected, http);
            List<QueryRun> runs = new ArrayList<>();
            int total = this.settings.warmupRounds() + this.settings.rounds();
            for (int round = 0; round < total; round++) {
                for (String mode : MODES) {
                    if (this.settings.runs(mode)) {
                        runs.add(measure(mode, round, round < this.settings.warmupRounds(), instances, owned,
                                expected, http));
                    }
                }
            }
            return new QueryResults(expected.size(), partitions, this.settings.queriesThreads(),
                    this.settings.queriesDuration(), owned.stream().map(List::size).toList(), checked, runs);
        }
        finally {
            for (Instance instance : instances) {
                instance.context().close();
            }
            FileSystemUtils.deleteRecursively(state);
        }
    }

    /** Key {@code key-00042} holds a number no other key holds, and the input gives it once. */
    private Map<String, Long> seed(int keys) {
        this.log.printf("Seeding %s with %,d keys%n", INPUT, keys);
        Map<String, Long> expected = new LinkedHashMap<>();
        Map<String, Object> properties = new HashMap<>();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.clients.bootstrapServers());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (Producer<String, String> producer = new KafkaProducer<>(properties)) {
            for (int i = 0; i < keys; i++) {
                String key = String.format("key-%05d", i);
                long value = 1_000_003L * i + 17;
                expected.put(key, value);
                producer.send(new ProducerRecord<>(INPUT, key, Long.toString(value)));
            }
            producer.flush();
        }
        return expected;
    }

    private Instance start(Path stateDir) throws Exception {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.kafka.bootstrap-servers", this.clients.bootstrapServers());
        properties.put("spring.kafka.consumer.max-poll-records", this.clients.maxPollRecords());
        properties.put("millrace.application-id", APPLICATION_ID);
        properties.put("spring.application.name", APPLICATION_ID);
        properties.put("millrace.state-dir", stateDir.toString());
        properties.put("millrace.queries.enabled", "true");
        properties.put("bench.queries.input", INPUT);
        properties.put("server.port", "0");
        properties.put("spring.jmx.enabled", "false");
        properties.put("logging.level.root", "WARN");
        ConfigurableApplicationContext context = new SpringApplicationBuilder(QueryBenchApplication.class)
                .web(WebApplicationType.SERVLET).bannerMode(Banner.Mode.OFF).logStartupInfo(false)
                .properties(properties).run();
        String local = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> owners = http.send(HttpRequest.newBuilder(URI.create(local + "/streams/"
                + QueryBenchApplication.STREAM + "/owners")).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (owners.statusCode() != 200) {
            throw new IllegalStateException("The owners of " + local + " answered " + owners.statusCode() + ": "
                    + owners.body());
        }
        String url = json.readTree(owners.body()).path("self").asString();
        QueryableTable<String, Long> table = context.getBean(TableQueries.class).table(QueryBenchApplication.STREAM,
                QueryBenchApplication.TABLE, String.class, Long.class);
        return new Instance(context, url, context.getBean(StreamManager.class), table);
    }

    /** Waits until every record is processed, both instances know both as owners, and every key answers. */
    private void awaitReady(List<Instance> instances, Map<String, Long> expected) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Set<String> urls = Set.of(instances.get(0).url(), instances.get(1).url());
        while (true) {
            long processed = instances.stream().mapToLong((instance) -> instance.manager()
                    .stats(QueryBenchApplication.STREAM).map((stats) -> stats.processed()).orElse(0L)).sum();
            boolean owners = instances.stream().allMatch((instance) -> ownedBy(instance).equals(urls));
            if (processed >= expected.size() && owners && answersEveryKey(instances, expected)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The query instances were not ready in " + READY_TIMEOUT + ": "
                        + processed + " of " + expected.size() + " records processed, owners "
                        + instances.stream().map(this::ownersOf).toList());
            }
            Thread.sleep(200);
        }
    }

    private static Set<String> ownedBy(Instance instance) {
        PartitionOwners owners = instance.manager().owners(QueryBenchApplication.STREAM);
        Set<String> urls = new java.util.HashSet<>();
        for (int partition = 0; partition < owners.partitions(); partition++) {
            urls.add(owners.owner(partition));
        }
        return (owners.partitions() == 0) ? Collections.singleton(null) : urls;
    }

    private String ownersOf(Instance instance) {
        return instance.url() + ": " + instance.manager().owners(QueryBenchApplication.STREAM);
    }

    private static String owner(Instance instance, String key) {
        QueryableTable<String, Long> table = instance.table();
        return table.owners().owner(table.partitionOf(key));
    }

    /** Every key on its owner through the Java API, with its value; false while a partition restores. */
    private static boolean answersEveryKey(List<Instance> instances, Map<String, Long> expected) {
        for (Map.Entry<String, Long> entry : expected.entrySet()) {
            String owner = owner(instances.get(0), entry.getKey());
            Instance owning = instances.stream().filter((instance) -> instance.url().equals(owner)).findFirst()
                    .orElse(null);
            if (owning == null) {
                return false;
            }
            try {
                Optional<Long> value = owning.table().get(entry.getKey());
                if (value.isEmpty()) {
                    return false;
                }
                check(entry.getKey(), value.get(), entry.getValue(), "the Java API on " + owner);
            }
            catch (QueryUnavailableException ex) {
                return false;
            }
        }
        return true;
    }

    /** Every key through both instances over HTTP: one answers it, the other forwards it. */
    private long checkEveryKey(List<Instance> instances, Map<String, Long> expected, HttpClient http)
            throws IOException, InterruptedException {
        long checked = 0;
        for (Instance instance : instances) {
            for (Map.Entry<String, Long> entry : expected.entrySet()) {
                lookUp(http, instance.url(), entry.getKey(), entry.getValue());
                checked++;
            }
        }
        this.log.printf("Every key checked through both instances over HTTP (%,d answers)%n", checked);
        return checked + expected.size();
    }

    private QueryRun measure(String mode, int round, boolean warmup, List<Instance> instances,
            List<List<String>> owned, Map<String, Long> expected, HttpClient http) throws Exception {
        int threads = this.settings.queriesThreads();
        long duration = this.settings.queriesDuration().toNanos();
        List<Latencies> latencies = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        long[] ends = new long[threads];
        List<Thread> started = new ArrayList<>();
        long[] start = new long[1];
        for (int t = 0; t < threads; t++) {
            int index = t;
            Instance asked = instances.get(t % 2);
            List<String> keys = new ArrayList<>(owned.get(mode.equals("query-forwarded") ? 1 - t % 2 : t % 2));
            Collections.shuffle(keys, new Random(31L * round + t));
            Latencies mine = new Latencies();
            latencies.add(mine);
            Thread thread = new Thread(() -> {
                try {
                    ready.countDown();
                    go.await();
                    long deadline = start[0] + duration;
                    int i = 0;
                    long now = System.nanoTime();
                    while (now < deadline && failure.get() == null) {
                        String key = keys.get(i++ % keys.size());
                        long want = expected.get(key);
                        long before = now;
                        if (mode.equals("query-java")) {
                            Optional<Long> value = asked.table().get(key);
                            now = System.nanoTime();
                            check(key, value.orElse(null), want, "the Java API on " + asked.url());
                        }
                        else {
                            lookUp(http, asked.url(), key, want);
                            now = System.nanoTime();
                        }
                        mine.record(now - before);
                    }
                    ends[index] = now;
                }
                catch (Throwable ex) {
                    failure.compareAndSet(null, ex);
                }
            }, "bench-" + mode + "-r" + round + "-" + t);
            thread.setDaemon(true);
            started.add(thread);
            thread.start();
        }
        ready.await();
        long cpuBefore = Meter.processCpu();
        start[0] = System.nanoTime();
        go.countDown();
        for (Thread thread : started) {
            thread.join(duration / 1_000_000 + 60_000);
            if (thread.isAlive()) {
                throw new IllegalStateException(thread.getName() + " did not finish");
            }
        }
        long cpuAfter = Meter.processCpu();
        if (failure.get() != null) {
            throw new IllegalStateException(mode + " failed in round " + round + ": " + failure.get().getMessage(),
                    failure.get());
        }
        long end = 0;
        for (long threadEnd : ends) {
            end = Math.max(end, threadEnd);
        }
        QueryRun run = new QueryRun(mode, round, warmup, Duration.ofNanos(end - start[0]),
                Duration.ofNanos(cpuAfter - cpuBefore), Latencies.merge(latencies).summary());
        this.log.printf("%-16s round %d%s: %,9.0f lookups/s (%,d in %.2f s; p50 %.0f us, p99 %.0f us, max %.1f ms; "
                + "%.1f us CPU per lookup)%n", mode, round, warmup ? " (warm-up)" : "", run.lookupsPerSecond(),
                run.latencies().count(), run.elapsed().toNanos() / 1e9, run.p50Micros(), run.p99Micros(),
                run.latencies().maxNanos() / 1e6, run.cpuMicrosPerLookup());
        return run;
    }

    /** One lookup over HTTP, which must answer 200 with the key and its value. */
    private static void lookUp(HttpClient http, String url, String key, long want)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/streams/"
                + QueryBenchApplication.STREAM + "/tables/" + QueryBenchApplication.TABLE + "/" + key))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + " for " + key + ": "
                    + response.body());
        }
        if (!response.body().equals(expectedBody(key, want))) {
            // Another rendering of the same answer would do: read it.
            JsonNode body = json.readTree(response.body());
            if (!key.equals(body.path("key").asString()) || !body.path("value").isIntegralNumber()) {
                throw new IllegalStateException(url + " answered " + response.body() + " for " + key);
            }
            check(key, body.path("value").asLong(), want, url);
        }
    }

    /** The answer a key's lookup gives, as Jackson writes it. */
    static String expectedBody(String key, long value) {
        return "{\"key\":\"" + key + "\",\"value\":" + value + "}";
    }

    private static void check(String key, Long got, long want, String from) {
        if (got == null || got != want) {
            throw new IllegalStateException(from + " answered " + got + " for " + key + ", expected " + want);
        }
    }

    /** A running instance. */
    private record Instance(ConfigurableApplicationContext context, String url, StreamManager manager,
            QueryableTable<String, Long> table) {
    }
}
