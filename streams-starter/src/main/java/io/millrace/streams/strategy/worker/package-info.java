/**
 * The workers that run processors: the {@link io.millrace.streams.strategy.worker.WorkerContext} a processor sees
 * as its {@code StreamContext}, the {@link io.millrace.streams.strategy.worker.WorkerPool} of several workers and
 * the {@link io.millrace.streams.strategy.worker.Ordering} that keeps records of a key or partition in order. Part
 * of the API: a custom pipeline hands these to its steps.
 */
package io.millrace.streams.strategy.worker;
