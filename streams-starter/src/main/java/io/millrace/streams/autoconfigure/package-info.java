/**
 * Boot glue: auto-configuration of the streams, their schemas and Kafka clients, and the {@code millrace.*}
 * properties.
 */
package io.millrace.streams.autoconfigure;
