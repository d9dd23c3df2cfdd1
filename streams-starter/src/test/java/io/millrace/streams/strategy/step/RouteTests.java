package io.millrace.streams.strategy.step;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import io.millrace.streams.processor.FlatOutputProcessor;
import io.millrace.streams.processor.Output;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.Partitioner;
import io.millrace.streams.schema.Schema;
import io.millrace.streams.schema.SchemaException;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.RetryPolicy;
import io.millrace.streams.strategy.worker.WorkerContext;

import static io.millrace.streams.strategy.step.TestRecords.bytes;
import static io.millrace.streams.strategy.step.TestRecords.header;
import static io.millrace.streams.strategy.step.TestRecords.record;
import static io.millrace.streams.strategy.step.TestRecords.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Route}.
 */
class RouteTests {

    private static final RetryPolicy THREE_ATTEMPTS = new RetryPolicy(3, Duration.ZERO, 1, Duration.ZERO);

    private final RecordingStep<List<ProducerRecord<byte[], byte[]>>> next = new RecordingStep<>();

    private final WorkerContext context = new WorkerContext("animals", Map.of());

    @Test
    void aOneToOneOutputTransformsWhatPassesItsFilterKeyedAsTheInput() {
        Route<String> route = route(Output.of("fruit", Schemas.string(), new OutputProcessor<String, String>() {
            @Override
            public boolean filter(String value) {
                return value.startsWith("a");
            }

            @Override
            public String transform(String value) {
                return value.toUpperCase();
            }
        }));
        route.submit(payload(0, "k0", "apple"));
        route.submit(payload(1, "k1", "banana"));
        assertThat(this.next.submitted).hasSize(2);
        assertThat(this.next.submitted.get(0).payload()).singleElement().satisfies((output) -> {
            assertThat(output.topic()).isEqualTo("fruit");
            assertThat(string(output.key())).isEqualTo("k0");
            assertThat(string(output.value())).isEqualTo("APPLE");
            assertThat(output.partition()).isNull();
        });
        Message<List<ProducerRecord<byte[], byte[]>>> filteredOut = this.next.submitted.get(1);
        assertThat(filteredOut.hasPayload()).isTrue();
        assertThat(filteredOut.payload()).isEmpty();
    }

    @Test
    void aNullTransformSendsNothing() {
        Route<String> route = route(Output.of("fruit", Schemas.string(), (OutputProcessor<String, String>) (
                value) -> null));
        route.submit(payload(0, "k0", "apple"));
        assertThat(this.next.submitted).singleElement().satisfies((message) -> assertThat(message.payload()).isEmpty());
    }

    @Test
    void anOutputProcessorMayOverrideTheKey() {
        Route<String> route = route(Output.of("fruit", Schemas.string(), new OutputProcessor<String, String>() {
            @Override
            public String transform(String value) {
                return value;
            }

            @Override
            public byte[] key(String value, String output) {
                return bytes("key-" + output);
            }
        }));
        route.submit(payload(0, "k0", "apple"));
        assertThat(string(this.next.submitted.get(0).payload().get(0).key())).isEqualTo("key-apple");
    }

    @Test
    void aFlatOutputFansOutWithItsOwnKeysOrTheInputKey() {
        FlatOutputProcessor<String, String> words = (value, context, emitter) -> {
            for (String word : value.split(" ")) {
                emitter.emit(word, word.length() + "");
            }
            emitter.emit(value);
        };
        Route<String> route = route(new Output<>("words", Schemas.string(), words));
        route.submit(payload(0, "sentence-1", "the quick fox"));
        List<ProducerRecord<byte[], byte[]>> outputs = this.next.submitted.get(0).payload();
        assertThat(outputs).extracting((output) -> string(output.key()))
            .containsExactly("the", "quick", "fox", "sentence-1");
        assertThat(outputs).extracting((output) -> string(output.value()))
            .containsExactly("3", "5", "3", "the quick fox");
        assertThat(outputs).extracting(ProducerRecord::topic).containsOnly("words");
    }

    @Test
    void everyOutputRecordCarriesTheInputHeaders() {
        FlatOutputProcessor<String, String> twice = (value, context, emitter) -> {
            emitter.emit(value);
            emitter.emit(value);
        };
        Route<String> route = route(new Output<>("out", Schemas.string(), twice),
                Output.of("other", Schemas.string(), (OutputProcessor<String, String>) (value) -> value));
        Message<String> message = Message.of(record("in", 0, 0, "k", "v", header("trace", "t-1"),
                header("tenant", "acme"))).withPayload("v");
        route.submit(message);
        List<ProducerRecord<byte[], byte[]>> outputs = this.next.submitted.get(0).payload();
        assertThat(outputs).hasSize(3).allSatisfy((output) -> {
            assertThat(output.headers().toArray()).extracting(Header::key).containsExactly("trace", "tenant");
            assertThat(string(output.headers().lastHeader("trace").value())).isEqualTo("t-1");
        });
        outputs.get(0).headers().add(header("added", "x"));
        assertThat(message.origin().headers().lastHeader("added")).isNull();
        assertThat(outputs.get(1).headers().lastHeader("added")).isNull();
    }

    @Test
    void outputsAreRoutedInTheirDeclaredOrder() {
        Route<String> route = route(
                Output.of("first", Schemas.string(), (OutputProcessor<String, String>) (value) -> value + 1),
                Output.of("second", Schemas.string(), (OutputProcessor<String, String>) (value) -> value + 2));
        route.submit(payload(0, "k", "v"));
        assertThat(this.next.submitted.get(0).payload()).extracting(ProducerRecord::topic)
            .containsExactly("first", "second");
    }

    @Test
    void anOutputFailingItsSchemaMakesTheMessageInvalidWithNoPartialOutputs() {
        AtomicInteger badCalls = new AtomicInteger();
        Schema<String> strict = new RejectingSchema();
        Route<String> route = route(
                Output.of("good", Schemas.string(), (OutputProcessor<String, String>) (value) -> value),
                Output.of("bad", strict, (OutputProcessor<String, String>) (value) -> {
                    badCalls.incrementAndGet();
                    return value;
                }),
                Output.of("after", Schemas.string(), (OutputProcessor<String, String>) (value) -> value));
        Message<String> message = payload(5, "k", "v");
        route.submit(message);
        assertThat(this.next.submitted).singleElement().satisfies((result) -> {
            assertThat(result.hasPayload()).isFalse();
            assertThat(result.payload()).isNull();
            assertThat(result.invalid().reason()).isEqualTo(InvalidMessage.Reason.OUTPUT_FAILED);
            assertThat(result.invalid()).hasCauseInstanceOf(SchemaException.class);
            assertThat(result.origin()).isSameAs(message.origin());
        });
        assertThat(badCalls).as("schema failures are not retried").hasValue(1);
    }

    @Test
    void aFailingOutputProcessorIsRetriedThenTheMessageIsInvalidAsOutputFailed() {
        AtomicInteger calls = new AtomicInteger();
        Route<String> route = route(Output.of("out", Schemas.string(), (OutputProcessor<String, String>) (
                value) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("down");
        }));
        route.submit(payload(0, "k", "v"));
        assertThat(calls).hasValue(3);
        assertThat(this.next.submitted).singleElement().satisfies((result) -> {
            assertThat(result.invalid().reason()).isEqualTo(InvalidMessage.Reason.OUTPUT_FAILED);
            assertThat(result.invalid()).hasCauseInstanceOf(IllegalStateException.class);
        });
    }

    @Test
    void aRetriedFlatProcessorDoesNotDuplicateRecords() {
        AtomicInteger attempts = new AtomicInteger();
        FlatOutputProcessor<String, String> flaky = (value, context, emitter) -> {
            int attempt = attempts.incrementAndGet();
            emitter.emit("a", value + attempt);
            if (attempt == 1) {
                throw new IllegalStateException("failed after emitting");
            }
            emitter.emit("b", value + attempt);
        };
        Route<String> route = route(
                Output.of("before", Schemas.string(), (OutputProcessor<String, String>) (value) -> value),
                new Output<>("flaky", Schemas.string(), flaky));
        route.submit(payload(0, "k", "v"));
        assertThat(attempts).hasValue(2);
        List<ProducerRecord<byte[], byte[]>> outputs = this.next.submitted.get(0).payload();
        assertThat(outputs).extracting((output) -> output.topic() + ":" + string(output.key()) + "="
                + string(output.value())).containsExactly("before:k=v", "flaky:a=v2", "flaky:b=v2");
    }

    @Test
    void theContextDescribesTheRecordWhileTheOutputsRun() {
        List<String> seen = new ArrayList<>();
        Route<String> route = route(new Output<>("out", Schemas.string(),
                (FlatOutputProcessor<String, String>) (value, context, emitter) -> seen
                    .add(context.topic() + "@" + context.offset() + " " + context.keyAsString())));
        route.submit(payload(12, "k12", "v"));
        assertThat(seen).containsExactly("in@12 k12");
        assertThat(this.context.topic()).isNull();
    }

    @Test
    void filteredAndInvalidMessagesPassThroughUntouchedWithoutCallingTheOutputs() {
        AtomicInteger calls = new AtomicInteger();
        Route<String> route = route(Output.of("out", Schemas.string(), (OutputProcessor<String, String>) (
                value) -> {
            calls.incrementAndGet();
            return value;
        }));
        Message<String> filtered = payload(0, "k", "a").filtered();
        Message<String> invalid = payload(1, "k", "b")
            .invalid(new InvalidMessage(InvalidMessage.Reason.PROCESSOR_FAILED, new RuntimeException("earlier")));
        route.submit(filtered);
        route.submit(invalid);
        assertThat(calls).hasValue(0);
        assertThat(this.next.submitted.get(0)).isSameAs(filtered);
        assertThat(this.next.submitted.get(1)).isSameAs(invalid);
    }

    @Test
    void aManualPartitionerSendsEveryRecordOfItsOutputToItsPartition() {
        Route<String> route = route(Output.of("fixed", Schemas.string(),
                (OutputProcessor<String, String>) (value) -> value).withPartitioner(Partitioner.manual(2)),
                Output.of("hashed", Schemas.string(), (OutputProcessor<String, String>) (value) -> value));
        route.submit(payload(0, "k0", "a"));
        route.submit(payload(1, "k1", "b"));
        assertThat(this.next.submitted).flatExtracting(Message::payload)
            .extracting((output) -> output.topic() + ":" + output.partition())
            .containsExactly("fixed:2", "hashed:null", "fixed:2", "hashed:null");
    }

    @Test
    void aRandomPartitionerSpreadsOneKeyOverEveryPartitionAndLooksTheCountUpOnce() {
        AtomicInteger lookups = new AtomicInteger();
        Route<String> route = route(Output.of("spread", Schemas.string(),
                (OutputProcessor<String, String>) (value) -> value).withPartitioner(Partitioner.random(() -> {
                    lookups.incrementAndGet();
                    return 3;
                })));
        for (int i = 0; i < 200; i++) {
            route.submit(payload(i, "same-key", "v" + i));
        }
        assertThat(this.next.submitted).flatExtracting(Message::payload)
            .extracting(ProducerRecord::partition)
            .containsOnly(0, 1, 2)
            .contains(0, 1, 2);
        assertThat(lookups).hasValue(1);
    }

    @Test
    void aRandomPartitionerOfATopicWithoutPartitionsFailsTheOutput() {
        Route<String> route = route(Output.of("missing", Schemas.string(),
                (OutputProcessor<String, String>) (value) -> value).withPartitioner(Partitioner.random(() -> 0)));
        route.submit(payload(0, "k", "v"));
        assertThat(this.next.submitted).singleElement()
            .satisfies((result) -> assertThat(result.invalid().reason())
                .isEqualTo(InvalidMessage.Reason.OUTPUT_FAILED));
    }

    @Test
    void aNegativeManualPartitionIsRefused() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> Partitioner.manual(-1))
            .withMessageContaining("-1");
    }

    @SafeVarargs
    private Route<String> route(Output<String, ?>... outputs) {
        return new Route<>(List.of(outputs), this.context, THREE_ATTEMPTS, this.next);
    }

    private static Message<String> payload(long offset, String key, String value) {
        return Message.of(record("in", 0, offset, key, value)).withPayload(value);
    }

    /** Refuses to encode anything, like a schema whose validation fails. */
    private static final class RejectingSchema implements Schema<String> {

        @Override
        public Class<String> type() {
            return String.class;
        }

        @Override
        public String decode(byte[] data) {
            return string(data);
        }

        @Override
        public byte[] encode(String value) {
            throw new SchemaException("Cannot encode invalid String", List.of("value: not allowed"));
        }
    }
}
