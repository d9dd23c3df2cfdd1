package io.millrace.streams.strategy.step;

import java.util.function.Function;

import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.ProcessingStrategy;

/**
 * Applies a function to each payload on the poll thread: a {@code null} result filters the message, an exception
 * dead-letters it. For slow functions use {@link RunTaskInThreads}.
 *
 * @param <I> the payload type in
 * @param <O> the payload type out
 */
public final class RunTask<I, O> extends ForwardingStep<I, O> {

    private final Function<? super I, ? extends O> function;

    /**
     * Creates the step.
     * @param function the work; runs once per message, on the poll thread
     * @param next the next step
     */
    public RunTask(Function<? super I, ? extends O> function, ProcessingStrategy<O> next) {
        super(next);
        this.function = function;
    }

    @Override
    Message<O> process(Message<I> message) {
        if (!message.hasPayload()) {
            return message.withoutPayload();
        }
        try {
            O result = this.function.apply(message.payload());
            return (result != null) ? message.withPayload(result) : message.filtered();
        }
        catch (RuntimeException ex) {
            return message.invalid(new InvalidMessage(InvalidMessage.Reason.PROCESSOR_FAILED, ex));
        }
    }
}
