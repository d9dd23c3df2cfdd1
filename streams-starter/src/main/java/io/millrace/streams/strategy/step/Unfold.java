package io.millrace.streams.strategy.step;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.ProcessingStrategy;

/**
 * Turns one message into many: each element the function returns becomes a message. Only the last carries the
 * input's offsets, so the input is committed only after all of them are done; an empty result filters the input.
 *
 * @param <I> the payload type in
 * @param <O> the element type out
 */
public final class Unfold<I, O> extends EmittingStep<I, O> {

    private final Function<? super I, ? extends Iterable<? extends O>> function;

    /**
     * Creates the step.
     * @param function the elements of a payload; runs once per message, on the poll thread
     * @param next the next step
     */
    public Unfold(Function<? super I, ? extends Iterable<? extends O>> function, ProcessingStrategy<O> next) {
        super(next);
        this.function = function;
    }

    @Override
    void accept(Message<I> message) {
        if (!message.hasPayload()) {
            emit(message.withoutPayload());
            return;
        }
        List<O> elements = new ArrayList<>();
        try {
            this.function.apply(message.payload()).forEach(elements::add);
        }
        catch (RuntimeException ex) {
            emit(message.invalid(new InvalidMessage(InvalidMessage.Reason.PROCESSOR_FAILED, ex)));
            return;
        }
        if (elements.isEmpty()) {
            emit(message.filtered());
            return;
        }
        for (int i = 0; i < elements.size() - 1; i++) {
            emit(message.withPayload(elements.get(i)).withCommittable(Map.of()));
        }
        emit(message.withPayload(elements.get(elements.size() - 1)));
    }
}
