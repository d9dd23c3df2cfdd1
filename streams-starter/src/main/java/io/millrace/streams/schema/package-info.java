/**
 * Schemas: decoding, validation and encoding of stream messages. {@link io.millrace.streams.schema.JsonSchema}
 * serves every type annotated {@link io.millrace.streams.schema.StreamSchema}.
 */
package io.millrace.streams.schema;
