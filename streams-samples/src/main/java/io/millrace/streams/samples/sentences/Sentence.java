package io.millrace.streams.samples.sentences;

import jakarta.validation.constraints.NotNull;

import io.millrace.streams.schema.StreamSchema;

/**
 * A sentence on the {@code sentences} topic.
 *
 * @param id the sentence's id
 * @param text the text
 */
@StreamSchema
public record Sentence(@NotNull Long id, @NotNull String text) {
}
