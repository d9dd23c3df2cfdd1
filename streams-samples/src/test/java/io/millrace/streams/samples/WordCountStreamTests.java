package io.millrace.streams.samples;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.millrace.streams.samples.wordcount.WordCount;
import io.millrace.streams.strategy.InvalidMessage.Reason;
import io.millrace.streams.test.MillraceTest;
import io.millrace.streams.test.MillraceTestDriver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sentence-splitter} chained into {@code word-count} with the test kit: what
 * {@link WordCountStreamIntegrationTests} checks against a broker, and every count in order.
 */
@MillraceTest(properties = { "millrace.application-id=samples-test",
        "millrace.streams.animal-counts.dead-letter-topic=animal-counts-dlt" })
class WordCountStreamTests {

    private static final String[] WORDS = { "river", "mill", "race", "wheel", "stone", "water", "grain", "flour" };

    @Autowired
    private MillraceTestDriver driver;

    @Test
    void theLastCountOfEveryWordIsItsTrueCountAndSoIsTheTable() {
        Map<String, Long> expected = new HashMap<>();
        for (int id = 0; id < 300; id++) {
            StringBuilder text = new StringBuilder();
            for (int w = 0; w <= id % 5; w++) {
                String word = WORDS[(id * 7 + w * 3) % WORDS.length];
                text.append((w == 0) ? word.toUpperCase(Locale.ROOT) : word).append(w % 2 == 0 ? ", " : " ");
                expected.merge(word, 1L, Long::sum);
            }
            this.driver.input("sentences").send(String.valueOf(id), "{\"id\": " + id + ", \"text\": \"" + text + "\"}");
        }
        long total = expected.values().stream().mapToLong(Long::longValue).sum();
        assertThat(this.driver.output("words").size()).isEqualTo(total);
        Map<String, Long> last = new LinkedHashMap<>();
        this.driver.output("word-counts").values(WordCount.class).forEach((count) -> {
            // One record per update: each count is one more than the word's previous one.
            assertThat(count.count()).isEqualTo(last.getOrDefault(count.word(), 0L) + 1);
            last.put(count.word(), count.count());
        });
        assertThat(last).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(this.driver.<String, Long>table("word-counts")).containsExactlyInAnyOrderEntriesOf(expected);
        // The table's changelog gets each word's latest count at the stream's commits (the commit interval of the
        // driver's clock): between one record per word and one per update.
        this.driver.advanceWallClock(java.time.Duration.ofSeconds(1));
        Map<String, Long> changelog = new HashMap<>();
        this.driver.output("samples-test-word-counts-changelog").records()
            .forEach((record) -> changelog.put(record.key(), Long.valueOf(record.value())));
        assertThat(changelog).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(this.driver.output("samples-test-word-counts-changelog").size()).isBetween(expected.size(),
                (int) total);
    }

    @Test
    void blankSentencesAreDroppedAndInvalidOnesDeadLettered() {
        this.driver.input("sentences").send("1", "{\"id\": 1, \"text\": \"   \"}");
        this.driver.input("sentences").send("2", "{\"id\": 2}");
        this.driver.input("sentences").send("3", "{\"id\": 3, \"text\": \"Mill race, mill!\"}");
        assertThat(this.driver.output("words").keys()).containsExactly("mill", "race", "mill");
        assertThat(this.driver.<String, Long>table("word-counts")).containsExactlyInAnyOrderEntriesOf(
                Map.of("mill", 2L, "race", 1L));
        assertThat(this.driver.deadLetters("sentence-splitter")).singleElement()
            .satisfies((letter) -> assertThat(letter.reason()).isEqualTo(Reason.INVALID_INPUT));
    }
}
