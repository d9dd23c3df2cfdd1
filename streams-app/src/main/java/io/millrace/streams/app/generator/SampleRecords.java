package io.millrace.streams.app.generator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.producer.ProducerRecord;
import tools.jackson.databind.json.JsonMapper;

/**
 * Makes the records of the sample topics: animals and sentences, valid or, on request,
 * invalid in one of the ways the sample schemas reject.
 *
 * <p>Not thread-safe: one generator thread calls it.
 */
final class SampleRecords {

    /** The input topic of the {@code animals} sample stream. */
    static final String ANIMALS_TOPIC = "animals";

    /** The input topic of the {@code sentence-splitter} sample stream. */
    static final String SENTENCES_TOPIC = "sentences";

    /** Animal names and their habitat label; fish and shark are aquatic, bat and spider spooky, bat and bird flying. */
    private static final Map<String, String> HABITATS = Map.of("fish", "sea", "shark", "sea", "bat", "cave",
            "spider", "web", "bird", "air", "cat", "house", "dog", "house");

    private static final List<String> NAMES = HABITATS.keySet().stream().sorted().toList();

    private static final List<String> SENTENCES = List.of("The quick brown fox jumps over the lazy dog",
            "A millrace carries the water to the wheel", "Still waters run deep",
            "The wheel turns as long as the water flows", "Every stream finds its way to the sea",
            "Bats and spiders share the cave", "A shark is a fish, a bat is not a bird",
            "The miller counts the words, the wheel counts the turns", "Water under the bridge",
            "Streams join into rivers and rivers into the sea", "The cat watches the bird, the dog watches the cat",
            "Never the same river twice");

    private final Random random;

    private final JsonMapper json;

    private long nextId;

    /**
     * Create a source of sample records.
     * @param random the source of choices
     * @param firstId the id of the first record; ids then increase by one per record
     */
    SampleRecords(Random random, long firstId) {
        this.random = random;
        this.json = JsonMapper.shared();
        this.nextId = firstId;
    }

    /**
     * Make an animal, such as {@code {"id": 7, "name": " Shark", "value": 3, "labels": {"habitat": "sea"}}},
     * keyed by its id; names come in mixed case and padding, for the ingest to trim and lower-case.
     * @param invalid whether to break it in one of the ways of {@link InvalidAnimal}, chosen at random
     * @return the record
     */
    ProducerRecord<String, String> animal(boolean invalid) {
        long id = this.nextId++;
        String name = pick(NAMES);
        Map<String, Object> animal = new LinkedHashMap<>();
        animal.put("id", id);
        animal.put("name", disguise(name));
        animal.put("value", this.random.nextInt(10));
        if (this.random.nextInt(3) > 0) {
            animal.put("labels", Map.of("habitat", HABITATS.get(name)));
        }
        String value = invalid ? breakUp(animal, pick(List.of(InvalidAnimal.values()))) : write(animal);
        return new ProducerRecord<>(ANIMALS_TOPIC, Long.toString(id), value);
    }

    /**
     * Make a sentence, such as {@code {"id": 8, "text": "Still waters run deep"}}, keyed by its id.
     * @param invalid whether to break it in one of the ways of {@link InvalidSentence}, chosen at random
     * @return the record
     */
    ProducerRecord<String, String> sentence(boolean invalid) {
        long id = this.nextId++;
        Map<String, Object> sentence = new LinkedHashMap<>();
        sentence.put("id", id);
        sentence.put("text", pick(SENTENCES));
        String value = invalid ? breakUp(sentence, pick(List.of(InvalidSentence.values()))) : write(sentence);
        return new ProducerRecord<>(SENTENCES_TOPIC, Long.toString(id), value);
    }

    private String breakUp(Map<String, Object> animal, InvalidAnimal how) {
        return switch (how) {
            case BAD_JSON -> truncate(write(animal));
            case MISSING_ID -> write(replace(animal, "id", null));
            case STRING_VALUE -> write(replace(animal, "value", animal.get("value").toString()));
            case NEGATIVE_VALUE -> write(replace(animal, "value", -1 - (Integer) animal.get("value")));
            case BLANK_NAME -> write(replace(animal, "name", "   "));
            case EMPTY -> "";
        };
    }

    private String breakUp(Map<String, Object> sentence, InvalidSentence how) {
        return switch (how) {
            case BAD_JSON -> truncate(write(sentence));
            case MISSING_ID -> write(replace(sentence, "id", null));
            case NUMBER_TEXT -> write(replace(sentence, "text", 123));
            case EMPTY -> "";
        };
    }

    private static Map<String, Object> replace(Map<String, Object> fields, String name, Object value) {
        if (value == null) {
            fields.remove(name);
        }
        else {
            fields.put(name, value);
        }
        return fields;
    }

    private static String truncate(String json) {
        return json.substring(0, json.length() / 2);
    }

    private String disguise(String name) {
        String styled = switch (this.random.nextInt(4)) {
            case 0 -> name;
            case 1 -> Character.toUpperCase(name.charAt(0)) + name.substring(1);
            case 2 -> name.toUpperCase();
            default -> name.charAt(0) + name.substring(1).toUpperCase();
        };
        return switch (this.random.nextInt(3)) {
            case 0 -> styled;
            case 1 -> " " + styled;
            default -> styled + "  ";
        };
    }

    private <T> T pick(List<T> choices) {
        return choices.get(this.random.nextInt(choices.size()));
    }

    private String write(Map<String, Object> value) {
        return this.json.writeValueAsString(value);
    }

    /** The ways an animal is made invalid; each must land in the dead-letter topic. */
    enum InvalidAnimal {

        /** Cut short: not JSON at all. */
        BAD_JSON,

        /** No id, which is required. */
        MISSING_ID,

        /** The value as a string, {@code "5"}: no coercion to an int. */
        STRING_VALUE,

        /** A value below zero. */
        NEGATIVE_VALUE,

        /** A name of spaces only. */
        BLANK_NAME,

        /** An empty value. */
        EMPTY

    }

    /** The ways a sentence is made invalid; each must land in the dead-letter topic. */
    enum InvalidSentence {

        /** Cut short: not JSON at all. */
        BAD_JSON,

        /** No id, which is required. */
        MISSING_ID,

        /** The text as a number: no coercion to a string. */
        NUMBER_TEXT,

        /** An empty value. */
        EMPTY

    }

}
