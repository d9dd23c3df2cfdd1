package io.millrace.streams.processor;

import java.util.List;

/**
 * An input processor that takes records in batches ({@code millrace.streams.<name>.batch.size} and
 * {@code .batch.time}), for work that is cheaper per batch than per record, such as a bulk lookup.
 *
 * <p>An exception is retried with backoff for the whole batch, then every record of the batch is dead-lettered.
 *
 * @param <I> the input message type
 * @param <O> the type handed to the stream's output processors
 */
public interface BatchInputProcessor<I, O> extends InputProcessor<I, O> {

    /**
     * Processes a batch of valid input messages, in input order.
     * @param values the decoded, valid messages
     * @param context the worker's context; no record is current
     * @return one result per value, in the same order; a {@code null} element drops its record
     */
    List<O> ingestBatch(List<I> values, StreamContext context);

    /**
     * Processes one message as a batch of one, for pipelines that do not batch.
     */
    @Override
    default O ingest(I value, StreamContext context) {
        List<O> results = ingestBatch(List.of(value), context);
        if (results.size() != 1) {
            throw new IllegalStateException("ingestBatch returned " + results.size() + " results for 1 value");
        }
        return results.get(0);
    }
}
