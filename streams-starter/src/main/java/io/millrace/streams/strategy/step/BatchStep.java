package io.millrace.streams.strategy.step;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.ProcessingStrategy;

/**
 * Gathers messages into batches of at most {@code maxSize}, closing a batch also when its first message is
 * {@code maxTime} old and on join. A batch commits the offsets of all its messages; {@link UnbatchStep} splits it
 * again. Filtered and invalid messages ride along, so they keep their place.
 *
 * @param <T> the payload type
 */
public final class BatchStep<T> extends EmittingStep<T, List<Message<T>>> {

    private final int maxSize;

    private final Duration maxTime;

    private final Clock clock;

    private List<Message<T>> batch = new ArrayList<>();

    private long openedAt;

    /**
     * Creates the step.
     * @param maxSize the most messages in a batch
     * @param maxTime the longest a batch stays open
     * @param clock the clock
     * @param next the next step
     */
    public BatchStep(int maxSize, Duration maxTime, Clock clock, ProcessingStrategy<List<Message<T>>> next) {
        super(next);
        if (maxSize < 1) {
            throw new IllegalArgumentException("maxSize must be at least 1");
        }
        this.maxSize = maxSize;
        this.maxTime = maxTime;
        this.clock = clock;
    }

    @Override
    void accept(Message<T> message) {
        if (this.batch.isEmpty()) {
            this.openedAt = this.clock.millis();
        }
        this.batch.add(message);
        if (this.batch.size() >= this.maxSize) {
            flush();
        }
    }

    @Override
    void onPoll() {
        if (!this.batch.isEmpty() && this.clock.millis() - this.openedAt >= this.maxTime.toMillis()) {
            flush();
        }
    }

    @Override
    void onJoin() {
        flush();
    }

    @Override
    void onTerminate() {
        this.batch = new ArrayList<>();
    }

    private void flush() {
        if (this.batch.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (Message<T> message : this.batch) {
            offsets.putAll(message.committable());
        }
        emit(Message.of(this.batch, offsets));
        this.batch = new ArrayList<>();
    }
}
