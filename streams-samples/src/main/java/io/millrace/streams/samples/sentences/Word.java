package io.millrace.streams.samples.sentences;

import jakarta.validation.constraints.NotBlank;

import io.millrace.streams.schema.StreamSchema;

/**
 * One word on the {@code words} topic, keyed by itself.
 *
 * @param word the lower-cased word
 */
@StreamSchema
public record Word(@NotBlank String word) {
}
