/**
 * Micrometer meters of the streams, all named in {@link io.millrace.streams.metrics.StreamsMetrics}.
 */
package io.millrace.streams.metrics;
