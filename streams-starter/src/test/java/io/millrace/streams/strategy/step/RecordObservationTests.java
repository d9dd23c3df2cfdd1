package io.millrace.streams.strategy.step;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.PipelineListener;
import io.millrace.streams.strategy.RecordObservation;

import static io.millrace.streams.strategy.step.TestRecords.bytes;
import static io.millrace.streams.strategy.step.TestRecords.header;
import static io.millrace.streams.strategy.step.TestRecords.record;
import static io.millrace.streams.strategy.step.TestRecords.string;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RecordObservation} with {@link Produce}: a handler that plays the tracer (reads the input's
 * {@code trace} header on start of the record's observation, writes its own into the sends' carriers) and records
 * what happens to each observation.
 */
class RecordObservationTests {

    private final List<String> events = new CopyOnWriteArrayList<>();

    private final ObservationRegistry registry = ObservationRegistry.create();

    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
            new ByteArraySerializer());

    private final Produce produce = new Produce(this.producer, new DeadLetters("in-dlt", "animals", "app-animals"), 10,
            PipelineListener.NONE, new RecordingStep<>());

    RecordObservationTests() {
        this.registry.observationConfig().observationHandler(new FakeTracer());
    }

    @Test
    void outputsCarryTheSendsTraceInsteadOfTheInputsAndTheObservationsStopOnceAcknowledged() {
        ProducerRecord<byte[], byte[]> changelog = new ChangelogRecord();
        Message<List<ProducerRecord<byte[], byte[]>>> message = observed(0).withPayload(
                List.of(output("out-a"), output("out-b"), changelog));
        this.produce.submit(message);
        assertThat(this.events).containsExactly("start millrace.record parent=t-in", "start millrace.record.send");
        assertThat(this.producer.history()).filteredOn((record) -> record.topic().startsWith("out-"))
            .hasSize(2)
            .allSatisfy((record) -> {
                assertThat(record.headers().headers("trace")).singleElement()
                    .satisfies((header) -> assertThat(string(header.value())).isEqualTo("t-send"));
                assertThat(string(record.headers().lastHeader("other").value())).isEqualTo("kept");
            });
        assertThat(changelog.headers().lastHeader("trace")).isNull();
        this.producer.completeNext();
        this.producer.completeNext();
        this.produce.poll();
        assertThat(this.events).hasSize(2);
        this.producer.completeNext();
        this.produce.poll();
        assertThat(this.events).containsExactly("start millrace.record parent=t-in", "start millrace.record.send",
                "stop millrace.record.send", "stop millrace.record outcome=completed");
    }

    @Test
    void aDeadLetterCarriesTheSendsTraceAndTheRecordsObservationEndsWithTheError() {
        Message<List<ProducerRecord<byte[], byte[]>>> message = observed(0)
            .invalid(new InvalidMessage(InvalidMessage.Reason.INVALID_INPUT, new IllegalArgumentException("bad")));
        this.produce.submit(message);
        ProducerRecord<byte[], byte[]> deadLetter = this.producer.history().get(0);
        assertThat(deadLetter.topic()).isEqualTo("in-dlt");
        assertThat(deadLetter.headers().headers("trace")).singleElement()
            .satisfies((header) -> assertThat(string(header.value())).isEqualTo("t-send"));
        this.producer.completeNext();
        this.produce.poll();
        assertThat(this.events).containsExactly("start millrace.record parent=t-in", "start millrace.record.send",
                "stop millrace.record.send", "error millrace.record INVALID_INPUT",
                "stop millrace.record outcome=dead-lettered");
    }

    @Test
    void aTerminatedPipelineEndsTheObservationsOfItsPendingRecordsOnce() {
        Message<List<ProducerRecord<byte[], byte[]>>> message = observed(0).withPayload(List.of(output("out-a")));
        this.produce.submit(message);
        this.produce.terminate();
        // A failed pipeline abandons, then its terminate (or a late acknowledgement) must not stop them again.
        message.observation().abandon(new IllegalStateException("terminated again"));
        message.observation().stop(null);
        assertThat(this.events).containsExactly("start millrace.record parent=t-in", "start millrace.record.send",
                "error millrace.record.send terminated", "stop millrace.record.send",
                "error millrace.record terminated", "stop millrace.record outcome=abandoned");
    }

    private Message<ConsumerRecord<byte[], byte[]>> observed(long offset) {
        ConsumerRecord<byte[], byte[]> record = record("in", 0, offset, "k", "v", header("trace", "t-in"),
                header("other", "kept"));
        return Message.observed(record, RecordObservation.start(this.registry, "animals", record));
    }

    /** An output built like Route builds it: with the input's headers copied. */
    private static ProducerRecord<byte[], byte[]> output(String topic) {
        return new ProducerRecord<>(topic, null, null, bytes("k"), bytes("v"),
                List.of(header("trace", "t-in"), header("other", "kept")));
    }

    private static final class ChangelogRecord extends ProducerRecord<byte[], byte[]> implements Callback {

        ChangelogRecord() {
            super("app-table-changelog", bytes("k"), bytes("v"));
        }

        @Override
        public void onCompletion(org.apache.kafka.clients.producer.RecordMetadata metadata, Exception exception) {
        }

    }

    private final class FakeTracer implements ObservationHandler<Observation.Context> {

        @Override
        public boolean supportsContext(Observation.Context context) {
            return true;
        }

        @Override
        @SuppressWarnings({ "unchecked", "rawtypes" })
        public void onStart(Observation.Context context) {
            if (context instanceof ReceiverContext receiver) {
                events.add("start " + context.getName() + " parent="
                        + receiver.getGetter().get(receiver.getCarrier(), "trace"));
            }
            else if (context instanceof SenderContext sender) {
                sender.getSetter().set(sender.getCarrier(), "trace", "t-send");
                events.add("start " + context.getName());
            }
        }

        @Override
        public void onError(Observation.Context context) {
            String message = context.getError().getMessage();
            events.add("error " + context.getName() + " "
                    + (message.contains("terminated") ? "terminated" : message.split(":")[0]));
        }

        @Override
        public void onStop(Observation.Context context) {
            String outcome = (context.getLowCardinalityKeyValue("millrace.outcome") != null)
                    ? " outcome=" + context.getLowCardinalityKeyValue("millrace.outcome").getValue() : "";
            events.add("stop " + context.getName() + outcome);
        }

    }

}
