/**
 * The strategy contract (after Arroyo): a stream's pipeline is a chain of
 * {@link io.millrace.streams.strategy.ProcessingStrategy} steps, built anew on every partition assignment by a
 * {@link io.millrace.streams.strategy.ProcessingStrategyFactory}; steps apply backpressure with
 * {@link io.millrace.streams.strategy.MessageRejected}.
 */
package io.millrace.streams.strategy;
