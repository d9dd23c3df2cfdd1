package io.millrace.streams.samples.wordcount;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PositiveOrZero;

import io.millrace.streams.schema.StreamSchema;

/**
 * The count of a word, on the {@code word-counts} topic keyed by the word: one record per update, so the last
 * record of a word is its count.
 *
 * @param word the word
 * @param count how many times it was seen
 */
@StreamSchema
public record WordCount(@NotBlank String word, @PositiveOrZero long count) {
}
