package io.millrace.streams.strategy.step;

import java.util.function.Predicate;

import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.ProcessingStrategy;

/**
 * Drops the messages a predicate rejects. A dropped message travels on as filtered, so its offset is committed in
 * order like any other, even when every message is dropped.
 *
 * @param <T> the payload type
 */
public final class FilterStep<T> extends ForwardingStep<T, T> {

    private final Predicate<? super T> predicate;

    /**
     * Creates the step.
     * @param predicate which payloads go on; runs on the poll thread
     * @param next the next step
     */
    public FilterStep(Predicate<? super T> predicate, ProcessingStrategy<T> next) {
        super(next);
        this.predicate = predicate;
    }

    @Override
    Message<T> process(Message<T> message) {
        if (!message.hasPayload() || this.predicate.test(message.payload())) {
            return message;
        }
        return message.filtered();
    }
}
