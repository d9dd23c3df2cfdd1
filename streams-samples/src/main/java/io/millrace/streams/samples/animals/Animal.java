package io.millrace.streams.samples.animals;

import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

import io.millrace.streams.schema.StreamSchema;

/**
 * An animal on the {@code animals} topic.
 *
 * @param id the animal's id
 * @param name its kind, such as {@code shark}
 * @param value a non-negative value
 * @param labels free-form labels, optional
 */
@StreamSchema
public record Animal(@NotNull Long id, @NotBlank String name, @PositiveOrZero int value, Map<String, String> labels) {
}
