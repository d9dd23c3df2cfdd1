package io.millrace.streams.strategy.step;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

import io.millrace.streams.strategy.Commit;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.ProcessingStrategy;

/**
 * The last step: reports the offsets of finished messages for commit, at most every {@code interval} or every
 * {@code maxRecords} messages, once the stream caught up (no message finished for {@link #QUIET_MILLIS} ms, or a
 * tenth of the interval if that is shorter: what it finished is committed then, not up to an interval later), and
 * at once on {@link #join}.
 *
 * <p>Messages arrive in the order they were consumed, so the latest offset of each partition is also its
 * contiguous committable offset.
 *
 * @param <T> the payload type (ignored)
 */
public final class CommitOffsets<T> implements ProcessingStrategy<T> {

    private final Commit commit;

    private final Duration interval;

    private final int maxRecords;

    private final Clock clock;

    /** No message finished for this long: the stream caught up with its input (at most; see the constructor). */
    static final long QUIET_MILLIS = 100;

    private final long quietMillis;

    /** Whether a message arrived since the last {@link #poll}. */
    private boolean submitted;

    /** When a poll last saw messages that had arrived since the one before, in clock millis. */
    private long lastSubmitted;

    /**
     * The next offset to commit per partition, in a mutable holder: this runs once per record, and writing a
     * primitive costs far less than boxing a {@code Long} into a map entry each time.
     */
    private final Map<TopicPartition, long[]> uncommitted = new HashMap<>();

    private int count;

    private long lastCommit;

    /** The partition of the previous record and its holder: most consecutive records share one. */
    private TopicPartition lastPartition;

    private long[] lastHolder;

    /**
     * Creates the step.
     * @param commit receives the offsets
     * @param interval the longest time between two commits while records flow
     * @param maxRecords commit after this many messages even if the interval has not passed
     * @param clock the clock
     */
    public CommitOffsets(Commit commit, Duration interval, int maxRecords, Clock clock) {
        this.commit = commit;
        this.interval = interval;
        this.maxRecords = maxRecords;
        this.clock = clock;
        this.lastCommit = clock.millis();
        this.quietMillis = Math.max(1, Math.min(QUIET_MILLIS, interval.toMillis() / 10));
    }

    @Override
    public void submit(Message<T> message) {
        if (message.commitsOrigin()) {
            holderOf(message.originTopic(), message.originPartition())[0] = message.originOffset() + 1;
        }
        else {
            message.committable().forEach((partition, offset) -> holderOf(partition)[0] = offset);
        }
        this.count++;
        this.submitted = true;
    }

    private long[] holderOf(String topic, int partition) {
        TopicPartition last = this.lastPartition;
        if (last != null && last.partition() == partition && last.topic().equals(topic)) {
            return this.lastHolder;
        }
        return holderOf(new TopicPartition(topic, partition));
    }

    private long[] holderOf(TopicPartition partition) {
        long[] holder = this.uncommitted.computeIfAbsent(partition, (key) -> new long[] { -1 });
        this.lastPartition = partition;
        this.lastHolder = holder;
        return holder;
    }

    @Override
    public void poll() {
        if (this.count == 0) {
            this.submitted = false;
            return;
        }
        long now = this.clock.millis();
        if (this.submitted) {
            // Per poll, not per message: the clock is read once per loop turn.
            this.lastSubmitted = now;
            this.submitted = false;
        }
        if (this.count >= this.maxRecords || now - this.lastCommit >= this.interval.toMillis()
                || now - this.lastSubmitted >= this.quietMillis) {
            flush(false);
        }
    }

    private void flush(boolean force) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        this.uncommitted.forEach((partition, holder) -> {
            if (holder[0] >= 0) {
                offsets.put(partition, holder[0]);
                holder[0] = -1;
            }
        });
        if (!offsets.isEmpty()) {
            this.commit.commit(offsets, force);
        }
        this.count = 0;
        this.lastCommit = this.clock.millis();
    }

    @Override
    public void close() {
    }

    @Override
    public void join(Duration timeout) {
        flush(true);
    }

    @Override
    public void terminate() {
        this.uncommitted.clear();
        this.lastPartition = null;
        this.lastHolder = null;
        this.count = 0;
    }
}
