package io.millrace.streams.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import io.millrace.streams.strategy.DeadLetterLimit;
import io.millrace.streams.strategy.RetryPolicy;
import io.millrace.streams.strategy.worker.Ordering;

/**
 * How one stream runs: the resolved {@code millrace.streams.<name>.*} properties.
 *
 * @param enabled whether the stream runs
 * @param guarantee the delivery guarantee
 * @param concurrency consumer clients for the stream
 * @param maxInFlight records held by the pipeline before it pushes back
 * @param deadLetterTopic the dead-letter topic, or {@code null} for {@code <input>-dlt}
 * @param commitInterval the longest time between commits while records flow
 * @param commitRecords commit after this many records even if the interval has not passed
 * @param retry how processor failures are retried before dead-lettering
 * @param shutdownTimeout how long revocation and shutdown wait for in-flight work
 * @param properties handed to the processors through their context
 * @param consumer extra consumer properties
 * @param producer extra producer properties
 * @param workers how records are processed in parallel within one consumer client
 * @param batch how records are gathered for a batch input processor
 * @param deadLetterLimit how many dead letters stop the stream
 */
public record StreamSettings(boolean enabled, Guarantee guarantee, int concurrency, int maxInFlight,
        String deadLetterTopic, Duration commitInterval, int commitRecords, RetryPolicy retry,
        Duration shutdownTimeout, Map<String, String> properties, Map<String, String> consumer,
        Map<String, String> producer, Workers workers, Batch batch, DeadLetterLimit deadLetterLimit) {

    /**
     * The defaults of a stream with no properties: the one home of every default, which the
     * {@code millrace.streams.<name>.*} properties start from.
     */
    public static final StreamSettings DEFAULTS = new StreamSettings(true, Guarantee.AT_LEAST_ONCE, 1, 10_000, null,
            defaultCommitInterval(Guarantee.AT_LEAST_ONCE), 100_000,
            new RetryPolicy(3, Duration.ofMillis(100), 2, Duration.ofSeconds(1)), Duration.ofSeconds(20), Map.of(),
            Map.of(), Map.of());

    /**
     * Settings with one worker per consumer client: records are processed on the poll thread.
     */
    public StreamSettings(boolean enabled, Guarantee guarantee, int concurrency, int maxInFlight,
            String deadLetterTopic, Duration commitInterval, int commitRecords, RetryPolicy retry,
            Duration shutdownTimeout, Map<String, String> properties, Map<String, String> consumer,
            Map<String, String> producer) {
        this(enabled, guarantee, concurrency, maxInFlight, deadLetterTopic, commitInterval, commitRecords, retry,
                shutdownTimeout, properties, consumer, producer, Workers.ONE, Batch.DEFAULT);
    }

    /**
     * Settings without a dead-letter limit.
     */
    public StreamSettings(boolean enabled, Guarantee guarantee, int concurrency, int maxInFlight,
            String deadLetterTopic, Duration commitInterval, int commitRecords, RetryPolicy retry,
            Duration shutdownTimeout, Map<String, String> properties, Map<String, String> consumer,
            Map<String, String> producer, Workers workers, Batch batch) {
        this(enabled, guarantee, concurrency, maxInFlight, deadLetterTopic, commitInterval, commitRecords, retry,
                shutdownTimeout, properties, consumer, producer, workers, batch, DeadLetterLimit.OFF);
    }

    public StreamSettings {
        Objects.requireNonNull(guarantee, "guarantee");
        Objects.requireNonNull(workers, "workers");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(deadLetterLimit, "deadLetterLimit");
        if (concurrency < 1 || maxInFlight < 1 || commitRecords < 1) {
            throw new IllegalArgumentException("concurrency, max-in-flight and commit records must be positive");
        }
        properties = Map.copyOf(properties);
        consumer = Map.copyOf(consumer);
        producer = Map.copyOf(producer);
    }

    /**
     * The commit interval of a stream that sets none: 1 s, or 100 ms under exactly-once (as Kafka Streams).
     * @param guarantee the stream's delivery guarantee
     * @return the interval
     */
    public static Duration defaultCommitInterval(Guarantee guarantee) {
        // A transaction holds back read-committed consumers downstream until it commits: keep it short.
        return (guarantee == Guarantee.EXACTLY_ONCE) ? Duration.ofMillis(100) : Duration.ofSeconds(1);
    }

    /**
     * These settings for a demand-driven publisher: enabled, whatever the stream is, with one consumer client, so
     * that the subscriber's {@code onNext} is never called concurrently.
     * @return new settings
     */
    public StreamSettings forPublisher() {
        return new StreamSettings(true, this.guarantee, 1, this.maxInFlight, this.deadLetterTopic,
                this.commitInterval, this.commitRecords, this.retry, this.shutdownTimeout, this.properties,
                this.consumer, this.producer, this.workers, this.batch, this.deadLetterLimit);
    }

    /**
     * The dead-letter topic for a stream reading the given input.
     * @param input the input topic
     * @return the configured topic or {@code <input>-dlt}
     */
    public String deadLetterTopicFor(String input) {
        return (this.deadLetterTopic != null && !this.deadLetterTopic.isBlank()) ? this.deadLetterTopic
                : input + "-dlt";
    }

    /**
     * How records are processed in parallel within one consumer client.
     *
     * @param count worker threads; 1 processes on the poll thread
     * @param ordering which records stay in order
     * @param virtualThreads whether workers run on virtual threads (Java 21+)
     */
    public record Workers(int count, Ordering ordering, boolean virtualThreads) {

        /** One worker: processing on the poll thread. */
        public static final Workers ONE = new Workers(1, Ordering.KEY, false);

        public Workers {
            Objects.requireNonNull(ordering, "ordering");
            if (count < 1) {
                throw new IllegalArgumentException("workers must be at least 1");
            }
        }
    }

    /**
     * How records are gathered for a batch input processor.
     *
     * @param size the most records in a batch
     * @param time the longest a batch waits for more records
     */
    public record Batch(int size, Duration time) {

        /** 100 records or 50 ms. */
        public static final Batch DEFAULT = new Batch(100, Duration.ofMillis(50));

        public Batch {
            Objects.requireNonNull(time, "time");
            if (size < 1) {
                throw new IllegalArgumentException("batch size must be at least 1");
            }
        }
    }
}
