package io.millrace.streams.test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.schema.JsonSchema;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.strategy.InvalidMessage.Reason;
import io.millrace.streams.strategy.RetryPolicy;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.Windowed;
import io.millrace.streams.table.Windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The driver runs the production pipeline: retries on its clock, dead letters with their reasons, tables and
 * windows, chained and re-keyed streams, commits on the commit interval, and the startup checks.
 */
class MillraceTestDriverTests {

    record Animal(@NotNull Long id, @NotBlank String name, @PositiveOrZero int value) {
    }

    record Count(String name, long windowStart, long windowEnd, long count) {
    }

    private static final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

    private static final JsonSchema<Animal> ANIMALS = JsonSchema.of(Animal.class, new JsonMapper(), validator);

    private static final JsonSchema<Count> COUNTS = JsonSchema.of(Count.class, new JsonMapper(), validator);

    private static StreamSettings retrying(int attempts, Duration backoff) {
        StreamSettings d = StreamSettings.DEFAULTS;
        return new StreamSettings(true, d.guarantee(), 1, d.maxInFlight(), null, d.commitInterval(),
                d.commitRecords(), new RetryPolicy(attempts, backoff, 2, Duration.ofHours(1)), d.shutdownTimeout(),
                Map.of(), Map.of("max.poll.interval.ms", "3600000"), Map.of());
    }

    private static StreamDefinition animals(InputProcessor<Animal, Animal> processor) {
        return StreamDefinition.builder("animals").input("animals", ANIMALS, processor)
            .output("names", Schemas.string(), (Animal animal) -> animal.name())
            .build();
    }

    @Test
    void aProcessorThatFailsThenSucceedsWithinItsRetriesMovesTheClockNotTheThread() {
        AtomicInteger calls = new AtomicInteger();
        StreamDefinition stream = animals((animal, context) -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("not yet");
            }
            return animal;
        });
        long started = System.nanoTime();
        try (MillraceTestDriver driver = MillraceTestDriver.builder().streams(stream)
            .settings("animals", retrying(3, Duration.ofSeconds(30))).build()) {
            long clockAtStart = driver.clock().millis();
            driver.input("animals").send("1", new Animal(1L, "shark", 3));
            assertThat(driver.output("names").values()).containsExactly("shark");
            assertThat(driver.deadLetters("animals")).isEmpty();
            assertThat(calls).hasValue(3);
            // Two backoffs: 30 s, then 60 s, on the driver's clock.
            assertThat(driver.clock().millis() - clockAtStart).isEqualTo(90_000);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aProcessorThatAlwaysFailsIsDeadLetteredAfterItsAttemptsWithoutSleeping() {
        AtomicInteger calls = new AtomicInteger();
        StreamDefinition stream = animals((animal, context) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("always broken");
        });
        long started = System.nanoTime();
        try (MillraceTestDriver driver = MillraceTestDriver.builder().streams(stream)
            .settings("animals", retrying(4, Duration.ofMinutes(1))).build()) {
            long clockAtStart = driver.clock().millis();
            driver.input("animals").send("1", new Animal(1L, "shark", 3));
            assertThat(calls).hasValue(4);
            assertThat(driver.output("names").size()).isZero();
            List<DeadLetter> deadLetters = driver.deadLetters("animals");
            assertThat(deadLetters).singleElement().satisfies((dead) -> {
                assertThat(dead.reason()).isEqualTo(Reason.PROCESSOR_FAILED);
                assertThat(dead.cause()).isEqualTo(IllegalStateException.class.getName());
                assertThat(dead.message()).contains("always broken");
                assertThat(dead.key()).isEqualTo("1");
                assertThat(dead.value()).isEqualTo("{\"id\":1,\"name\":\"shark\",\"value\":3}");
                assertThat(dead.stream()).isEqualTo("animals");
                assertThat(dead.originalTopic()).isEqualTo("animals");
                assertThat(dead.record().topic()).isEqualTo("animals-dlt");
            });
            // 1 + 2 + 4 minutes of backoff between the four attempts.
            assertThat(driver.clock().millis() - clockAtStart).isEqualTo(Duration.ofMinutes(7).toMillis());
        }
        // Seven minutes of backoff took no wall time to speak of.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void invalidInputIsDeadLetteredWithItsReasonAndItsOriginalKeyValueAndHeaders() {
        try (MillraceTestDriver driver = MillraceTestDriver.of(animals((animal, context) -> animal))) {
            TestInput input = driver.input("animals");
            input.send("a", "not json");
            input.send("b", "{\"id\": \"5\", \"name\": \"cat\", \"value\": 1}");
            input.send("c", "{\"name\": \"cat\", \"value\": 1}");
            input.send("d", "{\"id\": 4, \"name\": \" \", \"value\": 1}");
            input.send("e", "{\"id\": 5, \"name\": \"cat\", \"value\": -1}");
            input.send("f", "{\"id\": 6, \"id\": 7, \"name\": \"cat\", \"value\": 1}");
            input.send("g", "{\"id\": 99999999999999999999, \"name\": \"cat\", \"value\": 1}");
            input.send("h", null);
            input.send("i", "", null, Map.of("trace", "42"));
            input.send("j", "{\"id\": 8, \"name\": \"cat\", \"value\": 1, \"extra\": true}");
            assertThat(driver.output("names").values()).containsExactly("cat");
            List<DeadLetter> deadLetters = driver.deadLetters("animals");
            assertThat(deadLetters).extracting(DeadLetter::key)
                .containsExactly("a", "b", "c", "d", "e", "f", "g", "h", "i");
            assertThat(deadLetters).allSatisfy((dead) -> {
                assertThat(dead.reason()).isEqualTo(Reason.INVALID_INPUT);
                assertThat(dead.message()).isNotBlank();
                assertThat(dead.record().header(DeadLetters.ORIGINAL_CONSUMER_GROUP)).isEqualTo("millrace-animals");
            });
            assertThat(deadLetters.get(0).value()).isEqualTo("not json");
            assertThat(deadLetters.get(7).value()).isNull();
            assertThat(deadLetters.get(8).record().header("trace")).isEqualTo("42");
            assertThat(deadLetters).extracting(DeadLetter::originalOffset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L,
                    7L, 8L);
        }
    }

    @Test
    void windowedCountsCloseWhenEventTimePassesTheirEndPlusGrace() {
        TableDefinition<String, Long> counts = TableDefinition.of("counts", Schemas.string(), Schemas.longs())
            .withWindows(Windows.tumbling(Duration.ofSeconds(10)).withGrace(Duration.ofSeconds(5)));
        StreamDefinition stream = StreamDefinition.builder("counting")
            .input("animals", ANIMALS, (Animal animal, StreamContext context) -> {
                context.<String, Long>windowedTable("counts").merge(animal.name(), 1L, Long::sum);
                return null;
            })
            .table(counts)
            .closedWindows("counts", "closed", COUNTS,
                    (Windowed<String, Long> window) -> new Count(window.key(), window.windowStart(),
                            window.windowEnd(), window.value()))
            .build();
        try (MillraceTestDriver driver = MillraceTestDriver.of(stream)) {
            long t0 = driver.eventTime() - driver.eventTime() % 10_000;
            TestInput input = driver.input("animals");
            input.send("1", new Animal(1L, "cat", 1), t0);
            input.send("2", new Animal(2L, "cat", 1), t0 + 9_999);
            input.send("3", new Animal(3L, "dog", 1), t0 + 5_000);
            input.send("4", new Animal(4L, "cat", 1), t0 + 10_000);
            assertThat(driver.<String, Long>windowedTable("counts"))
                .extracting(Windowed::key, Windowed::windowStart, Windowed::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("cat", t0, 2L),
                        org.assertj.core.groups.Tuple.tuple("dog", t0, 1L),
                        org.assertj.core.groups.Tuple.tuple("cat", t0 + 10_000, 1L));
            // Within the grace: still open.
            input.send("5", new Animal(5L, "cat", 1), t0 + 14_999);
            assertThat(driver.output("closed").size()).isZero();
            // Event time reaches end + grace: the window closes, one record per key.
            driver.advanceEventTime(Duration.ofMillis(t0 + 15_000 - driver.eventTime()));
            input.send("6", new Animal(6L, "dog", 1));
            assertThat(driver.output("closed").values(Count.class)).containsExactly(
                    new Count("cat", t0, t0 + 10_000, 2), new Count("dog", t0, t0 + 10_000, 1));
            assertThat(driver.streamTime("counts", 0)).isEqualTo(t0 + 15_000);
            // A record for the closed window is late.
            input.send("7", new Animal(7L, "cat", 1), t0 + 1_000);
            assertThat(driver.deadLetters("counting")).singleElement()
                .satisfies((dead) -> assertThat(dead.reason()).isEqualTo(Reason.LATE));
            assertThat(driver.output("closed").size()).isEqualTo(2);
        }
    }

    @Test
    void sessionWindowsMergeInTheKitAsInTheRuntime() {
        TableDefinition<String, Long> counts = TableDefinition.of("counts", Schemas.string(), Schemas.longs())
            .withWindows(Windows.session(Duration.ofSeconds(10)).withGrace(Duration.ofSeconds(5)));
        StreamDefinition stream = StreamDefinition.builder("counting")
            .input("animals", ANIMALS, (Animal animal, StreamContext context) -> {
                context.<String, Long>windowedTable("counts").merge(animal.name(), 1L, Long::sum);
                return null;
            })
            .table(counts)
            .closedWindows("counts", "closed", COUNTS,
                    (Windowed<String, Long> window) -> new Count(window.key(), window.windowStart(),
                            window.windowEnd(), window.value()))
            .build();
        try (MillraceTestDriver driver = MillraceTestDriver.of(stream)) {
            long t0 = driver.eventTime();
            TestInput input = driver.input("animals");
            // 12 s apart: two sessions (the first closes only at 15 s), until a record at 6 s bridges them.
            input.send("1", new Animal(1L, "cat", 1), t0);
            input.send("1", new Animal(2L, "cat", 1), t0 + 12_000);
            input.send("1", new Animal(3L, "cat", 1), t0 + 6_000);
            assertThat(driver.<String, Long>windowedTable("counts"))
                .extracting(Windowed::key, Windowed::windowStart, Windowed::windowEnd, Windowed::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("cat", t0, t0 + 12_001, 3L));
            // Closed at its last event time plus the gap plus the grace.
            input.send("1", new Animal(4L, "dog", 1), t0 + 26_999);
            assertThat(driver.output("closed").size()).isZero();
            input.send("1", new Animal(5L, "dog", 1), t0 + 27_000);
            assertThat(driver.output("closed").values(Count.class))
                .containsExactly(new Count("cat", t0, t0 + 12_001, 3));
        }
    }

    @Test
    void chainedStreamsFeedEachOtherAndTablesHoldTheirCounts() {
        StreamDefinition splitter = StreamDefinition.builder("splitter")
            .input("sentences", Schemas.string(), (String text, StreamContext context) -> text)
            .flatOutput("words", Schemas.string(), (String text, StreamContext context, io.millrace.streams.processor.Emitter<String> emitter) -> {
                for (String word : text.split(" ")) {
                    emitter.emit(word.toLowerCase(java.util.Locale.ROOT), word.toLowerCase(java.util.Locale.ROOT));
                }
            })
            .build();
        StreamDefinition counter = StreamDefinition.builder("counter")
            .input("words", Schemas.string(),
                    (String word, StreamContext context) -> context.<String, Long>table("word-counts")
                        .merge(word, 1L, Long::sum))
            .table(TableDefinition.of("word-counts", Schemas.string(), Schemas.longs()))
            .output("counts", Schemas.longs(), (Long count) -> count)
            .build();
        try (MillraceTestDriver driver = MillraceTestDriver.of(splitter, counter)) {
            driver.input("sentences").send(null, "the cat saw the dog");
            assertThat(driver.output("words").keys()).containsExactly("the", "cat", "saw", "the", "dog");
            assertThat(driver.output("counts").records()).extracting(TestRecord::key, TestRecord::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("the", "1"),
                        org.assertj.core.groups.Tuple.tuple("cat", "1"), org.assertj.core.groups.Tuple.tuple("saw", "1"),
                        org.assertj.core.groups.Tuple.tuple("the", "2"), org.assertj.core.groups.Tuple.tuple("dog", "1"));
            assertThat(driver.<String, Long>table("word-counts"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("the", 2L, "cat", 1L, "saw", 1L, "dog", 1L));
            // The writes reach the changelog at the commit (the commit interval of the driver's clock), the latest
            // value of each key once.
            assertThat(driver.output("millrace-word-counts-changelog").size()).isZero();
            driver.advanceWallClock(StreamSettings.DEFAULTS.commitInterval());
            assertThat(driver.output("millrace-word-counts-changelog").records())
                .extracting(TestRecord::key, TestRecord::value)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("the", "2"),
                        org.assertj.core.groups.Tuple.tuple("cat", "1"), org.assertj.core.groups.Tuple.tuple("saw", "1"),
                        org.assertj.core.groups.Tuple.tuple("dog", "1"));
        }
    }

    @Test
    void outputsDeadLettersAndChangelogsGetTheInputsPartitionsAsTheRuntimeCreatesThem() {
        StreamDefinition counter = StreamDefinition.builder("counter")
            .input("words", Schemas.string(),
                    (String word, StreamContext context) -> context.<String, Long>table("word-counts")
                        .merge(word, 1L, Long::sum))
            .table(TableDefinition.of("word-counts", Schemas.string(), Schemas.longs()))
            .output("counts", Schemas.longs(), (Long count) -> count)
            .build();
        try (MillraceTestDriver driver = MillraceTestDriver.builder().streams(counter).partitions("words", 3).build()) {
            for (int partition = 0; partition < 3; partition++) {
                driver.input("words").sendTo(partition, "w" + partition, "w" + partition, 0);
            }
            driver.input("words").sendTo(2, "x", null, 0);
            driver.advanceWallClock(StreamSettings.DEFAULTS.commitInterval());
            assertThat(driver.output("millrace-word-counts-changelog").records()).extracting(TestRecord::partition)
                .containsExactlyInAnyOrder(0, 1, 2);
            // Outputs keep the input's key and are partitioned by it, as Kafka's producer partitions them.
            assertThat(driver.output("counts").records()).allSatisfy((record) -> assertThat(record.partition())
                .isEqualTo(org.apache.kafka.common.utils.Utils.toPositive(
                        org.apache.kafka.common.utils.Utils.murmur2(record.keyBytes())) % 3));
            assertThat(driver.deadLetters("counter")).singleElement()
                .satisfies((dead) -> assertThat(dead.record().partition()).isBetween(0, 2));
            assertThat(driver.<String, Long>table("word-counts")).containsOnlyKeys("w0", "w1", "w2");
        }
    }

    @Test
    void aReKeyedStreamRunsBothStagesThroughItsRepartitionTopic() {
        StreamDefinition stream = StreamDefinition.builder("by-name")
            .input("animals", ANIMALS,
                    (Animal animal, StreamContext context) -> new Animal(animal.id(), animal.name().trim(), 0))
            .rekey(Animal::name, ANIMALS, (Animal animal, StreamContext context) -> context
                .<String, Long>table("per-name").merge(animal.name(), 1L, Long::sum) > 0 ? animal : null)
            .table(TableDefinition.of("per-name", Schemas.string(), Schemas.longs()))
            .output("named", Schemas.string(), (Animal animal) -> animal.name())
            .build();
        try (MillraceTestDriver driver = MillraceTestDriver.builder().streams(stream).defaultPartitions(3).build()) {
            driver.input("animals").send("1", new Animal(1L, " cat", 1));
            driver.input("animals").send("2", new Animal(2L, "dog ", 1));
            driver.input("animals").send("3", new Animal(3L, "cat", 1));
            driver.input("animals").send("4", "{}");
            assertThat(driver.output("millrace-by-name-repartition").keys()).containsExactly("cat", "dog", "cat");
            assertThat(driver.output("named").keys()).containsExactly("cat", "dog", "cat");
            assertThat(driver.<String, Long>table("per-name")).containsExactlyInAnyOrderEntriesOf(
                    Map.of("cat", 2L, "dog", 1L));
            assertThat(driver.deadLetters("by-name")).singleElement()
                .satisfies((dead) -> assertThat(dead.reason()).isEqualTo(Reason.INVALID_INPUT));
        }
    }

    @Test
    void offsetsAreCommittedEachCommitIntervalOnceCaughtUpOfTheDriversClockAndOnClose() {
        MillraceTestDriver driver = MillraceTestDriver.of(animals((animal, context) -> animal));
        TopicPartition animals = new TopicPartition("animals", 0);
        driver.input("animals").send("1", new Animal(1L, "cat", 1));
        driver.input("animals").send("2", "bad");
        assertThat(driver.committedOffsets("animals")).isEmpty();
        // Caught up: committed once nothing finished for 100 ms.
        driver.advanceWallClock(Duration.ofMillis(99));
        assertThat(driver.committedOffsets("animals")).isEmpty();
        driver.advanceWallClock(Duration.ofMillis(1));
        assertThat(driver.committedOffsets("animals")).containsExactly(Map.entry(animals, 2L));
        // Records that keep coming (every 50 ms) are committed each commit interval (1 s).
        for (long id = 3; id <= 21; id++) {
            driver.input("animals").send(Long.toString(id), new Animal(id, "dog", 1));
            driver.advanceWallClock(Duration.ofMillis(50));
        }
        assertThat(driver.committedOffsets("animals")).containsEntry(animals, 2L);
        driver.input("animals").send("22", new Animal(22L, "dog", 1));
        driver.advanceWallClock(Duration.ofMillis(50));
        assertThat(driver.committedOffsets("animals")).containsEntry(animals, 22L);
        driver.input("animals").send("23", new Animal(23L, "dog", 1));
        assertThat(driver.committedOffsets("animals")).containsEntry(animals, 22L);
        driver.close();
        assertThat(driver.committedOffsets("animals")).containsEntry(animals, 23L);
    }

    @Test
    void aBatchWaitsForItsSizeOrItsTimeOnTheDriversClock() {
        List<List<String>> batches = new java.util.ArrayList<>();
        StreamDefinition stream = StreamDefinition.builder("batching")
            .input("lines", Schemas.string(), new io.millrace.streams.processor.BatchInputProcessor<String, String>() {
                @Override
                public List<String> ingestBatch(List<String> values, StreamContext context) {
                    batches.add(List.copyOf(values));
                    return values.stream().map(String::toUpperCase).toList();
                }
            })
            .output("upper", Schemas.string(), (String line) -> line)
            .build();
        StreamSettings d = StreamSettings.DEFAULTS;
        StreamSettings settings = new StreamSettings(true, d.guarantee(), 1, d.maxInFlight(), null,
                d.commitInterval(), d.commitRecords(), d.retry(), d.shutdownTimeout(), Map.of(), Map.of(), Map.of(),
                d.workers(), new StreamSettings.Batch(3, Duration.ofMillis(50)));
        try (MillraceTestDriver driver = MillraceTestDriver.builder().streams(stream).settings("batching", settings)
            .build()) {
            driver.input("lines").send(null, "a").send(null, "b");
            assertThat(driver.output("upper").size()).isZero();
            driver.advanceWallClock(Duration.ofMillis(50));
            assertThat(driver.output("upper").texts()).containsExactly("A", "B");
            driver.input("lines").send(null, "c").send(null, "d").send(null, "e");
            assertThat(driver.output("upper").texts()).containsExactly("A", "B", "C", "D", "E");
            assertThat(batches).containsExactly(List.of("a", "b"), List.of("c", "d", "e"));
        }
    }

    @Test
    void anOutputProcessorThatFailsDeadLettersItsRecordAsOutputFailed() {
        StreamDefinition stream = StreamDefinition.builder("animals")
            .input("animals", ANIMALS, (Animal animal, StreamContext context) -> animal)
            .output("names", Schemas.string(), (Animal animal) -> {
                throw new IllegalArgumentException("no name for " + animal.id());
            })
            .build();
        try (MillraceTestDriver driver = MillraceTestDriver.of(stream)) {
            long before = driver.clock().millis();
            driver.input("animals").send("1", new Animal(1L, "cat", 1));
            assertThat(driver.deadLetters("animals")).singleElement().satisfies((dead) -> {
                assertThat(dead.reason()).isEqualTo(Reason.OUTPUT_FAILED);
                assertThat(dead.cause()).isEqualTo(IllegalArgumentException.class.getName());
            });
            // The default policy: 3 attempts, backing off 100 ms then 200 ms, on the driver's clock.
            assertThat(driver.clock().millis() - before).isEqualTo(300);
        }
    }

    @Test
    void streamsAreCheckedAsTheApplicationChecksThemAtStartup() {
        TableDefinition<String, Long> table = TableDefinition.of("shared", Schemas.string(), Schemas.longs());
        StreamDefinition one = StreamDefinition.builder("one").input("a", Schemas.string(), (String s, StreamContext c) -> s)
            .table(table).build();
        StreamDefinition two = StreamDefinition.builder("two").input("b", Schemas.string(), (String s, StreamContext c) -> s)
            .table(table).build();
        assertThatExceptionOfType(InvalidStreamsException.class).isThrownBy(() -> MillraceTestDriver.of(one, two))
            .withMessage("Table 'shared' of stream 'two' is also a table of stream 'one': table names name changelog "
                    + "topics and must be unique");
    }
}
