package io.millrace.streams.app.generator;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SampleRecords}.
 */
class SampleRecordsTests {

    private final SampleRecords records = new SampleRecords(new Random(42), 1000);

    @Test
    void animalsAreValidKeyedByIdAndNamedInDisguise() {
        List<ProducerRecord<String, String>> animals = IntStream.range(0, 200)
            .mapToObj((i) -> this.records.animal(false))
            .toList();
        assertThat(animals).allSatisfy((record) -> {
            assertThat(record.topic()).isEqualTo("animals");
            assertThat(SampleSchemas.isValidAnimal(record.value())).as(record.value()).isTrue();
            JsonNode animal = JsonMapper.shared().readTree(record.value());
            assertThat(record.key()).isEqualTo(Long.toString(animal.get("id").longValue()));
        });
        List<String> names = animals.stream().map((record) -> name(record.value())).toList();
        assertThat(names).map((name) -> name.trim().toLowerCase(Locale.ROOT))
            .containsOnly("fish", "shark", "bat", "spider", "bird", "cat", "dog");
        assertThat(names).anyMatch((name) -> !name.equals(name.trim()))
            .anyMatch((name) -> !name.equals(name.toLowerCase(Locale.ROOT)));
    }

    @Test
    void idsIncreaseAcrossTopics() {
        assertThat(this.records.animal(false).key()).isEqualTo("1000");
        assertThat(this.records.sentence(false).key()).isEqualTo("1001");
        assertThat(this.records.animal(true).key()).isEqualTo("1002");
    }

    @Test
    void invalidAnimalsAreAllInvalidInEveryWay() {
        List<String> values = IntStream.range(0, 300).mapToObj((i) -> this.records.animal(true).value()).toList();
        assertThat(values).noneMatch(SampleSchemas::isValidAnimal);
        assertThat(values).anyMatch(String::isEmpty)
            .anyMatch((value) -> value.contains("\"value\":\""))
            .anyMatch((value) -> value.contains("\"value\":-"))
            .anyMatch((value) -> value.contains("\"name\":\"   \""))
            .anyMatch((value) -> value.startsWith("{\"name\""))
            .anyMatch((value) -> !value.isEmpty() && !value.endsWith("}"));
    }

    @Test
    void sentencesAreValidAndKeyedById() {
        assertThat(IntStream.range(0, 50).mapToObj((i) -> this.records.sentence(false))).allSatisfy((record) -> {
            assertThat(record.topic()).isEqualTo("sentences");
            assertThat(SampleSchemas.isValidSentence(record.value())).as(record.value()).isTrue();
        });
    }

    @Test
    void invalidSentencesAreAllInvalid() {
        assertThat(IntStream.range(0, 100).mapToObj((i) -> this.records.sentence(true).value()))
            .noneMatch(SampleSchemas::isValidSentence);
    }

    private static String name(String animal) {
        return JsonMapper.shared().readTree(animal).get("name").stringValue();
    }

}
