package io.millrace.streams.strategy.step;

import java.util.ArrayList;
import java.util.List;

import io.millrace.streams.processor.BatchInputProcessor;
import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.ProcessingStrategy;
import io.millrace.streams.strategy.RetryPolicy;
import io.millrace.streams.strategy.worker.WorkerContext;

/**
 * Runs a {@link BatchInputProcessor} once per batch made by {@link BatchStep}, and puts each result back on its
 * own message; filtered and invalid messages of the batch pass untouched.
 *
 * @param <I> the input type
 * @param <O> the type handed to the outputs
 */
public final class IngestBatch<I, O> extends ForwardingStep<List<Message<I>>, List<Message<O>>> {

    private final BatchInputProcessor<I, O> processor;

    private final WorkerContext context;

    private final RetryPolicy retry;

    /**
     * Creates the step.
     * @param processor the batch processor
     * @param context the poll thread's worker context, already initialised
     * @param retry how a failing batch is retried
     * @param next the next step, usually an {@link UnbatchStep}
     */
    public IngestBatch(BatchInputProcessor<I, O> processor, WorkerContext context, RetryPolicy retry,
            ProcessingStrategy<List<Message<O>>> next) {
        super(next);
        this.processor = processor;
        this.context = context;
        this.retry = retry;
    }

    @Override
    Message<List<Message<O>>> process(Message<List<Message<I>>> batch) {
        if (!batch.hasPayload()) {
            return batch.withoutPayload();
        }
        List<Message<I>> messages = batch.payload();
        List<I> values = new ArrayList<>(messages.size());
        for (Message<I> message : messages) {
            if (message.hasPayload()) {
                values.add(message.payload());
            }
        }
        List<O> results = null;
        RuntimeException failure = null;
        if (!values.isEmpty()) {
            try {
                results = this.retry.call(() -> {
                    List<O> out = this.processor.ingestBatch(List.copyOf(values), this.context);
                    if (out == null || out.size() != values.size()) {
                        throw new IllegalStateException("ingestBatch returned " + ((out != null) ? out.size() : null)
                                + " results for " + values.size() + " values");
                    }
                    return out;
                });
            }
            catch (RuntimeException ex) {
                failure = ex;
            }
        }
        List<Message<O>> out = new ArrayList<>(messages.size());
        int index = 0;
        for (Message<I> message : messages) {
            if (!message.hasPayload()) {
                out.add(message.withoutPayload());
            }
            else if (failure != null) {
                out.add(message.invalid(new InvalidMessage(InvalidMessage.Reason.PROCESSOR_FAILED, failure)));
            }
            else {
                O result = results.get(index++);
                out.add((result != null) ? message.withPayload(result) : message.filtered());
            }
        }
        return batch.withPayload(out);
    }
}
