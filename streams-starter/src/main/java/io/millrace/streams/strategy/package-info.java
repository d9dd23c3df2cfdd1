/**
 * The strategy contract (after Arroyo): a stream's pipeline is a chain of
 * {@link io.millrace.streams.strategy.ProcessingStrategy} steps, built anew on every partition assignment by a
 * {@link io.millrace.streams.strategy.ProcessingStrategyFactory}; steps apply backpressure with
 * {@link io.millrace.streams.strategy.MessageRejected}.
 *
 * <p>Beside the contract, what steps are given: the {@link io.millrace.streams.strategy.RetryPolicy} of processor
 * failures, the {@link io.millrace.streams.strategy.DeadLetters} policy, the
 * {@link io.millrace.streams.strategy.RecordLimits} of the topics written to, and the
 * {@link io.millrace.streams.strategy.PipelineListener} that counts records. Part of the API.
 */
package io.millrace.streams.strategy;
