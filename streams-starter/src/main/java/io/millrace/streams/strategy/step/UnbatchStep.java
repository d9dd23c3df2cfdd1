package io.millrace.streams.strategy.step;

import java.util.List;

import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.ProcessingStrategy;

/**
 * Splits a batch made by {@link BatchStep} back into its messages, each with its own record and offsets.
 *
 * @param <T> the payload type
 */
public final class UnbatchStep<T> extends EmittingStep<List<Message<T>>, T> {

    /**
     * Creates the step.
     * @param next the next step
     */
    public UnbatchStep(ProcessingStrategy<T> next) {
        super(next);
    }

    @Override
    void accept(Message<List<Message<T>>> batch) {
        if (!batch.hasPayload()) {
            // A batch is never filtered or invalid as a whole by the built-in steps; keep its offsets anyway.
            emit(batch.withoutPayload());
            return;
        }
        batch.payload().forEach(this::emit);
    }
}
