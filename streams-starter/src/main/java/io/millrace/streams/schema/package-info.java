/**
 * Schemas: decoding, validation and encoding of stream messages. {@link io.millrace.streams.schema.JsonSchema}
 * serves every type annotated {@link io.millrace.streams.schema.StreamSchema}; {@link io.millrace.streams.schema.Schemas}
 * provides raw bytes and UTF-8 strings.
 */
package io.millrace.streams.schema;
