package io.millrace.streams.strategy.step;

import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.ProcessingStrategy;

/**
 * A synchronous step that turns each message into exactly one message for the next step.
 *
 * <p>A result the next step rejects is carried and offered again on {@link #poll()}, never recomputed: user code
 * runs exactly once per submitted message. While a result is carried, new messages are rejected.
 */
abstract class ForwardingStep<I, O> extends EmittingStep<I, O> {

    ForwardingStep(ProcessingStrategy<O> next) {
        super(next);
    }

    /**
     * Processes one message. Runs on the poll thread; may block only for a processor's retries.
     * @param message the message
     * @return the message for the next step
     */
    abstract Message<O> process(Message<I> message);

    @Override
    final void accept(Message<I> message) {
        emit(process(message));
    }
}
