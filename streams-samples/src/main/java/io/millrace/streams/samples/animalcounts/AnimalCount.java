package io.millrace.streams.samples.animalcounts;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PositiveOrZero;

import io.millrace.streams.schema.StreamSchema;

/**
 * How many animals of one name a window saw, on the {@code animal-counts} topic keyed by the name: one record per
 * name and window, when the window closes.
 *
 * @param name the animal's name, trimmed and lower-cased
 * @param windowStart the window's first millisecond (epoch)
 * @param windowEnd the first millisecond after it
 * @param count how many records of the name the window holds
 */
@StreamSchema
public record AnimalCount(@NotBlank String name, long windowStart, long windowEnd, @PositiveOrZero long count) {
}
