package io.millrace.streams.it;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import io.millrace.streams.schema.StreamSchema;

/**
 * The message of the integration tests' streams.
 *
 * @param id an id unique within a test
 * @param kind how the test's processors treat it
 */
@StreamSchema
public record Payload(@NotNull Long id, @NotBlank String kind) {
}
