package io.millrace.streams.strategy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * How many dead letters a stream may write before it stops instead: a stream that dead-letters every record (a bad
 * deploy, a misconfigured schema, a changed upstream format) stops with its offsets at the record that reached the
 * limit, so that a fix and a restart lose nothing, rather than empty its input into the dead-letter topic in silence.
 *
 * <p>Counted per input partition, in record order, once each record's fate is final (its outputs acknowledged, or
 * its dead letter): Arroyo's {@code DlqLimit}, with the share taken over a window of recent records rather than
 * since the start, so that a long healthy past does not hide a sudden flood, and that no first record stops a stream
 * alone.
 *
 * @param maxRatio the share of dead letters among a partition's last {@code window} records that stops the stream,
 * above {@code 0} and at most {@code 1}; {@code 0} for no such limit
 * @param window how many of a partition's latest records {@code maxRatio} looks at, at most {@value #MAX_WINDOW}
 * @param maxConsecutive how many dead letters in a row on one partition stop the stream; {@code 0} for no such
 * limit, {@code 1} stops at the first dead letter
 */
public record DeadLetterLimit(double maxRatio, int window, int maxConsecutive) {

    /** The default window: the last 1000 records of a partition. */
    public static final int DEFAULT_WINDOW = 1000;

    /** No limit: every invalid record is dead-lettered and the stream goes on. */
    public static final DeadLetterLimit OFF = new DeadLetterLimit(0, DEFAULT_WINDOW, 0);

    /** The largest window: its ring of bits takes 125 KB per partition. */
    public static final int MAX_WINDOW = 1_000_000;

    /** How many of the latest dead letters the failure names. */
    static final int LAST_REASONS = 5;

    /** How much of a dead letter's exception message the failure shows. */
    static final int MAX_MESSAGE = 200;

    public DeadLetterLimit {
        if (!(maxRatio >= 0 && maxRatio <= 1)) {
            throw new IllegalArgumentException("dead-letter-limit.max-ratio must be between 0 (off) and 1, not "
                    + maxRatio);
        }
        if (window < 1 || window > MAX_WINDOW) {
            throw new IllegalArgumentException("dead-letter-limit.window must be between 1 and " + MAX_WINDOW
                    + ", not " + window);
        }
        if (maxConsecutive < 0) {
            throw new IllegalArgumentException("dead-letter-limit.max-consecutive must be 0 (off) or more, not "
                    + maxConsecutive);
        }
    }

    /**
     * Whether any limit is set.
     * @return {@code false} when both are off
     */
    public boolean enabled() {
        return this.maxRatio > 0 || this.maxConsecutive > 0;
    }

    /**
     * The dead letters among a partition's last {@link #window} records that stop the stream: {@link #maxRatio}
     * of the window, rounded up, at least 1.
     * @return the count, {@code 0} when the ratio is off
     */
    public int maxInWindow() {
        if (this.maxRatio == 0) {
            return 0;
        }
        // Exact decimal arithmetic: 0.1 × 1000 is 100, not the 101 a rounded-up double product gives.
        int count = new BigDecimal(Double.toString(this.maxRatio)).multiply(BigDecimal.valueOf(this.window))
            .setScale(0, RoundingMode.CEILING).intValueExact();
        return Math.max(1, count);
    }

    /**
     * A new count, for one consumer client.
     * @return a tracker with nothing counted, or one that counts nothing when no limit is set
     */
    public Tracker tracker() {
        return enabled() ? new Tracker(this) : Tracker.NONE;
    }

    @Override
    public String toString() {
        if (!enabled()) {
            return "off";
        }
        StringBuilder limits = new StringBuilder();
        if (this.maxRatio > 0) {
            limits.append("max-ratio ").append(this.maxRatio).append(" of window ").append(this.window);
        }
        if (this.maxConsecutive > 0) {
            limits.append((limits.length() > 0) ? ", " : "").append("max-consecutive ").append(this.maxConsecutive);
        }
        return limits.toString();
    }

    /**
     * Counts one consumer client's records against the limit, per partition. Not thread-safe: the poll thread only.
     * Outlives the pipeline, which is built anew on every assignment (and on every transaction under exactly-once).
     */
    public static final class Tracker {

        /** Counts nothing and never stops the stream. */
        public static final Tracker NONE = new Tracker(OFF);

        private final DeadLetterLimit limit;

        private final int maxInWindow;

        private final Map<TopicPartition, PartitionCount> partitions = new HashMap<>();

        /** The latest dead letters of any partition, newest last. */
        private final ArrayDeque<String> lastReasons = new ArrayDeque<>();

        /** The partition of the previous record and its count: most consecutive records share one. */
        private TopicPartition lastPartition;

        private PartitionCount lastCount;

        Tracker(DeadLetterLimit limit) {
            this.limit = limit;
            this.maxInWindow = limit.maxInWindow();
        }

        /**
         * Whether this tracker counts at all.
         * @return {@code false} for {@link #NONE}
         */
        public boolean counts() {
            return this != NONE;
        }

        /**
         * A record was processed (its outputs acknowledged, or it was filtered).
         * @param topic its topic
         * @param partition its partition
         */
        public void passed(String topic, int partition) {
            if (this != NONE) {
                countOf(topic, partition).add(false);
            }
        }

        /**
         * A record is about to be dead-lettered for good. Throws if it reaches the limit: then its offset must not
         * be committed and the stream must stop.
         * @param origin the record
         * @param invalid why
         * @throws DeadLetterLimitExceeded when this dead letter reaches a limit; it names the limit and the last
         * dead letters
         */
        public void deadLettered(ConsumerRecord<byte[], byte[]> origin, InvalidMessage invalid) {
            if (this == NONE) {
                return;
            }
            PartitionCount count = countOf(origin.topic(), origin.partition());
            count.add(true);
            if (this.lastReasons.size() == LAST_REASONS) {
                this.lastReasons.poll();
            }
            this.lastReasons.add(describe(origin, invalid));
            String reached = null;
            if (this.limit.maxConsecutive > 0 && count.consecutive >= this.limit.maxConsecutive) {
                reached = count.consecutive + " dead letters in a row (max-consecutive " + this.limit.maxConsecutive
                        + ")";
            }
            else if (this.maxInWindow > 0 && count.deadInWindow >= this.maxInWindow) {
                reached = count.deadInWindow + " dead letters in the last " + count.seen() + " records (max-ratio "
                        + this.limit.maxRatio + " of window " + this.limit.window + ": " + this.maxInWindow + ")";
            }
            if (reached != null) {
                throw new DeadLetterLimitExceeded(origin.topic() + "-" + origin.partition(), origin.offset(), reached,
                        String.join("; ", this.lastReasons));
            }
        }

        private PartitionCount countOf(String topic, int partition) {
            TopicPartition last = this.lastPartition;
            if (last != null && last.partition() == partition && last.topic().equals(topic)) {
                return this.lastCount;
            }
            TopicPartition key = new TopicPartition(topic, partition);
            PartitionCount count = this.partitions.computeIfAbsent(key, (k) -> new PartitionCount(this.limit.window));
            this.lastPartition = key;
            this.lastCount = count;
            return count;
        }

        private static String describe(ConsumerRecord<byte[], byte[]> origin, InvalidMessage invalid) {
            Throwable cause = (invalid.getCause() != null) ? invalid.getCause() : invalid;
            String message = String.valueOf(cause.getMessage());
            if (message.length() > MAX_MESSAGE) {
                message = message.substring(0, MAX_MESSAGE) + "...";
            }
            return origin.topic() + "-" + origin.partition() + "@" + origin.offset() + " " + invalid.reason() + " "
                    + cause.getClass().getSimpleName() + ": " + message;
        }
    }

    /** One partition's latest records, dead or not, in a ring of bits. */
    private static final class PartitionCount {

        private final long[] dead;

        private final int window;

        /** Where the next record goes in the ring. */
        private int next;

        /** Records counted, up to the window. */
        private int filled;

        private int deadInWindow;

        private int consecutive;

        PartitionCount(int window) {
            this.window = window;
            this.dead = new long[(window + 63) >>> 6];
        }

        void add(boolean isDead) {
            int word = this.next >>> 6;
            long bit = 1L << (this.next & 63);
            if ((this.dead[word] & bit) != 0) {
                this.deadInWindow--;
                this.dead[word] &= ~bit;
            }
            if (isDead) {
                this.dead[word] |= bit;
                this.deadInWindow++;
                this.consecutive++;
            }
            else {
                this.consecutive = 0;
            }
            this.next = (this.next + 1 == this.window) ? 0 : this.next + 1;
            if (this.filled < this.window) {
                this.filled++;
            }
        }

        int seen() {
            return this.filled;
        }
    }
}
