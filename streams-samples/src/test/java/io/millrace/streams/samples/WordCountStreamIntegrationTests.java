package io.millrace.streams.samples;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.table.TablePartition;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code sentence-splitter} chained into {@code word-count}, both exactly-once, against a real broker: the last
 * {@code word-counts} record of every word is its true count, and the table's changelog holds the same counts.
 */
class WordCountStreamIntegrationTests {

    private static final String APPLICATION = "word-count-test";

    private static final String[] WORDS = { "river", "mill", "race", "wheel", "stone", "water", "grain", "flour" };

    @TempDir
    static Path stateDir;

    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() {
        TestKafka.createTopic("sentences", 3);
        context = new SpringApplicationBuilder(SamplesTestApplication.class).web(WebApplicationType.NONE)
            .run("--spring.kafka.bootstrap-servers=" + TestKafka.brokers(), "--millrace.application-id=" + APPLICATION,
                    "--millrace.state-dir=" + stateDir, "--millrace.streams.animals.enabled=false", "--millrace.streams.animal-counts.enabled=false",
                    "--millrace.streams.sentence-splitter.guarantee=exactly-once",
                    "--millrace.streams.word-count.guarantee=exactly-once");
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void theLastCountOfEveryWordIsItsTrueCount() {
        Map<String, Long> expected = new HashMap<>();
        List<String[]> sentences = new ArrayList<>();
        for (int id = 0; id < 300; id++) {
            StringBuilder text = new StringBuilder();
            for (int w = 0; w <= id % 5; w++) {
                String word = WORDS[(id * 7 + w * 3) % WORDS.length];
                text.append((w == 0) ? word.toUpperCase(Locale.ROOT) : word).append(w % 2 == 0 ? ", " : " ");
                expected.merge(word, 1L, Long::sum);
            }
            sentences.add(new String[] { String.valueOf(id), "{\"id\": " + id + ", \"text\": \"" + text + "\"}" });
        }
        TestKafka.send("sentences", sentences);
        long total = expected.values().stream().mapToLong(Long::longValue).sum();

        Map<String, Long> last = new HashMap<>();
        TestKafka.readUntil("word-counts", (records) -> {
            last.clear();
            records.forEach((record) -> last.put(TestKafka.utf8(record.key()), count(record)));
            return records.size() >= total;
        }, Duration.ofSeconds(60));
        assertThat(last).isEqualTo(expected);

        // The changelog gets each word's latest count at the stream's commits: within a commit interval.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, Long> changelog = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> record : TestKafka.readAll(APPLICATION + "-word-counts-changelog")) {
                changelog.put(TestKafka.utf8(record.key()), Long.parseLong(TestKafka.utf8(record.value())));
            }
            assertThat(changelog).isEqualTo(expected);
        });

        StreamManager manager = context.getBean(StreamManager.class);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            StreamView view = manager.stream("word-count").orElseThrow();
            assertThat(view.tables()).hasSize(3).allSatisfy((table) -> {
                assertThat(table.role()).isEqualTo(TablePartition.Role.ACTIVE);
                assertThat(table.remaining()).isZero();
            });
            assertThat(view.tables().stream().mapToLong((table) -> table.written()).sum()).isEqualTo(total);
            // Its input is written in transactions: the committed offsets are past their commit markers.
            assertThat(view.partitions()).hasSize(3).allSatisfy((partition, state) -> {
                assertThat(state.end()).isPositive();
                assertThat(state.committed()).isEqualTo(state.end());
            });
            assertThat(view.lag()).isZero();
        });
    }

    private static long count(ConsumerRecord<byte[], byte[]> record) {
        String json = TestKafka.utf8(record.value());
        return Long.parseLong(json.replaceAll(".*\"count\"\\s*:\\s*(\\d+).*", "$1"));
    }
}
