package io.millrace.streams.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.strategy.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link StreamManager} and the {@link StreamRunner}s it owns, with Kafka clients faked by
 * {@link MockConsumer} and {@link MockProducer}.
 */
class StreamManagerTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final FakeKafkaClients clients = new FakeKafkaClients();

    private final List<StreamManager> managers = new ArrayList<>();

    @AfterEach
    void stopManagers() {
        this.managers.forEach(StreamManager::stop);
    }

    @Test
    void streamsThatFormACycleAreRefused() {
        assertThatExceptionOfType(InvalidStreamsException.class)
            .isThrownBy(() -> manager(List.of(stream("ping", "a", "b"), stream("pong", "b", "a"))))
            .withMessageContaining("ping -> pong -> ping");
    }

    @Test
    void aStreamWhoseRetriesCouldOutlastHalfItsConsumersPollIntervalIsRefused() {
        // The default policy backs off 300 ms per processor call; the input's and the output's make 600 ms.
        StreamSettings defaults = StreamSettings.DEFAULTS;
        Function<String, StreamSettings> oneSecondPolls = (name) -> new StreamSettings(true, Guarantee.AT_LEAST_ONCE,
                1, 10, null, Duration.ofSeconds(1), 10, defaults.retry(), Duration.ofSeconds(2), Map.of(),
                Map.of("max.poll.interval.ms", "1000"), Map.of());
        assertThatExceptionOfType(InvalidStreamsException.class)
            .isThrownBy(() -> manager(List.of(stream("fruit", "a", "b")), oneSecondPolls))
            .withMessageContaining("Stream 'fruit': a failing record can back off for 600 ms")
            .withMessageContaining("max.poll.interval.ms (1000)");
    }

    @Test
    void aStreamDefinedTwiceIsRefused() {
        assertThatExceptionOfType(InvalidStreamsException.class)
            .isThrownBy(() -> manager(List.of(stream("fruit", "a", "b"), stream("fruit", "c", "d"))))
            .withMessage("Stream 'fruit' is defined twice");
    }

    @Test
    void addingAStreamThatClosesACycleIsRefusedAndChangesNothing() {
        StreamManager manager = manager(List.of(stream("ping", "a", "b")));
        assertThatExceptionOfType(InvalidStreamsException.class)
            .isThrownBy(() -> manager.addStream(stream("pong", "b", "a")));
        assertThat(manager.definitions()).extracting(StreamDefinition::name).containsExactly("ping");
        assertThat(manager.stream("pong")).isEmpty();
    }

    @Test
    void aStreamIsDescribedFromItsDefinitionAndSettingsBeforeItStarts() {
        StreamManager manager = manager(List.of(stream("fruit", "in", "out", "other")),
                (name) -> settings(2, null));
        assertThat(manager.stream("fruit")).hasValueSatisfying((view) -> {
            assertThat(view.state()).isEqualTo(StreamState.CREATED);
            assertThat(view.input()).isEqualTo("in");
            assertThat(view.outputs()).containsExactly("out", "other");
            assertThat(view.deadLetterTopic()).isEqualTo("in-dlt");
            assertThat(view.guarantee()).isEqualTo(Guarantee.AT_LEAST_ONCE);
            assertThat(view.concurrency()).isEqualTo(2);
            assertThat(view.partitions()).isEmpty();
        });
        assertThat(manager.stream("unknown")).isEmpty();
        assertThat(manager.isRunning()).isFalse();
    }

    @Test
    void aConfiguredDeadLetterTopicReplacesTheDefault() {
        StreamManager manager = manager(List.of(stream("fruit", "in", "out")), (name) -> settings(1, "rotten"));
        assertThat(manager.stream("fruit")).hasValueSatisfying((view) -> assertThat(view.deadLetterTopic())
            .isEqualTo("rotten"));
    }

    @Test
    void aStreamWaitsForItsMissingInputTopicAndStopsAtOnce() {
        StreamManager manager = manager(List.of(stream("fruit", "in", "out")));
        manager.start();
        awaitState(manager, "fruit", StreamState.WAITING_FOR_INPUT);
        long start = System.nanoTime();
        manager.stop();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(state(manager, "fruit")).isEqualTo(StreamState.STOPPED);
        assertThat(this.clients.consumers).isEmpty();
    }

    @Test
    void aStartedStreamCreatesItsTopicsAndRunsOneConsumerClientPerConcurrency() {
        this.clients.partitions = OptionalInt.of(3);
        StreamManager manager = manager(List.of(stream("fruit", "in", "out")), (name) -> settings(2, null));
        manager.start();
        awaitState(manager, "fruit", StreamState.RUNNING);
        assertThat(manager.isRunning()).isTrue();
        assertThat(this.clients.topics).containsExactly("out:3", "in-dlt:3");
        assertThat(this.clients.consumerIds).containsExactly("app-fruit/app-fruit-0", "app-fruit/app-fruit-1");
        await().atMost(WAIT).until(() -> this.clients.consumers.stream().allMatch((consumer) -> consumer
            .subscription().contains("in")));

        manager.stop();
        assertThat(state(manager, "fruit")).isEqualTo(StreamState.STOPPED);
        assertThat(this.clients.consumers).allMatch(MockConsumer::closed);
        assertThat(this.clients.producers).allMatch(MockProducer::closed);
    }

    @Test
    void aDisabledStreamIsNotStarted() {
        this.clients.partitions = OptionalInt.of(1);
        StreamManager manager = manager(List.of(stream("fruit", "in", "out")),
                (name) -> new StreamSettings(false, Guarantee.AT_LEAST_ONCE, 1, 10, null, Duration.ofSeconds(1), 10,
                        RetryPolicy.NONE, Duration.ofSeconds(1), Map.of(), Map.of(), Map.of()));
        manager.start();
        await().during(Duration.ofMillis(300)).atMost(WAIT)
            .until(() -> state(manager, "fruit") == StreamState.CREATED && this.clients.partitionCalls.get() == 0);
    }

    @Test
    void pausingAndResumingARunningStreamMovesItsState() {
        this.clients.partitions = OptionalInt.of(1);
        StreamManager manager = manager(List.of(stream("fruit", "in", "out")));
        manager.start();
        awaitState(manager, "fruit", StreamState.RUNNING);
        assertThat(manager.pauseStream("fruit")).isTrue();
        assertThat(state(manager, "fruit")).isEqualTo(StreamState.PAUSED);
        assertThat(manager.resumeStream("fruit")).isTrue();
        assertThat(state(manager, "fruit")).isEqualTo(StreamState.RUNNING);
        assertThat(manager.pauseStream("unknown")).isFalse();
    }

    @Test
    void aStreamPausedBeforeItStartsStartsPaused() {
        this.clients.partitions = OptionalInt.of(1);
        StreamManager manager = manager(List.of(stream("fruit", "in", "out")));
        manager.pauseStream("fruit");
        manager.start();
        await().atMost(WAIT).until(() -> state(manager, "fruit") != StreamState.CREATED
                && state(manager, "fruit") != StreamState.WAITING_FOR_INPUT);
        assertThat(manager.stream("fruit")).hasValueSatisfying((view) -> {
            assertThat(view.error()).isNull();
            assertThat(view.state()).isEqualTo(StreamState.PAUSED);
        });
    }

    @Test
    void aFailedConsumerClientFailsTheStreamAndARestartRunsItAgain() {
        this.clients.partitions = OptionalInt.of(1);
        this.clients.failNextConsumer = new KafkaException("broker gone");
        StreamManager manager = manager(List.of(stream("fruit", "in", "out")));
        manager.start();
        awaitState(manager, "fruit", StreamState.FAILED);
        assertThat(manager.stream("fruit").orElseThrow().error()).contains("broker gone");
        assertThat(this.clients.consumers.get(0).closed()).isTrue();

        assertThat(manager.restartStream("fruit")).isTrue();
        awaitState(manager, "fruit", StreamState.RUNNING);
        assertThat(manager.stream("fruit").orElseThrow().error()).isNull();
        assertThat(this.clients.consumers).hasSize(2);
    }

    @Test
    void aRestartWhileTheInputTopicIsBeingLookedUpRunsOneSetOfConsumerClients() throws Exception {
        CountDownLatch lookingUp = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        this.clients.partitions = OptionalInt.of(1);
        this.clients.firstLookup = () -> {
            lookingUp.countDown();
            answer.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        };
        StreamManager manager = manager(List.of(stream("fruit", "in", "out")));
        manager.start();
        assertThat(lookingUp.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        manager.restartStream("fruit");
        awaitState(manager, "fruit", StreamState.RUNNING);
        answer.countDown();
        await().during(Duration.ofMillis(500)).atMost(WAIT).untilAsserted(() -> {
            assertThat(manager.stream("fruit").orElseThrow().error()).isNull();
            assertThat(state(manager, "fruit")).isEqualTo(StreamState.RUNNING);
            assertThat(this.clients.consumers).hasSize(1);
        });
    }

    @Test
    void aRemovedStreamIsStoppedAndForgotten() {
        this.clients.partitions = OptionalInt.of(1);
        List<String> removed = new CopyOnWriteArrayList<>();
        StreamManager manager = manager(List.of(stream("fruit", "in", "out")));
        manager.addListener(new StreamManager.Listener() {
            @Override
            public void added(StreamDefinition definition) {
            }

            @Override
            public void removed(String name) {
                removed.add(name);
            }
        });
        manager.start();
        awaitState(manager, "fruit", StreamState.RUNNING);
        await().atMost(WAIT).until(() -> !this.clients.consumers.isEmpty()
                && !this.clients.consumers.get(0).subscription().isEmpty());
        assertThat(manager.removeStream("fruit")).isTrue();
        assertThat(manager.stream("fruit")).isEmpty();
        assertThat(removed).containsExactly("fruit");
        assertThat(this.clients.consumers.get(0).closed()).isTrue();
        assertThat(manager.removeStream("fruit")).isFalse();
    }

    @Test
    void aStreamAddedWhileRunningStarts() {
        this.clients.partitions = OptionalInt.of(1);
        List<String> added = new CopyOnWriteArrayList<>();
        StreamManager manager = manager(List.of());
        manager.addListener(new StreamManager.Listener() {
            @Override
            public void added(StreamDefinition definition) {
                added.add(definition.name());
            }

            @Override
            public void removed(String name) {
            }
        });
        manager.start();
        manager.addStream(stream("fruit", "in", "out"));
        awaitState(manager, "fruit", StreamState.RUNNING);
        assertThat(added).containsExactly("fruit");
        assertThat(manager.streams()).extracting(StreamView::name).containsExactly("fruit");
    }

    private StreamManager manager(List<StreamDefinition> streams) {
        return manager(streams, (name) -> settings(1, null));
    }

    private StreamManager manager(List<StreamDefinition> streams, Function<String, StreamSettings> settings) {
        StreamManager manager = new StreamManager(streams, settings, this.clients, "app", true, Clock.systemUTC());
        this.managers.add(manager);
        return manager;
    }

    private static StreamSettings settings(int concurrency, String deadLetterTopic) {
        return new StreamSettings(true, Guarantee.AT_LEAST_ONCE, concurrency, 10, deadLetterTopic,
                Duration.ofSeconds(1), 10, RetryPolicy.NONE, Duration.ofSeconds(2), Map.of(), Map.of(), Map.of());
    }

    private static StreamState state(StreamManager manager, String name) {
        return manager.stream(name).orElseThrow().state();
    }

    private static void awaitState(StreamManager manager, String name, StreamState state) {
        await().atMost(WAIT).until(() -> state(manager, name) == state);
    }

    private static StreamDefinition stream(String name, String input, String... outputs) {
        StreamDefinition.Builder builder = StreamDefinition.builder(name).input(input, Schemas.string(),
                (value, context) -> value);
        for (String output : outputs) {
            builder.output(output, Schemas.string(), (OutputProcessor<String, String>) (value) -> value);
        }
        return builder.build();
    }

    /** Hands out mock clients and answers topic questions as the test sets them. */
    private static final class FakeKafkaClients implements KafkaClients {

        final List<IdleMockConsumer> consumers = new CopyOnWriteArrayList<>();

        final List<String> consumerIds = new CopyOnWriteArrayList<>();

        final List<MockProducer<byte[], byte[]>> producers = new CopyOnWriteArrayList<>();

        final List<String> topics = new CopyOnWriteArrayList<>();

        final AtomicInteger partitionCalls = new AtomicInteger();

        volatile OptionalInt partitions = OptionalInt.empty();

        volatile KafkaException failNextConsumer;

        volatile Lookup firstLookup;

        @Override
        public Consumer<byte[], byte[]> consumer(String groupId, String clientId, Map<String, Object> overrides) {
            IdleMockConsumer consumer = new IdleMockConsumer();
            KafkaException failure = this.failNextConsumer;
            if (failure != null) {
                this.failNextConsumer = null;
                consumer.setPollException(failure);
            }
            this.consumerIds.add(groupId + "/" + clientId);
            this.consumers.add(consumer);
            return consumer;
        }

        @Override
        public Producer<byte[], byte[]> producer(String clientId, Map<String, Object> overrides) {
            MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                    new ByteArraySerializer());
            this.producers.add(producer);
            return producer;
        }

        @Override
        public OptionalInt partitions(String topic) {
            Lookup lookup = this.firstLookup;
            if (this.partitionCalls.incrementAndGet() == 1 && lookup != null) {
                try {
                    lookup.run();
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
            return this.partitions;
        }

        @Override
        public void createTopic(String topic, int partitions, Map<String, String> config) {
            this.topics.add(topic + ":" + partitions);
        }
    }

    @FunctionalInterface
    private interface Lookup {

        void run() throws InterruptedException;
    }

    /** Waits out the poll timeout when there is nothing to return, as a real consumer does. */
    private static final class IdleMockConsumer extends MockConsumer<byte[], byte[]> {

        IdleMockConsumer() {
            super("earliest");
        }

        @Override
        public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
            if (records.isEmpty()) {
                LockSupport.parkNanos(Math.min(timeout.toNanos(), Duration.ofMillis(20).toNanos()));
            }
            return records;
        }
    }
}
