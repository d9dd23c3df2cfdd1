package io.millrace.streams.strategy;

import io.millrace.streams.strategy.worker.WorkerContext;

/**
 * Work done on one message by a worker: what {@link RunTaskInThreads} runs on its threads and what the
 * synchronous steps run on the poll thread.
 *
 * <p>A task must not throw for a bad record: it returns an invalid message instead. An exception is a bug and
 * fails the pipeline.
 *
 * @param <I> the payload type in
 * @param <O> the payload type out
 */
@FunctionalInterface
public interface Task<I, O> {

    /**
     * Processes one message. May block.
     * @param message the message
     * @param context the worker's context
     * @return the resulting message, carrying the same offsets
     */
    Message<O> run(Message<I> message, WorkerContext context);

    /**
     * This task followed by another, on the same worker.
     * @param after the next task
     * @param <R> the payload type out of the next task
     * @return the composed task
     */
    default <R> Task<I, R> andThen(Task<O, R> after) {
        return (message, context) -> after.run(run(message, context), context);
    }
}
