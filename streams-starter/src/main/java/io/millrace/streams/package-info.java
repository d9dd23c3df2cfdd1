/**
 * Millrace: annotated Kafka streams for Spring Boot.
 *
 * <p>A stream is one input topic, decoded by a {@link io.millrace.streams.schema.Schema} and ingested by an
 * {@link io.millrace.streams.processor.InputProcessor}, routed to any number of output topics, each through an
 * {@link io.millrace.streams.processor.OutputProcessor}. Feature packages ({@code schema}, {@code processor},
 * {@code strategy}) do not depend on Spring; {@code runtime} runs them; {@code autoconfigure}, {@code actuate},
 * {@code health}, {@code metrics} and {@code ingress} are the Boot glue.
 */
package io.millrace.streams;
