package io.millrace.streams.strategy.step;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.millrace.streams.strategy.Delivery;
import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.MessageRejected;

import static io.millrace.streams.strategy.step.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tests for {@link Publish}, with a subscriber that records its deliveries and acknowledges when the test says so.
 */
class PublishTests {

    private final AtomicLong demand = new AtomicLong();

    private final List<Delivery<String>> deliveries = new CopyOnWriteArrayList<>();

    private final RecordingStep<List<ProducerRecord<byte[], byte[]>>> next = new RecordingStep<>();

    private final Publish<String> publish = new Publish<>(this.demand, this.deliveries::add, 4, this.next);

    @Test
    void nothingIsDeliveredWithoutDemandAndNeverMoreThanTheDemand() {
        for (int offset = 0; offset < 4; offset++) {
            this.publish.submit(payload(offset, "v" + offset));
        }
        assertThat(this.deliveries).isEmpty();
        this.demand.addAndGet(2);
        this.publish.poll();
        assertThat(this.deliveries).extracting(Delivery::value).containsExactly("v0", "v1");
        assertThat(this.demand).hasValue(0);
        this.publish.poll();
        assertThat(this.deliveries).hasSize(2);
        this.demand.addAndGet(1);
        this.publish.poll();
        assertThat(this.deliveries).extracting(Delivery::value).containsExactly("v0", "v1", "v2");
    }

    @Test
    void aSubmittedValueIsDeliveredAtOnceWhenThereIsDemandWithItsRecord() {
        this.demand.set(5);
        Message<String> message = payload(7, "v7");
        this.publish.submit(message);
        assertThat(this.deliveries).singleElement().satisfies((delivery) -> {
            assertThat(delivery.value()).isEqualTo("v7");
            assertThat(delivery.record()).isSameAs(message.origin());
            assertThat(delivery.isAcknowledged()).isFalse();
        });
        assertThat(this.demand).hasValue(4);
    }

    @Test
    void messagesAreHandedOnOnlyOnceAcknowledgedAndInOrder() {
        this.demand.set(3);
        Message<String> first = payload(0, "a");
        Message<String> second = payload(1, "b");
        Message<String> third = payload(2, "c");
        this.publish.submit(first);
        this.publish.submit(second);
        this.publish.submit(third);
        this.publish.poll();
        assertThat(this.next.submitted).isEmpty();
        this.deliveries.get(1).ack();
        this.deliveries.get(2).ack();
        this.publish.poll();
        assertThat(this.next.submitted).as("later acks do not pass an earlier value").isEmpty();
        this.deliveries.get(0).ack();
        this.publish.poll();
        assertThat(this.next.submitted).extracting(Message::origin).containsExactly(first.origin(), second.origin(),
                third.origin());
        assertThat(this.next.submitted).allSatisfy((done) -> {
            assertThat(done.payload()).isEmpty();
            assertThat(done.commitsOrigin()).isTrue();
        });
    }

    @Test
    void filteredAndInvalidMessagesPassInOrderWithoutUsingDemand() {
        Message<String> filtered = payload(1, "x").filtered();
        Message<String> invalid = payload(2, "y")
            .invalid(new InvalidMessage(InvalidMessage.Reason.INVALID_INPUT, new RuntimeException("undecodable")));
        this.publish.submit(payload(0, "a"));
        this.publish.submit(filtered);
        this.publish.submit(invalid);
        this.publish.poll();
        assertThat(this.next.submitted).as("behind an undelivered value").isEmpty();
        this.demand.set(1);
        this.publish.poll();
        assertThat(this.deliveries).extracting(Delivery::value).containsExactly("a");
        this.deliveries.get(0).ack();
        this.publish.poll();
        assertThat(this.next.submitted).hasSize(3);
        assertThat(this.next.submitted.get(0).origin().offset()).isZero();
        assertThat(this.next.submitted.get(1)).isSameAs(filtered);
        assertThat(this.next.submitted.get(2)).isSameAs(invalid);
        assertThat(this.next.submitted.get(2).invalid()).isNotNull();
        assertThat(this.deliveries).hasSize(1);
    }

    @Test
    void filteredMessagesAloneGoOnWithoutAnyDemand() {
        this.publish.submit(payload(0, "x").filtered());
        this.publish.poll();
        assertThat(this.next.submitted).hasSize(1);
        assertThat(this.deliveries).isEmpty();
    }

    @Test
    void submitRejectsOnceBoundValuesAreHeldDeliveredOrNot() {
        this.demand.set(2);
        for (int offset = 0; offset < 4; offset++) {
            this.publish.submit(payload(offset, "v" + offset));
        }
        assertThat(this.deliveries).hasSize(2);
        assertThatExceptionOfType(MessageRejected.class).isThrownBy(() -> this.publish.submit(payload(4, "v4")));
        this.deliveries.get(1).ack();
        this.publish.poll();
        assertThatExceptionOfType(MessageRejected.class).isThrownBy(() -> this.publish.submit(payload(4, "v4")));
        this.deliveries.get(0).ack();
        this.publish.poll();
        assertThat(this.next.submitted).hasSize(2);
        this.publish.submit(payload(4, "v4"));
        this.publish.submit(payload(5, "v5"));
        assertThatExceptionOfType(MessageRejected.class).isThrownBy(() -> this.publish.submit(payload(6, "v6")));
    }

    @Test
    void anAcknowledgedValueTheNextStepRejectsIsOfferedAgainOnPoll() {
        this.demand.set(1);
        this.publish.submit(payload(0, "a"));
        this.deliveries.get(0).ack();
        this.next.rejecting(true);
        this.publish.poll();
        assertThat(this.next.submitted).isEmpty();
        this.next.rejecting(false);
        this.publish.poll();
        assertThat(this.next.submitted).hasSize(1);
        assertThat(this.deliveries).hasSize(1);
    }

    @Test
    void pollDrivesTheNextStep() {
        this.publish.poll();
        assertThat(this.next.calls).containsExactly("poll");
    }

    @Test
    void joinWaitsForAcknowledgementsThenClosesAndJoinsTheNextStep() {
        this.demand.set(2);
        this.publish.submit(payload(0, "a"));
        this.publish.submit(payload(1, "b"));
        this.publish.close();
        CompletableFuture.runAsync(() -> this.deliveries.forEach(Delivery::ack),
                CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
        this.publish.join(Duration.ofSeconds(10));
        assertThat(this.next.submitted).hasSize(2);
        assertThat(this.next.calls).endsWith("close", "join");
        assertThat(this.next.joinTimeout).isPositive().isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void joinGivesUpOnUnacknowledgedValuesWhenTheTimeoutPasses() {
        this.demand.set(1);
        this.publish.submit(payload(0, "a"));
        this.publish.close();
        long start = System.nanoTime();
        // A join that ignored its timeout would block for good: bounded far above what honouring it takes.
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> this.publish.join(Duration.ofMillis(150)));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(this.next.submitted).isEmpty();
        assertThat(this.next.calls).endsWith("close", "join");
        assertThat(this.next.joinTimeout).isLessThanOrEqualTo(Duration.ofMillis(150));
    }

    @Test
    void submitAfterCloseThrows() {
        this.demand.set(1);
        this.publish.close();
        assertThatIllegalStateException().isThrownBy(() -> this.publish.submit(payload(0, "a")));
        assertThat(this.deliveries).isEmpty();
    }

    @Test
    void terminateDropsHeldValuesAndTerminatesTheNextStep() {
        this.demand.set(1);
        this.publish.submit(payload(0, "a"));
        this.publish.submit(payload(1, "b"));
        this.publish.terminate();
        this.deliveries.get(0).ack();
        this.demand.set(5);
        this.publish.poll();
        assertThat(this.next.submitted).isEmpty();
        assertThat(this.deliveries).hasSize(1);
        assertThat(this.next.calls).contains("terminate");
        assertThatIllegalStateException().isThrownBy(() -> this.publish.submit(payload(2, "c")));
    }

    private static Message<String> payload(long offset, String value) {
        return Message.of(record(offset, value)).withPayload(value);
    }
}
