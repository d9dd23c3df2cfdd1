/**
 * Benchmarks of the {@code animals} pipeline: Millrace against a bare kafka-clients loop and Kafka Streams doing
 * the same work on the same broker, in one run, interleaved; then a slow handler and a stalled output.
 *
 * <p>{@link io.millrace.streams.bench.Benchmark} is the entry point. Every contender is timed the same way, by
 * client interceptors ({@link io.millrace.streams.bench.Meter}): from the first input record its consumer
 * fetched to the broker's acknowledgement of the last output record the input calls for.
 */
package io.millrace.streams.bench;
