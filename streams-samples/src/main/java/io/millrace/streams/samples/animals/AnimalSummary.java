package io.millrace.streams.samples.animals;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import io.millrace.streams.schema.StreamSchema;

/**
 * What the {@code aquatic}, {@code spooky} and {@code flying} topics receive.
 *
 * @param id the animal's id
 * @param name its kind, trimmed and lower-cased
 * @param value its value
 */
@StreamSchema
public record AnimalSummary(@NotNull Long id, @NotBlank String name, int value) {

    static AnimalSummary of(Animal animal) {
        return new AnimalSummary(animal.id(), animal.name(), animal.value());
    }
}
