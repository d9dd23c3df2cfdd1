package io.millrace.streams.strategy.step;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import org.apache.kafka.common.TopicPartition;

import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.ProcessingStrategy;

/**
 * Folds payloads into one value, emitted with the offsets of every message folded into it when {@code maxSize}
 * payloads are in, when the first is {@code maxTime} old, and on join. Filtered messages add only their offsets; an
 * invalid message first closes the current value and then goes on alone, so it keeps its place.
 *
 * @param <T> the payload type in
 * @param <A> the folded value
 */
public final class Reduce<T, A> extends EmittingStep<T, A> {

    private final int maxSize;

    private final Duration maxTime;

    private final Supplier<A> initial;

    private final BiFunction<A, ? super T, A> accumulator;

    private final Clock clock;

    private final Map<TopicPartition, Long> offsets = new HashMap<>();

    private A value;

    /** Whether a value is open; not derived from the offsets, since unfolded messages may carry none. */
    private boolean open;

    private int size;

    private long openedAt;

    /**
     * Creates the step.
     * @param maxSize the most payloads in one value
     * @param maxTime the longest a value stays open
     * @param initial makes an empty value
     * @param accumulator folds a payload into the value
     * @param clock the clock
     * @param next the next step
     */
    public Reduce(int maxSize, Duration maxTime, Supplier<A> initial, BiFunction<A, ? super T, A> accumulator,
            Clock clock, ProcessingStrategy<A> next) {
        super(next);
        this.maxSize = maxSize;
        this.maxTime = maxTime;
        this.initial = initial;
        this.accumulator = accumulator;
        this.clock = clock;
    }

    @Override
    void accept(Message<T> message) {
        if (message.invalid() != null) {
            flush();
            emit(message.withoutPayload());
            return;
        }
        if (!this.open) {
            this.openedAt = this.clock.millis();
            this.value = this.initial.get();
            this.open = true;
        }
        this.offsets.putAll(message.committable());
        if (message.observation() != null) {
            // Folded into an aggregate made of many records: the record's own observation ends here.
            message.observation().stop(null);
        }
        if (message.hasPayload()) {
            this.value = this.accumulator.apply(this.value, message.payload());
            this.size++;
        }
        if (this.size >= this.maxSize) {
            flush();
        }
    }

    @Override
    void onPoll() {
        if (this.open && this.clock.millis() - this.openedAt >= this.maxTime.toMillis()) {
            flush();
        }
    }

    @Override
    void onJoin() {
        flush();
    }

    @Override
    void onTerminate() {
        clear();
    }

    private void flush() {
        if (!this.open) {
            return;
        }
        Message<A> folded = Message.of(this.value, this.offsets);
        emit((this.size > 0) ? folded : folded.filtered());
        clear();
    }

    private void clear() {
        this.offsets.clear();
        this.value = null;
        this.size = 0;
        this.open = false;
    }
}
