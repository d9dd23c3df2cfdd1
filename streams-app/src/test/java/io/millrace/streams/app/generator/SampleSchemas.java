package io.millrace.streams.app.generator;

import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rules of the sample schemas ({@code Animal}, {@code Sentence} in streams-samples),
 * restated for the generator's tests: strict types, required ids, no empty values.
 */
final class SampleSchemas {

    private SampleSchemas() {
    }

    static boolean isValidAnimal(String value) {
        JsonNode animal = parse(value);
        if (animal == null || !hasLongId(animal)) {
            return false;
        }
        JsonNode name = animal.path("name");
        JsonNode amount = animal.path("value");
        JsonNode labels = animal.path("labels");
        return name.isString() && !name.stringValue().isBlank() && amount.isInt() && amount.intValue() >= 0
                && (labels.isMissingNode() || (labels.isObject()
                        && labels.properties().stream().map(Map.Entry::getValue).allMatch(JsonNode::isString)));
    }

    static boolean isValidSentence(String value) {
        JsonNode sentence = parse(value);
        return sentence != null && hasLongId(sentence) && sentence.path("text").isString();
    }

    private static boolean hasLongId(JsonNode node) {
        JsonNode id = node.path("id");
        return id.isIntegralNumber() && id.canConvertToLong();
    }

    private static JsonNode parse(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            JsonNode node = JsonMapper.shared().readTree(value);
            return node.isObject() ? node : null;
        }
        catch (JacksonException ex) {
            return null;
        }
    }

}
