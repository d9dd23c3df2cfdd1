package io.millrace.streams.samples;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.millrace.streams.samples.animals.Animal;
import io.millrace.streams.samples.animals.AnimalSummary;
import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.strategy.InvalidMessage.Reason;
import io.millrace.streams.test.DeadLetter;
import io.millrace.streams.test.MillraceTest;
import io.millrace.streams.test.MillraceTestDriver;
import io.millrace.streams.test.TestInput;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code animals} sample stream with the test kit: what {@link AnimalsStreamIntegrationTests} checks against a
 * broker, in milliseconds and in order.
 */
@MillraceTest(properties = { "millrace.application-id=samples-test",
        "millrace.streams.animal-counts.dead-letter-topic=animal-counts-dlt" })
class AnimalsStreamTests {

    static final List<String[]> INVALID = List.of(
            new String[] { "bad-json", "{\"id\": 1000, \"name\": " },
            new String[] { "missing-id", "{\"name\": \"shark\", \"value\": 1}" },
            new String[] { "blank-name", "{\"id\": 1001, \"name\": \"  \", \"value\": 1}" },
            new String[] { "string-value", "{\"id\": 1002, \"name\": \"fish\", \"value\": \"5\"}" },
            new String[] { "number-name", "{\"id\": 1003, \"name\": 123, \"value\": 5}" },
            new String[] { "negative", "{\"id\": 1004, \"name\": \"bat\", \"value\": -1}" },
            new String[] { "overflow", "{\"id\": 1005, \"name\": \"bat\", \"value\": 3000000000}" },
            new String[] { "duplicate-key", "{\"id\": 1006, \"name\": \"bat\", \"name\": \"cat\", \"value\": 1}" },
            new String[] { "empty", "" },
            new String[] { "tombstone", null });

    @Autowired
    private MillraceTestDriver driver;

    @Test
    void routesEveryAnimalToExactlyItsOutputsAndDeadLettersTheInvalidOnes() {
        TestInput animals = this.driver.input("animals");
        String[] names = { "Fish", " SHARK ", "bat", "Spider", "bird", "cat", "dog" };
        List<Long> aquatic = new ArrayList<>();
        List<Long> spooky = new ArrayList<>();
        List<Long> flying = new ArrayList<>();
        for (long id = 0; id < 140; id++) {
            String name = names[(int) (id % names.length)];
            animals.send(String.valueOf(id), "{\"id\": " + id + ", \"name\": \"" + name + "\", \"value\": " + id
                    + ", \"labels\": {\"n\": \"" + id + "\"}, \"extra\": true}");
            String ingested = name.trim().toLowerCase();
            (List.of("fish", "shark").contains(ingested) ? aquatic : new ArrayList<Long>()).add(id);
            (List.of("bat", "spider").contains(ingested) ? spooky : new ArrayList<Long>()).add(id);
            (List.of("bat", "bird").contains(ingested) ? flying : new ArrayList<Long>()).add(id);
        }
        INVALID.forEach((invalid) -> animals.send(invalid[0], invalid[1]));

        assertThat(this.driver.output("aquatic").values(AnimalSummary.class)).extracting(AnimalSummary::id)
            .containsExactlyElementsOf(aquatic);
        assertThat(this.driver.output("spooky").values(AnimalSummary.class)).extracting(AnimalSummary::id)
            .containsExactlyElementsOf(spooky);
        assertThat(this.driver.output("flying").values(AnimalSummary.class)).extracting(AnimalSummary::id)
            .containsExactlyElementsOf(flying);
        assertThat(this.driver.output("aquatic").records().get(0).value())
            .isEqualTo("{\"id\":0,\"name\":\"fish\",\"value\":0}");
        assertThat(this.driver.output("aquatic").keys().get(1)).isEqualTo("1");

        List<DeadLetter> dead = this.driver.deadLetters("animals");
        assertThat(dead).extracting(DeadLetter::key).containsExactlyElementsOf(
                INVALID.stream().map((invalid) -> invalid[0]).toList());
        assertThat(dead).extracting(DeadLetter::value).containsExactlyElementsOf(
                INVALID.stream().map((invalid) -> invalid[1]).toList());
        assertThat(dead).allSatisfy((letter) -> {
            assertThat(letter.reason()).isEqualTo(Reason.INVALID_INPUT);
            assertThat(letter.stream()).isEqualTo("animals");
            assertThat(letter.originalTopic()).isEqualTo("animals");
            assertThat(letter.exception()).isEqualTo("io.millrace.streams.schema.SchemaException");
            assertThat(letter.message()).isNotBlank();
            assertThat(letter.record().header(DeadLetters.ORIGINAL_CONSUMER_GROUP))
                .isEqualTo("samples-test-animals");
        });
        assertThat(dead.get(2).message()).contains("name");
        assertThat(this.driver.stats("animals").deadLettered()).isEqualTo(INVALID.size());
    }

    /** The README's example, as it is there. */
    @Test
    void routesAnimalsAndDeadLettersInvalidInput() {
        this.driver.input("animals").send("1", "{\"id\": 1, \"name\": \" SHARK \", \"value\": 3}");
        this.driver.input("animals").send("2", new Animal(2L, "bat", 1, Map.of()));
        this.driver.input("animals").send("3", "{\"id\": 3, \"name\": \"fish\", \"value\": \"5\"}", null,
                Map.of("trace", "abc"));

        assertThat(this.driver.output("aquatic").values(AnimalSummary.class))
            .containsExactly(new AnimalSummary(1L, "shark", 3));
        assertThat(this.driver.output("spooky").keys()).containsExactly("2");
        DeadLetter dead = this.driver.deadLetters("animals").get(0);
        assertThat(dead.reason()).isEqualTo(Reason.INVALID_INPUT);
        assertThat(dead.value()).contains("\"5\"");
        assertThat(dead.record().header("trace")).isEqualTo("abc");
    }

    @Test
    void keepsTheOriginalHeadersOnADeadLetter() {
        this.driver.input("animals").send("with-headers", "not json", null, Map.of("trace", "abc"));
        assertThat(this.driver.deadLetters("animals")).singleElement().satisfies((letter) -> {
            assertThat(letter.record().header("trace")).isEqualTo("abc");
            assertThat(letter.value()).isEqualTo("not json");
        });
    }
}
