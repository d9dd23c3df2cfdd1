package io.millrace.streams.query;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.millrace.streams.runtime.PartitionOwners;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.table.Windowed;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Interactive queries against a real broker, three instances in one group, each with its own web server: every key
 * readable from every instance with its exact value (answered locally or forwarded to the owner), the paged scan
 * through any instance equal to the whole table, a key's windows as computed by hand, and, while an instance stops
 * and another joins, answers that are right or 503, never wrong.
 */
class QueriesIntegrationTests {

    private static final int PARTITIONS = 6;

    private static final int WORDS = 60;

    private static final long BASE = 1_700_000_000_000L;

    private static final JsonMapper json = JsonMapper.builder().build();

    private static final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path state;

    private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

    @AfterEach
    void stop() {
        this.instances.forEach((context) -> {
            if (context.isActive()) {
                context.close();
            }
        });
    }

    @Test
    void everyInstanceAnswersEveryKeyAndPagesThroughTheWholeTable() throws Exception {
        String input = "query-in-1";
        TestKafka.createTopic(input, PARTITIONS);
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            urls.add(url(start("queries-1", input, i)));
        }
        Map<String, Long> expected = send(input, 600);
        awaitProcessed(600);
        awaitOwners(urls);
        // Partitions that moved while the instances joined restore before they answer (503 meanwhile), and a count
        // shows once its transaction committed (processed is not committed).
        awaitAllRight(urls.get(0), expected);

        int forwarded = 0;
        for (String url : urls) {
            StreamManager manager = manager(url);
            for (Map.Entry<String, Long> word : expected.entrySet()) {
                HttpResponse<String> response = get(url, "/streams/tally/tables/tallies/" + encode(word.getKey()));
                assertThat(response.statusCode()).as(word.getKey() + " from " + url + ": " + response.body())
                    .isEqualTo(200);
                JsonNode body = json.readTree(response.body());
                assertThat(body.path("key").asString()).isEqualTo(word.getKey());
                assertThat(body.path("value").asLong()).isEqualTo(word.getValue());
                int partition = partitionOf(word.getKey());
                if (!manager.owners("tally").owner(partition).equals(url)) {
                    forwarded++;
                }
            }
        }
        // Each instance owns some partitions: two thirds of the reads went to another instance.
        assertThat(forwarded).isGreaterThan(expected.size());

        // The Java API answers on the owner, and refuses elsewhere naming the owner.
        String word = expected.keySet().iterator().next();
        for (String url : urls) {
            QueryableTable<String, Long> tallies = queries(url).table("tally", "tallies", String.class, Long.class);
            String owner = tallies.owners().owner(tallies.partitionOf(word));
            if (owner.equals(url)) {
                assertThat(tallies.get(word)).contains(expected.get(word));
            }
            else {
                try {
                    tallies.get(word);
                    throw new AssertionError("read a partition this instance does not own");
                }
                catch (QueryUnavailableException ex) {
                    assertThat(ex.owner()).isEqualTo(owner);
                }
            }
        }

        // Absent keys, unknown tables and streams, keys the schema refuses, bad parameters.
        assertThat(get(urls.get(0), "/streams/tally/tables/tallies/no-such-word").statusCode()).isEqualTo(404);
        assertThat(get(urls.get(1), "/streams/tally/tables/nope/x").statusCode()).isEqualTo(404);
        assertThat(get(urls.get(1), "/streams/nope/tables/tallies/x").statusCode()).isEqualTo(404);
        HttpResponse<String> refused = get(urls.get(2), "/streams/tally/tables/lengths/not-a-number");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("error").doesNotContain("at io.millrace");
        assertThat(get(urls.get(2), "/streams/tally/tables/tallies?limit=0").statusCode()).isEqualTo(400);
        assertThat(get(urls.get(2), "/streams/tally/tables/tallies?limit=100000").statusCode()).isEqualTo(400);
        assertThat(get(urls.get(2), "/streams/tally/tables/tallies?limit=3000000000").statusCode()).isEqualTo(400);
        assertThat(get(urls.get(2), "/streams/tally/tables/windows/w1?from=10&to=5").statusCode()).isEqualTo(400);
        assertThat(get(urls.get(2), "/streams/tally/tables/tallies?after=%25%25").statusCode()).isEqualTo(400);

        // A paged scan through any instance is the whole table, in key order.
        Map<String, Long> sorted = new TreeMap<>(QueriesIntegrationTests::byUtf8);
        sorted.putAll(expected);
        for (String url : urls) {
            assertThat(scan(url, "tallies", 7)).containsExactlyEntriesOf(sorted);
        }
        assertThat(scan(urls.get(0), "tallies", 1000)).containsExactlyEntriesOf(sorted);

        // A key's windows, by hand: word i is sent at BASE + (n mod 30) s for its n-th record.
        String windowed = "w7";
        HttpResponse<String> windows = get(urls.get(0), "/streams/tally/tables/windows/" + windowed + "?from="
                + (BASE - 60_000) + "&to=" + (BASE + 60_000));
        assertThat(windows.statusCode()).isEqualTo(200);
        List<String> found = new ArrayList<>();
        for (JsonNode window : json.readTree(windows.body())) {
            found.add(window.path("windowStart").asLong() + "-" + window.path("windowEnd").asLong() + "="
                    + window.path("value").asLong());
        }
        assertThat(found).containsExactlyElementsOf(expectedWindows(windowed, 600));
        // A session table: word i's records come one second apart (0 to 9 s), within the 5 s gap: one session.
        HttpResponse<String> sessions = get(urls.get(1), "/streams/tally/tables/sessions/" + windowed + "?from="
                + (BASE - 60_000) + "&to=" + (BASE + 60_000));
        assertThat(sessions.statusCode()).as(sessions.body()).isEqualTo(200);
        JsonNode session = json.readTree(sessions.body());
        assertThat(session).hasSize(1);
        assertThat(session.get(0).path("windowStart").asLong()).isEqualTo(BASE);
        assertThat(session.get(0).path("windowEnd").asLong()).isEqualTo(BASE + 9_001);
        assertThat(session.get(0).path("value").asLong()).isEqualTo(10);
        // The same through the Java API on the owner.
        for (String url : urls) {
            QueryableTable<String, Long> table = queries(url).table("tally", "windows", String.class, Long.class);
            if (table.owners().owner(table.partitionOf(windowed)).equals(url)) {
                assertThat(table.fetch(windowed, BASE - 60_000, BASE + 60_000).stream()
                    .map(QueriesIntegrationTests::describe).toList())
                    .containsExactlyElementsOf(expectedWindows(windowed, 600));
            }
        }

        // The owners: every partition owned by one of the three, its standby on another.
        JsonNode owners = json.readTree(get(urls.get(1), "/streams/tally/owners").body());
        assertThat(owners.path("partitions")).hasSize(PARTITIONS);
        for (JsonNode partition : owners.path("partitions")) {
            assertThat(urls).contains(partition.path("owner").asString());
            assertThat(partition.path("standbys")).hasSize(1);
            assertThat(partition.path("standbys").get(0).asString()).isIn(urls)
                .isNotEqualTo(partition.path("owner").asString());
        }

        // Standby reads: an instance that keeps a standby copy of a key's partition answers from it when asked to.
        for (String url : urls) {
            QueryableTable<String, Long> tallies = queries(url).table("tally", "tallies", String.class, Long.class);
            for (Map.Entry<String, Long> entry : expected.entrySet()) {
                int partition = tallies.partitionOf(entry.getKey());
                if (tallies.owners().standbys(partition).contains(url)) {
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                            tallies.get(entry.getKey(), ReadFrom.ACTIVE_OR_STANDBY)).contains(entry.getValue()));
                    try {
                        tallies.get(entry.getKey());
                        throw new AssertionError("a standby answered a read that asked for the owner");
                    }
                    catch (QueryUnavailableException ex) {
                        assertThat(ex.getMessage()).contains("standby");
                    }
                }
            }
        }
        assertThat(get(urls.get(0), "/streams/tally/tables/tallies/" + "k".repeat(5000)).statusCode())
            .isEqualTo(400);
    }

    @Test
    void whilePartitionsMoveAnswersAreRightOr503NeverWrong() throws Exception {
        String input = "query-in-2";
        TestKafka.createTopic(input, PARTITIONS);
        ConfigurableApplicationContext first = start("queries-2", input, 0);
        ConfigurableApplicationContext second = start("queries-2", input, 1);
        String asked = url(first);
        String leaving = url(second);
        Map<String, Long> expected = send(input, 1200);
        awaitProcessed(1200);
        awaitOwners(List.of(asked, leaving));
        // Processed is not committed: under exactly-once a key reads its count once its transaction committed.
        awaitAllRight(asked, expected);

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger right = new AtomicInteger();
        AtomicInteger unavailable = new AtomicInteger();
        AtomicReference<String> wrong = new AtomicReference<>();
        List<String> words = new ArrayList<>(expected.keySet());
        Thread reader = new Thread(() -> {
            int i = 0;
            while (running.get()) {
                String word = words.get(i++ % words.size());
                try {
                    HttpResponse<String> response = get(asked, "/streams/tally/tables/tallies/" + encode(word));
                    if (response.statusCode() == 503) {
                        assertThat(response.headers().firstValue("Retry-After")).isPresent();
                        unavailable.incrementAndGet();
                    }
                    else if (response.statusCode() == 200
                            && json.readTree(response.body()).path("value").asLong() == expected.get(word)) {
                        right.incrementAndGet();
                    }
                    else {
                        wrong.compareAndSet(null, word + ": " + response.statusCode() + " " + response.body());
                    }
                }
                catch (IOException | InterruptedException | AssertionError ex) {
                    wrong.compareAndSet(null, word + ": " + ex);
                }
            }
        }, "query-reader");
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> right.get() > 100);
            // One instance joins, one leaves, while the reader asks the first one for every word.
            String joining = url(start("queries-2", input, 2));
            await().atMost(Duration.ofSeconds(90)).until(() -> ownedBy(asked).contains(joining));
            second.close();
            await().atMost(Duration.ofSeconds(90)).until(() -> !ownedBy(asked).contains(leaving)
                    && !ownedBy(asked).contains(null));
            int before = right.get();
            await().atMost(Duration.ofSeconds(60)).until(() -> right.get() > before + 200);
        }
        finally {
            running.set(false);
            reader.join();
        }
        assertThat(wrong.get()).isNull();
        System.out.printf("queries during the moves: %d right, %d 503%n", right.get(), unavailable.get());
        // Every word right from the survivors once the group settled.
        awaitAllRight(asked, expected);
    }

    private static void awaitAllRight(String url, Map<String, Long> expected) {
        for (Map.Entry<String, Long> word : expected.entrySet()) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> response = get(url, "/streams/tally/tables/tallies/" + encode(word.getKey()));
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(json.readTree(response.body()).path("value").asLong()).isEqualTo(word.getValue());
            });
        }
    }

    private static String describe(Windowed<String, Long> window) {
        return window.windowStart() + "-" + window.windowEnd() + "=" + window.value();
    }

    private List<String> ownedBy(String url) {
        PartitionOwners owners = manager(url).owners("tally");
        List<String> owning = new ArrayList<>();
        for (int partition = 0; partition < owners.partitions(); partition++) {
            owning.add(owners.owner(partition));
        }
        return (owners.partitions() == 0) ? Arrays.asList((String) null) : owning;
    }

    private static List<String> expectedWindows(String word, int records) {
        Map<Long, Long> counts = new TreeMap<>();
        int index = Integer.parseInt(word.substring(1));
        for (int i = 0; i < records; i++) {
            if (i % WORDS == index) {
                long time = timestamp(i);
                counts.merge(Math.floorDiv(time, 10_000L) * 10_000L, 1L, Long::sum);
            }
        }
        List<String> windows = new ArrayList<>();
        counts.forEach((start, count) -> windows.add(start + "-" + (start + 10_000) + "=" + count));
        return windows;
    }

    private static long timestamp(int record) {
        return BASE + (record / WORDS % 30) * 1_000L;
    }

    private static Map<String, Long> send(String topic, int records) {
        Map<String, Long> expected = new LinkedHashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer()) {
            for (int i = 0; i < records; i++) {
                String word = "w" + (i % WORDS);
                producer.send(new ProducerRecord<>(topic, null, timestamp(i), TestKafka.utf8(word),
                        TestKafka.utf8(word)));
                expected.merge(word, 1L, Long::sum);
            }
            producer.flush();
        }
        return expected;
    }

    private Map<String, Long> scan(String url, String table, int limit) throws Exception {
        Map<String, Long> all = new LinkedHashMap<>();
        String after = null;
        int pages = 0;
        do {
            HttpResponse<String> response = get(url, "/streams/tally/tables/" + table + "?limit=" + limit
                    + ((after != null) ? "&after=" + after : ""));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode page = json.readTree(response.body());
            assertThat(page.path("entries").size()).isLessThanOrEqualTo(limit);
            for (JsonNode entry : page.path("entries")) {
                assertThat(all.put(entry.path("key").asString(), entry.path("value").asLong())).isNull();
            }
            after = page.path("next").isNull() ? null : page.path("next").asString();
            assertThat(++pages).isLessThan(1000);
        }
        while (after != null);
        return all;
    }

    private void awaitProcessed(long records) {
        await().atMost(Duration.ofSeconds(90)).until(() -> this.instances.stream().filter(
                ConfigurableApplicationContext::isActive).mapToLong((context) -> context.getBean(StreamManager.class)
                    .stats("tally").orElseThrow().processed()).sum() >= records);
    }

    private void awaitOwners(List<String> urls) {
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
            for (String url : urls) {
                List<String> owners = ownedBy(url);
                assertThat(owners).hasSize(PARTITIONS).doesNotContainNull();
                assertThat(urls).containsAll(owners);
                assertThat(new java.util.HashSet<>(owners)).hasSize(urls.size());
            }
        });
    }

    private ConfigurableApplicationContext start(String applicationId, String input, int index) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(QueryTestApplication.class)
            .web(WebApplicationType.SERVLET)
            .run("--server.port=0", "--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                    "--millrace.application-id=" + applicationId, "--millrace.queries.enabled=true",
                    "--millrace.state-dir=" + this.state.resolve(applicationId + "-" + index),
                    "--millrace.streams.tally.guarantee=exactly-once", "--millrace.tables.standby-replicas=1",
                    "--test.input=" + input,
                    "--test.output=" + input + "-out", "--spring.jmx.enabled=false");
        this.instances.add(context);
        return context;
    }

    /** The URL an instance advertises, as its owners answer says. */
    private static String url(ConfigurableApplicationContext context) {
        return selfUrl(context);
    }

    private static String selfUrl(ConfigurableApplicationContext context) {
        try {
            return json.readTree(get("http://localhost:" + context.getEnvironment().getProperty("local.server.port"),
                    "/streams/tally/owners").body()).path("self").asString();
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private StreamManager manager(String url) {
        return this.instances.stream().filter(ConfigurableApplicationContext::isActive)
            .filter((context) -> selfUrl(context).equals(url))
            .findFirst().orElseThrow().getBean(StreamManager.class);
    }

    private static StreamManager manager(ConfigurableApplicationContext context) {
        return context.getBean(StreamManager.class);
    }

    private TableQueries queries(String url) {
        return this.instances.stream().filter(ConfigurableApplicationContext::isActive)
            .filter((context) -> selfUrl(context).equals(url))
            .findFirst().orElseThrow().getBean(TableQueries.class);
    }

    private static int partitionOf(String word) {
        return org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2(TestKafka.utf8(word))) % PARTITIONS;
    }

    private static int byUtf8(String one, String other) {
        return Arrays.compareUnsigned(TestKafka.utf8(one), TestKafka.utf8(other));
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> get(String url, String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url + pathAndQuery)).timeout(Duration.ofSeconds(20))
            .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
