package io.millrace.streams.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.strategy.RecordObservation;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tracing across streams on a real broker, with Micrometer's test tracer and a W3C {@code traceparent} propagator: a
 * chain of two streams (the first one's output is the second one's input) continues the trace of the first input
 * record into the last output record, each stream's span a child of the one before; a dead letter carries the trace
 * too. Without a tracer, records are not observed and the input's headers are copied as they are.
 */
class TracingIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static final String INPUT_SPAN_ID = "00f067aa0ba902b7";

    private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + INPUT_SPAN_ID + "-01";

    @Test
    void oneTraceFromTheFirstInputToTheLastOutputAndIntoADeadLetter() {
        TestKafka.createTopic("traced-in", 1);
        TestKafka.createTopic("traced-mid", 1);
        try (ConfigurableApplicationContext context = chain(TracedApplication.class, "traced")) {
            SimpleTracer tracer = context.getBean(SimpleTracer.class);
            TestKafka.send(traced("traced-in", "1", "{\"id\": 1, \"kind\": \"fine\"}"));
            TestKafka.send(traced("traced-in", "2", "{not json"));

            ConsumerRecord<byte[], byte[]> last = TestKafka
                .readUntil("traced-out", (records) -> !records.isEmpty(), TIMEOUT)
                .get(0);
            ConsumerRecord<byte[], byte[]> middle = TestKafka.readAll("traced-mid").get(0);
            ConsumerRecord<byte[], byte[]> deadLetter = TestKafka
                .readUntil("traced-in-dlt", (records) -> !records.isEmpty(), TIMEOUT)
                .get(0);

            // The same trace all the way, each hop under a new span: the trace headers are not the input's copied.
            String[] mid = traceparent(middle);
            String[] out = traceparent(last);
            String[] dead = traceparent(deadLetter);
            assertThat(mid[1]).isEqualTo(TRACE_ID);
            assertThat(out[1]).isEqualTo(TRACE_ID);
            assertThat(dead[1]).isEqualTo(TRACE_ID);
            assertThat(List.of(mid[2], out[2], dead[2])).doesNotHaveDuplicates().doesNotContain(INPUT_SPAN_ID);
            assertThat(TestKafka.header(deadLetter, DeadLetters.REASON)).isEqualTo("INVALID_INPUT");

            // The spans: the first stream's record span is a child of the input's, the second's a child of the
            // first's send span, whose id the middle record carries.
            List<SimpleSpan> spans = List.copyOf(tracer.getSpans());
            SimpleSpan firstRecord = spans.stream()
                .filter((span) -> INPUT_SPAN_ID.equals(span.getParentId()) && span.getTags().containsValue("traced-in")
                        && "completed".equals(span.getTags().get("millrace.outcome")))
                .findFirst()
                .orElseThrow();
            assertThat(firstRecord.getTraceId()).isEqualTo(TRACE_ID);
            assertThat(firstRecord.getEndTimestamp()).isAfterOrEqualTo(firstRecord.getStartTimestamp());
            assertThat(spans).filteredOn((span) -> mid[2].equals(span.getSpanId()))
                .singleElement()
                .satisfies((send) -> assertThat(send.getParentId()).isEqualTo(firstRecord.getSpanId()));
            assertThat(spans).filteredOn((span) -> mid[2].equals(span.getParentId()))
                .singleElement()
                .satisfies((second) -> assertThat(second.getTags()).containsEntry("millrace.stream", "traced-count"));
            assertThat(spans).filteredOn((span) -> "dead-lettered".equals(span.getTags().get("millrace.outcome")))
                .singleElement()
                .satisfies((failed) -> {
                    assertThat(failed.getParentId()).isEqualTo(INPUT_SPAN_ID);
                    assertThat(failed.getError()).hasMessageContaining("INVALID_INPUT");
                });
        }
    }

    @Test
    void withoutATracerRecordsAreNotObservedAndTheInputsHeadersAreCopied() {
        TestKafka.createTopic("untraced-in", 1);
        TestKafka.createTopic("untraced-mid", 1);
        try (ConfigurableApplicationContext context = chain(UntracedApplication.class, "untraced")) {
            TestKafka.send(traced("untraced-in", "1", "{\"id\": 1, \"kind\": \"fine\"}"));
            ConsumerRecord<byte[], byte[]> last = TestKafka
                .readUntil("untraced-out", (records) -> !records.isEmpty(), TIMEOUT)
                .get(0);
            assertThat(TestKafka.header(last, "traceparent")).isEqualTo(TRACEPARENT);
            assertThat(context.getBean(ObservationRegistry.class).isNoop()).isFalse();
            assertThat(UntracedApplication.started).hasValue(0);
        }
    }

    /** {@code <prefix>-split} copies {@code <prefix>-in} to {@code <prefix>-mid}, {@code <prefix>-count} that to
     * {@code <prefix>-out}. */
    private static ConfigurableApplicationContext chain(Class<?> application, String prefix) {
        String first = "--millrace.streams." + prefix + "-split.";
        String second = "--millrace.streams." + prefix + "-count.";
        return new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
            .run("--spring.kafka.bootstrap-servers=" + TestKafka.brokers(), "--millrace.application-id=tracing-test",
                    first + "input=" + prefix + "-in", first + "schema=json:" + Payload.class.getName(),
                    first + "outputs." + prefix + "-mid.partitioner=hash", second + "input=" + prefix + "-mid",
                    second + "schema=json:" + Payload.class.getName(),
                    second + "outputs." + prefix + "-out.partitioner=hash");
    }

    private static ProducerRecord<byte[], byte[]> traced(String topic, String key, String value) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, TestKafka.utf8(key),
                TestKafka.utf8(value));
        record.headers().add("traceparent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private static String[] traceparent(ConsumerRecord<byte[], byte[]> record) {
        String value = TestKafka.header(record, "traceparent");
        assertThat(value).as("traceparent of %s", record).isNotNull();
        // Exactly one: the propagated header replaces the one copied from the input.
        assertThat(record.headers().headers("traceparent")).hasSize(1);
        return value.split("-");
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TracedApplication {

        @Bean
        SimpleTracer tracer() {
            return new SimpleTracer();
        }

        @Bean
        ObservationRegistry observationRegistry(SimpleTracer tracer) {
            Propagator propagator = new TraceparentPropagator(tracer);
            ObservationRegistry registry = ObservationRegistry.create();
            registry.observationConfig()
                .observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
                        new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                        new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
                        new DefaultTracingObservationHandler(tracer)));
            return registry;
        }

    }

    /** An observation registry that is not a no-op, but no tracer: Boot's registry without tracing. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class UntracedApplication {

        static final AtomicInteger started = new AtomicInteger();

        @Bean
        ObservationRegistry observationRegistry() {
            ObservationRegistry registry = ObservationRegistry.create();
            registry.observationConfig().observationHandler(new ObservationHandler<>() {

                @Override
                public boolean supportsContext(Observation.Context context) {
                    return true;
                }

                @Override
                public void onStart(Observation.Context context) {
                    if (context.getName().startsWith(RecordObservation.NAME)) {
                        started.incrementAndGet();
                    }
                }

            });
            return registry;
        }

    }

    /** W3C {@code traceparent} for the test tracer. */
    static final class TraceparentPropagator implements Propagator {

        private final SimpleTracer tracer;

        TraceparentPropagator(SimpleTracer tracer) {
            this.tracer = tracer;
        }

        @Override
        public List<String> fields() {
            return List.of("traceparent");
        }

        @Override
        public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
            setter.set(carrier, "traceparent", "00-" + context.traceId() + "-" + context.spanId() + "-01");
        }

        @Override
        public <C> Span.Builder extract(C carrier, Getter<C> getter) {
            String value = getter.get(carrier, "traceparent");
            if (value == null) {
                return this.tracer.spanBuilder();
            }
            String[] parts = value.split("-");
            return this.tracer.spanBuilder()
                .setParent(this.tracer.traceContextBuilder().traceId(parts[1]).spanId(parts[2]).sampled(true).build());
        }

    }

}
