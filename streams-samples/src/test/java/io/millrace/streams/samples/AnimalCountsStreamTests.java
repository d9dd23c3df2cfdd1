package io.millrace.streams.samples;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.millrace.streams.samples.animalcounts.AnimalCount;
import io.millrace.streams.strategy.InvalidMessage.Reason;
import io.millrace.streams.table.Windowed;
import io.millrace.streams.test.DeadLetter;
import io.millrace.streams.test.MillraceTest;
import io.millrace.streams.test.MillraceTestDriver;
import io.millrace.streams.test.TestInput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * {@code animal-counts} with the test kit: the records of {@link AnimalCountsStreamIntegrationTests}, re-keyed
 * through the repartition topic, counted in 10-second windows, each window's count out once event time passes its
 * end plus the 5-second grace, late and invalid records dead-lettered.
 */
@MillraceTest(properties = { "millrace.application-id=samples-test",
        "millrace.streams.animal-counts.dead-letter-topic=animal-counts-dlt" })
class AnimalCountsStreamTests {

    @Autowired
    private MillraceTestDriver driver;

    @Test
    void eachNameAndWindowIsCountedOnceWhenTheWindowCloses() {
        TestInput animals = this.driver.input("animals");
        animals.send("1", animal(1, " Shark"), 1_000);
        animals.send("2", animal(2, "bat"), 2_000);
        animals.send("3", animal(3, "SHARK "), 9_999);
        animals.send("4", animal(4, "fish"), 10_000);
        assertThat(this.driver.output("animal-counts").size()).isZero();
        animals.send("5", animal(5, "shark"), 12_500);
        animals.send("6", animal(6, "bat"), 8_000);
        // 15 s = end + grace of [0, 10 s): it closes.
        animals.send("7", animal(7, "Bat"), 21_000);
        assertThat(this.driver.output("animal-counts").values(AnimalCount.class)).containsExactly(
                new AnimalCount("bat", 0, 10_000, 2), new AnimalCount("shark", 0, 10_000, 2));
        animals.send("8", "{\"id\": 8}", 21_000);
        animals.send("9", animal(9, "shark"), 100_000);
        animals.send("10", animal(10, "bat"), 100_000);
        animals.send("11", animal(11, "fish"), 100_000);
        animals.send("12", animal(12, "shark"), 4_000);

        assertThat(this.driver.output("animal-counts").values(AnimalCount.class)).containsExactly(
                new AnimalCount("bat", 0, 10_000, 2), new AnimalCount("shark", 0, 10_000, 2),
                new AnimalCount("fish", 10_000, 20_000, 1), new AnimalCount("shark", 10_000, 20_000, 1),
                new AnimalCount("bat", 20_000, 30_000, 1));
        assertThat(this.driver.output("animal-counts").keys()).containsExactly("bat", "shark", "fish", "shark", "bat");
        List<DeadLetter> dead = this.driver.deadLetters("animal-counts");
        assertThat(dead).extracting(DeadLetter::key, DeadLetter::reason)
            .containsExactly(tuple("8", Reason.INVALID_INPUT), tuple("shark", Reason.LATE));
        // A late record is found late in the second stage, which reads it re-keyed from the repartition topic.
        assertThat(dead.get(1).record().header("kafka_dlt-original-topic"))
            .isEqualTo("samples-test-animal-counts-repartition");
        assertThat(this.driver.output("samples-test-animal-counts-repartition").keys()).containsExactly("shark", "bat",
                "shark", "fish", "shark", "bat", "bat", "shark", "bat", "fish", "shark");
        // The windows of 100 s are open; the closed ones stay queryable within their retention.
        assertThat(this.driver.<String, Long>windowedTable("animal-counts"))
            .extracting(Windowed::key, Windowed::windowStart, Windowed::value)
            .contains(tuple("bat", 100_000L, 1L), tuple("fish", 100_000L, 1L), tuple("shark", 100_000L, 1L));
    }

    /** The README's example, as it is there. */
    @Test
    void aWindowClosesPastItsEndPlusGraceAndALateRecordIsDeadLettered() {
        this.driver.input("animals").send("1", animal(1, " Shark"), 1_000);
        this.driver.input("animals").send("2", animal(2, "bat"), 2_000);
        this.driver.input("animals").send("3", animal(3, "SHARK "), 9_999);
        this.driver.input("animals").send("6", animal(6, "bat"), 8_000);
        this.driver.input("animals").send("7", animal(7, "Bat"), 21_000);
        assertThat(this.driver.output("animal-counts").values(AnimalCount.class)).containsExactly(
                new AnimalCount("bat", 0, 10_000, 2), new AnimalCount("shark", 0, 10_000, 2));
        this.driver.input("animals").send("12", animal(12, "shark"), 4_000);
        assertThat(this.driver.deadLetters("animal-counts")).extracting(DeadLetter::reason)
            .containsExactly(Reason.LATE);
    }

    @Test
    void advancingEventTimeClosesWindowsWithTheNextRecord() {
        TestInput animals = this.driver.input("animals");
        long start = this.driver.eventTime() - this.driver.eventTime() % 10_000;
        this.driver.advanceEventTime(Duration.ofMillis(start - this.driver.eventTime()));
        animals.send("1", animal(1, "bat"));
        animals.send("2", animal(2, "bat"));
        this.driver.advanceEventTime(Duration.ofSeconds(15));
        assertThat(this.driver.output("animal-counts").size()).isZero();
        animals.send("3", animal(3, "fish"));
        assertThat(this.driver.output("animal-counts").values(AnimalCount.class))
            .containsExactly(new AnimalCount("bat", start, start + 10_000, 2));
    }

    private static String animal(long id, String name) {
        return "{\"id\": " + id + ", \"name\": \"" + name + "\", \"value\": 1}";
    }
}
