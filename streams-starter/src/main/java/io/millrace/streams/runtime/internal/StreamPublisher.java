package io.millrace.streams.runtime.internal;

import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamResources;
import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.schema.Schema;
import io.millrace.streams.strategy.Commit;
import io.millrace.streams.strategy.Delivery;
import io.millrace.streams.strategy.ProcessingStrategy;
import io.millrace.streams.strategy.ProcessingStrategyFactory;
import io.millrace.streams.strategy.step.CommitOffsets;
import io.millrace.streams.strategy.step.Decode;
import io.millrace.streams.strategy.step.Ingest;
import io.millrace.streams.strategy.step.Produce;
import io.millrace.streams.strategy.step.Publish;
import io.millrace.streams.strategy.worker.WorkerContext;

/**
 * A stream's input, decoded and ingested, delivered on demand to one subscriber (KafkaGenStage's demand-driven
 * delivery, without its acknowledge-on-buffering).
 *
 * <p>Subscribing starts a stream named {@code <stream>-publisher} with its own consumer group and one consumer
 * client; cancelling removes it. Invalid records are dead-lettered as in the stream itself.
 *
 * @param <T> the type the stream's input processor returns
 */
public final class StreamPublisher<T> implements Flow.Publisher<Delivery<T>> {

    private final Streams streams;

    private final StreamDefinition stream;

    private final StreamSettings settings;

    private final AtomicBoolean subscribed = new AtomicBoolean();

    /**
     * Creates the publisher of a stream.
     * @param streams where the publisher adds and removes the stream it runs for its subscriber
     * @param stream the stream whose input records are published
     * @param settings its settings
     */
    public StreamPublisher(Streams streams, StreamDefinition stream, StreamSettings settings) {
        this.streams = streams;
        this.stream = stream;
        this.settings = settings;
    }

    String name() {
        return this.stream.name() + "-publisher";
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Delivery<T>> subscriber) {
        if (!this.subscribed.compareAndSet(false, true)) {
            subscriber.onSubscribe(new Cancelled());
            subscriber.onError(new IllegalStateException("A stream publisher takes one subscriber; ask the "
                    + "StreamManager for another publisher"));
            return;
        }
        Subscription subscription = new Subscription(subscriber);
        subscriber.onSubscribe(subscription);
        StreamDefinition publishing = new StreamDefinition(name(), this.stream.input(), this.stream.inputSchema(),
                this.stream.inputProcessor(), List.of(), (resources) -> new Factory(resources, subscription));
        try {
            this.streams.add(publishing, this.settings.forPublisher());
        }
        catch (RuntimeException ex) {
            subscription.cancelled.set(true);
            subscriber.onError(ex);
        }
    }

    /** The subscriber's demand and cancellation. */
    private final class Subscription implements Flow.Subscription {

        private final Flow.Subscriber<? super Delivery<T>> subscriber;

        private final AtomicLong demand = new AtomicLong();

        private final AtomicBoolean cancelled = new AtomicBoolean();

        Subscription(Flow.Subscriber<? super Delivery<T>> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancel();
                this.subscriber.onError(new IllegalArgumentException("request must be positive (rule 3.9): " + n));
                return;
            }
            this.demand.accumulateAndGet(n, (current, more) -> (current + more < 0) ? Long.MAX_VALUE : current + more);
        }

        @Override
        public void cancel() {
            if (this.cancelled.compareAndSet(false, true)) {
                // Cancel may come from onNext on the stream's own thread: stop the stream from another one.
                Thread stopper = new Thread(() -> StreamPublisher.this.streams.remove(name()),
                        "millrace-" + name() + "-cancel");
                stopper.setDaemon(true);
                stopper.start();
            }
        }

        void deliver(Delivery<T> delivery) {
            if (!this.cancelled.get()) {
                this.subscriber.onNext(delivery);
            }
        }
    }

    /** Decode → Ingest → Publish → Produce (dead letters only) → CommitOffsets. */
    private final class Factory implements ProcessingStrategyFactory {

        private final StreamResources resources;

        private final Subscription subscription;

        private final WorkerContext context;

        Factory(StreamResources resources, Subscription subscription) {
            this.resources = resources;
            this.subscription = subscription;
            this.context = new WorkerContext(resources.definition().name(), resources.settings().properties(),
                    resources.tables());
            resources.definition().inputProcessor().init(this.context);
        }

        @Override
        @SuppressWarnings({ "unchecked", "rawtypes" })
        public ProcessingStrategy<ConsumerRecord<byte[], byte[]>> createWithPartitions(Commit commit,
                java.util.Map<TopicPartition, Long> partitions) {
            StreamSettings settings = this.resources.settings();
            CommitOffsets commitOffsets = new CommitOffsets<>(commit, settings.commitInterval(),
                    settings.commitRecords(), this.resources.clock());
            Produce produce = new Produce(this.resources.producer(), this.resources.deadLetters(),
                    settings.maxInFlight(), this.resources.listener(), commitOffsets);
            Publish<T> publish = new Publish<>(this.subscription.demand, this.subscription::deliver,
                    settings.maxInFlight(), produce);
            Ingest ingest = new Ingest((InputProcessor) this.resources.definition().inputProcessor(), this.context,
                    settings.retry(), publish);
            return new Decode((Schema) this.resources.definition().inputSchema(), ingest);
        }
    }

    /** The subscription of a refused subscriber. */
    private static final class Cancelled implements Flow.Subscription {

        @Override
        public void request(long n) {
        }

        @Override
        public void cancel() {
        }
    }

    /** Where a publisher runs the stream of its subscriber: the application's {@code StreamManager}. */
    public interface Streams {

        /**
         * Adds and starts a stream.
         * @param definition the stream
         * @param settings its settings
         */
        void add(StreamDefinition definition, StreamSettings settings);

        /**
         * Stops and removes a stream.
         * @param name the stream
         * @return whether there was such a stream
         */
        boolean remove(String name);
    }
}
