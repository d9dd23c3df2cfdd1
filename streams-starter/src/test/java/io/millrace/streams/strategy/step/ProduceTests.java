package io.millrace.streams.strategy.step;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import io.millrace.streams.strategy.DeadLetterLimit;
import io.millrace.streams.strategy.DeadLetterLimitExceeded;
import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.MessageRejected;
import io.millrace.streams.strategy.PipelineListener;

import static io.millrace.streams.strategy.step.TestRecords.bytes;
import static io.millrace.streams.strategy.step.TestRecords.header;
import static io.millrace.streams.strategy.step.TestRecords.record;
import static io.millrace.streams.strategy.step.TestRecords.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tests for {@link Produce}, with a {@link MockProducer} whose sends are acknowledged only when the test says so.
 */
class ProduceTests {

    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
            new ByteArraySerializer());

    private final RecordingStep<List<ProducerRecord<byte[], byte[]>>> next = new RecordingStep<>();

    private final RecordingListener listener = new RecordingListener();

    private final DeadLetters deadLetters = new DeadLetters("in-dlt", "animals", "app-animals");

    private final Produce produce = new Produce(this.producer, this.deadLetters, 3, this.listener, this.next);

    @Test
    void aMessageIsHandedOnOnlyOnceAllItsRecordsAreAcknowledged() {
        Message<List<ProducerRecord<byte[], byte[]>>> message = outputs(0, "a", "b");
        this.produce.submit(message);
        assertThat(this.producer.history()).extracting(ProducerRecord::topic).containsExactly("out-a", "out-b");
        this.produce.poll();
        assertThat(this.next.submitted).isEmpty();
        this.producer.completeNext();
        this.produce.poll();
        assertThat(this.next.submitted).isEmpty();
        this.producer.completeNext();
        this.produce.poll();
        assertThat(this.next.submitted).containsExactly(message);
        assertThat(this.listener.events).containsExactly("produced out-a", "produced out-b", "completed 0");
    }

    @Test
    void messagesAreHandedOnInSubmissionOrderEvenWhenLaterOnesFinishFirst() {
        Message<List<ProducerRecord<byte[], byte[]>>> slow = outputs(0, "a");
        Message<List<ProducerRecord<byte[], byte[]>>> filtered = Message.of(record(1, "x")).filtered();
        Message<List<ProducerRecord<byte[], byte[]>>> nothingToSend = Message.of(record(2, "y"))
            .withPayload(List.of());
        this.produce.submit(slow);
        this.produce.submit(filtered);
        this.produce.submit(nothingToSend);
        this.produce.poll();
        assertThat(this.next.submitted).isEmpty();
        this.producer.completeNext();
        this.produce.poll();
        assertThat(this.next.submitted).containsExactly(slow, filtered, nothingToSend);
        assertThat(this.listener.events).containsExactly("produced out-a", "completed 0", "filtered 1",
                "completed 1", "completed 2");
    }

    @Test
    void messagesPastMaxInFlightAreRejectedUntilTheHeadIsHandedOn() {
        this.produce.submit(outputs(0, "a"));
        this.produce.submit(outputs(1, "a"));
        this.produce.submit(outputs(2, "a"));
        assertThatExceptionOfType(MessageRejected.class).isThrownBy(() -> this.produce.submit(outputs(3, "a")));
        assertThat(this.producer.history()).hasSize(3);
        this.producer.completeNext();
        this.produce.poll();
        this.produce.submit(outputs(3, "a"));
        assertThat(this.producer.history()).hasSize(4);
    }

    @Test
    void aMessageTheNextStepRejectsStaysPendingAndIsOfferedAgain() {
        Message<List<ProducerRecord<byte[], byte[]>>> message = outputs(0, "a");
        this.produce.submit(message);
        this.producer.completeNext();
        this.next.rejecting(true);
        this.produce.poll();
        assertThat(this.next.submitted).isEmpty();
        this.next.rejecting(false);
        this.produce.poll();
        assertThat(this.next.submitted).containsExactly(message);
        assertThat(this.listener.events).containsOnlyOnce("completed 0");
    }

    @Test
    void anInvalidMessageSendsItsOriginalRecordToTheDeadLetterTopic() {
        ConsumerRecord<byte[], byte[]> origin = record("in", 2, 41, "key-1", "{not json",
                header("trace", "t-1"));
        Message<List<ProducerRecord<byte[], byte[]>>> invalid = Message.of(origin)
            .invalid(new InvalidMessage(InvalidMessage.Reason.INVALID_INPUT, new IllegalArgumentException("bad")));
        this.produce.submit(invalid);
        assertThat(this.producer.history()).singleElement().satisfies((deadLetter) -> {
            assertThat(deadLetter.topic()).isEqualTo("in-dlt");
            assertThat(string(deadLetter.key())).isEqualTo("key-1");
            assertThat(string(deadLetter.value())).isEqualTo("{not json");
            assertThat(deadLetter.headers().toArray()[0].key()).isEqualTo("trace");
            assertThat(string(deadLetter.headers().lastHeader("kafka_dlt-exception-fqcn").value()))
                .isEqualTo(IllegalArgumentException.class.getName());
            assertThat(string(deadLetter.headers().lastHeader("kafka_dlt-original-topic").value())).isEqualTo("in");
            assertThat(ByteBuffer.wrap(deadLetter.headers().lastHeader("kafka_dlt-original-partition").value())
                .getInt()).isEqualTo(2);
            assertThat(ByteBuffer.wrap(deadLetter.headers().lastHeader("kafka_dlt-original-offset").value())
                .getLong()).isEqualTo(41);
            assertThat(string(deadLetter.headers().lastHeader("millrace_dlt-reason").value()))
                .isEqualTo("INVALID_INPUT");
        });
        this.produce.poll();
        assertThat(this.next.submitted).isEmpty();
        this.producer.completeNext();
        this.produce.poll();
        assertThat(this.next.submitted).containsExactly(invalid);
        assertThat(this.listener.events).containsExactly("dead-lettered 41 INVALID_INPUT", "completed 41");
    }

    @Test
    void aRecordTheBrokerRefusesForGoodDeadLettersItsInputRecordInstead() {
        ConsumerRecord<byte[], byte[]> origin = record("in", 0, 8, "k", "huge");
        this.produce.submit(Message.of(origin).withPayload(List.of(output("a"))));
        this.producer.errorNext(new RecordTooLargeException("too large"));
        this.produce.poll();
        assertThat(this.next.submitted).isEmpty();
        assertThat(this.producer.history()).hasSize(2);
        ProducerRecord<byte[], byte[]> deadLetter = this.producer.history().get(1);
        assertThat(deadLetter.topic()).isEqualTo("in-dlt");
        assertThat(string(deadLetter.value())).isEqualTo("huge");
        assertThat(string(deadLetter.headers().lastHeader("kafka_dlt-exception-fqcn").value()))
            .isEqualTo(RecordTooLargeException.class.getName());
        assertThat(string(deadLetter.headers().lastHeader("millrace_dlt-reason").value())).isEqualTo("OUTPUT_FAILED");
        this.producer.completeNext();
        this.produce.poll();
        assertThat(this.next.submitted).singleElement().satisfies((handedOn) -> {
            assertThat(handedOn.invalid().reason()).isEqualTo(InvalidMessage.Reason.OUTPUT_FAILED);
            assertThat(handedOn.invalid()).hasCauseInstanceOf(RecordTooLargeException.class);
            assertThat(handedOn.origin()).isSameAs(origin);
        });
        assertThat(this.listener.events).containsExactly("dead-lettered 8 OUTPUT_FAILED", "completed 8");
    }

    @Test
    void aSendThatFailsAtOnceIsDeadLetteredLikeOneTheBrokerRefused() {
        this.producer.sendException = new RecordTooLargeException("refused before sending");
        this.produce.submit(outputs(0, "a"));
        this.producer.sendException = null;
        this.produce.poll();
        assertThat(this.producer.history()).extracting(ProducerRecord::topic).containsExactly("in-dlt");
        this.producer.completeNext();
        this.produce.poll();
        assertThat(this.next.submitted).singleElement()
            .satisfies((handedOn) -> assertThat(handedOn.invalid().reason())
                .isEqualTo(InvalidMessage.Reason.OUTPUT_FAILED));
    }

    @Test
    void aRetriableSendFailureFailsThePipelineAndHandsNothingOn() {
        this.produce.submit(outputs(0, "a"));
        this.produce.submit(outputs(1, "a"));
        this.producer.errorNext(new TimeoutException("no leader"));
        this.producer.completeNext();
        assertThatExceptionOfType(KafkaException.class).isThrownBy(this.produce::poll)
            .withCauseInstanceOf(TimeoutException.class);
        assertThat(this.next.submitted).isEmpty();
        assertThat(this.producer.history()).extracting(ProducerRecord::topic).doesNotContain("in-dlt");
        assertThat(this.listener.events).isEmpty();
    }

    @Test
    void aFailedDeadLetterSendFailsThePipelineAndHandsNothingOn() {
        this.produce.submit(Message.of(record(0, "x"))
            .invalid(new InvalidMessage(InvalidMessage.Reason.INVALID_INPUT, new IllegalArgumentException("bad"))));
        this.producer.errorNext(new RecordTooLargeException("dead letter too large"));
        assertThatExceptionOfType(KafkaException.class).isThrownBy(this.produce::poll)
            .withCauseInstanceOf(RecordTooLargeException.class);
        assertThat(this.next.submitted).isEmpty();
        assertThat(this.producer.history()).hasSize(1);
    }

    @Test
    void aFailedDeadLetterSendAfterARefusedOutputFailsThePipeline() {
        this.produce.submit(outputs(0, "a"));
        this.producer.errorNext(new RecordTooLargeException("too large"));
        this.produce.poll();
        this.producer.errorNext(new RecordTooLargeException("dead letter too large as well"));
        assertThatExceptionOfType(KafkaException.class).isThrownBy(this.produce::poll);
        assertThat(this.next.submitted).isEmpty();
    }

    @Test
    void joinWaitsForAcknowledgementsThenClosesAndJoinsTheNextStep() throws Exception {
        Message<List<ProducerRecord<byte[], byte[]>>> message = outputs(0, "a");
        this.produce.submit(message);
        this.produce.close();
        CompletableFuture<Void> join = CompletableFuture.runAsync(() -> this.produce.join(Duration.ofSeconds(30)));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !join.isDone());
        assertThat(this.next.submitted).isEmpty();
        this.producer.completeNext();
        join.get(10, TimeUnit.SECONDS);
        assertThat(this.next.submitted).containsExactly(message);
        assertThat(this.next.calls).endsWith("close", "join");
        assertThat(this.next.joinTimeout).isPositive().isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void joinGivesUpWhenTheTimeoutPassesWithoutAcknowledgement() {
        this.produce.submit(outputs(0, "a"));
        this.produce.close();
        long start = System.nanoTime();
        // A join that ignored its timeout would block for good: bounded far above what honouring it takes.
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> this.produce.join(Duration.ofMillis(200)));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(this.next.submitted).isEmpty();
        assertThat(this.next.calls).endsWith("close", "join");
        assertThat(this.next.joinTimeout).isLessThanOrEqualTo(Duration.ofMillis(10));
    }

    @Test
    void aClosedStepRefusesMessages() {
        this.produce.close();
        assertThatIllegalStateException().isThrownBy(() -> this.produce.submit(outputs(0, "a")));
        assertThat(this.producer.history()).isEmpty();
    }

    @Test
    void terminateDropsPendingMessagesAndTerminatesTheNextStep() {
        this.produce.submit(outputs(0, "a"));
        this.produce.terminate();
        this.producer.completeNext();
        this.produce.poll();
        assertThat(this.next.submitted).isEmpty();
        assertThat(this.next.calls).contains("terminate");
        assertThat(this.listener.events).isEmpty();
        assertThatIllegalStateException().isThrownBy(() -> this.produce.submit(outputs(1, "a")));
    }

    @Test
    void theDeadLetterThatReachesTheLimitFailsThePipelineAndOnlyWhatCameBeforeItIsHandedOnAndFlushed() {
        Produce limited = limited(new DeadLetterLimit(0, 1000, 2));
        Message<List<ProducerRecord<byte[], byte[]>>> good = outputs(0, "a");
        Message<List<ProducerRecord<byte[], byte[]>>> firstBad = invalid(1);
        limited.submit(good);
        limited.submit(firstBad);
        limited.submit(invalid(2));
        limited.submit(outputs(3, "a"));
        while (this.producer.completeNext()) {
            // every send acknowledged
        }
        assertThatExceptionOfType(DeadLetterLimitExceeded.class).isThrownBy(limited::poll)
            .withMessageContaining("on in-0 at offset 2: 2 dead letters in a row (max-consecutive 2)")
            .withMessageContaining("in-0@1 INVALID_INPUT IllegalArgumentException: bad 1; in-0@2 INVALID_INPUT");
        // The committable offset of in-0 is that of the record that reached the limit: it and all after it repeat.
        assertThat(this.next.submitted).containsExactly(good, firstBad);
        assertThat(this.next.calls).containsSubsequence("close", "join");
        assertThat(this.listener.events).containsExactly("produced out-a", "completed 0", "dead-lettered 1 INVALID_INPUT",
                "completed 1");
    }

    @Test
    void aMessageTheNextStepRejectsIsCountedOnceHoweverOftenItIsOffered() {
        Produce limited = limited(new DeadLetterLimit(0, 1000, 2));
        limited.submit(invalid(0));
        this.producer.completeNext();
        this.next.rejecting(true);
        for (int i = 0; i < 3; i++) {
            limited.poll();
        }
        this.next.rejecting(false);
        limited.poll();
        assertThat(this.next.submitted).hasSize(1);
        limited.submit(invalid(1));
        this.producer.completeNext();
        assertThatExceptionOfType(DeadLetterLimitExceeded.class).isThrownBy(limited::poll);
    }

    @Test
    void anOutputTheBrokerRefusesCountsAsTheDeadLetterItBecomes() {
        Produce limited = limited(new DeadLetterLimit(0, 1000, 1));
        limited.submit(outputs(0, "a"));
        this.producer.errorNext(new RecordTooLargeException("too large"));
        limited.poll();
        this.producer.completeNext();
        assertThatExceptionOfType(DeadLetterLimitExceeded.class).isThrownBy(limited::poll)
            .withMessageContaining("in-0@0 OUTPUT_FAILED RecordTooLargeException: too large");
        assertThat(this.next.submitted).isEmpty();
    }

    @Test
    void theCountOutlivesThePipelineThatIsBuiltAnewOnEveryAssignmentAndTransaction() {
        DeadLetters client = new DeadLetters("in-dlt", "animals", "app-animals", new DeadLetterLimit(0, 1000, 2))
            .forClient();
        Produce first = new Produce(this.producer, client, 3, this.listener, new RecordingStep<>());
        first.submit(invalid(0));
        this.producer.completeNext();
        first.poll();
        Produce rebuilt = new Produce(this.producer, client, 3, this.listener, this.next);
        rebuilt.submit(invalid(1));
        this.producer.completeNext();
        assertThatExceptionOfType(DeadLetterLimitExceeded.class).isThrownBy(rebuilt::poll);
    }

    @Test
    void processedAndFilteredRecordsEndARunOfDeadLetters() {
        Produce limited = limited(new DeadLetterLimit(0, 1000, 2));
        for (int offset = 0; offset < 12; offset += 4) {
            limited.submit(invalid(offset));
            limited.submit(outputs(offset + 1, "a"));
            limited.submit(invalid(offset + 2));
            limited.submit(Message.of(record(offset + 3, "x")).filtered());
            while (this.producer.completeNext()) {
                // every send acknowledged
            }
            limited.poll();
        }
        assertThat(this.next.submitted).hasSize(12);
    }

    @Test
    void aDeadLetterThatCannotBeWrittenFailsThePipelineNamingTheTopicAndCommitsWhatCameBefore() {
        Message<List<ProducerRecord<byte[], byte[]>>> good = outputs(0, "a");
        this.produce.submit(good);
        this.produce.submit(invalid(1));
        this.produce.submit(outputs(2, "a"));
        this.producer.completeNext();
        this.producer.errorNext(new org.apache.kafka.common.errors.TopicAuthorizationException("not allowed"));
        this.producer.completeNext();
        assertThatExceptionOfType(KafkaException.class).isThrownBy(this.produce::poll)
            .withMessageContaining("The dead letter of in-0@1 could not be written to in-dlt")
            .withMessageContaining("not allowed")
            .withCauseInstanceOf(org.apache.kafka.common.errors.TopicAuthorizationException.class);
        assertThat(this.next.submitted).containsExactly(good);
        assertThat(this.next.calls).containsSubsequence("close", "join");
    }

    private Produce limited(DeadLetterLimit limit) {
        return new Produce(this.producer, new DeadLetters("in-dlt", "animals", "app-animals", limit).forClient(), 10,
                this.listener, this.next);
    }

    private static Message<List<ProducerRecord<byte[], byte[]>>> invalid(long offset) {
        return Message.of(record(offset, "x" + offset)).invalid(new InvalidMessage(InvalidMessage.Reason.INVALID_INPUT,
                new IllegalArgumentException("bad " + offset)));
    }

    private static Message<List<ProducerRecord<byte[], byte[]>>> outputs(long offset, String... topics) {
        List<ProducerRecord<byte[], byte[]>> records = Arrays.stream(topics).map(ProduceTests::output)
            .toList();
        return Message.of(record(offset, "v" + offset)).withPayload(records);
    }

    private static ProducerRecord<byte[], byte[]> output(String topic) {
        return new ProducerRecord<>("out-" + topic, bytes("k"), bytes("v"));
    }

    /** Hears the pipeline's events as short strings. */
    private static final class RecordingListener implements PipelineListener {

        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onCompleted(Message<?> message) {
            this.events.add("completed " + message.origin().offset());
        }

        @Override
        public void onFiltered(Message<?> message) {
            this.events.add("filtered " + message.origin().offset());
        }

        @Override
        public void onDeadLettered(Message<?> message, InvalidMessage reason) {
            this.events.add("dead-lettered " + message.origin().offset() + " " + reason.reason());
        }

        @Override
        public void onProduced(String topic, int records) {
            this.events.add("produced " + topic + (records != 1 ? " x" + records : ""));
        }
    }
}
