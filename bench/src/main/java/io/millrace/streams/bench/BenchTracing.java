package io.millrace.streams.bench;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleTracer;

import io.millrace.streams.strategy.RecordObservation;

/**
 * The observation registries of the tracing-cost scenario: one that only counts (an {@link ObservationRegistry} and no
 * tracer, what Boot's actuator gives without a tracing bridge: Millrace's tracing stays off) and one with Micrometer's
 * {@link SimpleTracer} behind the same three tracing handlers Boot registers, and a W3C {@code traceparent} propagator
 * (tracing on). Both count the record observations they see, so that a run can prove tracing was off or on.
 *
 * <p>{@code SimpleTracer} is a test tracer: it keeps every span it made, in a list of its own and in a static map,
 * forever. A real tracer hands finished spans to an exporter and forgets them; here {@link ForgettingSpans} forgets
 * each span when its observation stops (the static map's entry is removed, the list cleared), so that the heap holds
 * the spans in flight only. Nothing is exported: the cost measured is making, propagating and ending spans, not
 * shipping them.
 */
final class BenchTracing {

    private BenchTracing() {
    }

    /**
     * A registry with tracing handlers on a {@link SimpleTracer}, its finished spans forgotten.
     * @param tracer the tracer
     * @param observed counts the record observations stopped
     * @return the registry
     */
    static ObservationRegistry traced(SimpleTracer tracer, ObservedRecords observed) {
        Propagator propagator = new TraceparentPropagator(tracer);
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig()
                .observationHandler(new ForgettingSpans(new ObservationHandler.FirstMatchingCompositeObservationHandler(
                        new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                        new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
                        new DefaultTracingObservationHandler(tracer)), tracer, observed));
        return registry;
    }

    /**
     * A registry without a tracer: a handler that counts the record observations started, which must stay at 0.
     * @param observed counts the record observations started
     * @return the registry
     */
    static ObservationRegistry untraced(ObservedRecords observed) {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new ObservationHandler<>() {

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

            @Override
            public void onStart(Observation.Context context) {
                if (RecordObservation.NAME.equals(context.getName())) {
                    observed.increment();
                }
            }

        });
        return registry;
    }

    /** Record observations seen by a registry: how a run proves that tracing was on, or off. */
    static final class ObservedRecords {

        private final AtomicLong count = new AtomicLong();

        void increment() {
            this.count.incrementAndGet();
        }

        long count() {
            return this.count.get();
        }
    }

    /**
     * The tracing handlers, then forgets the span of an observation that stopped, as an exporter would take it away.
     */
    static final class ForgettingSpans implements ObservationHandler<Observation.Context> {

        private static final Map<TraceContext, ?> SPANS_BY_CONTEXT = spansByContext();

        private final ObservationHandler<Observation.Context> delegate;

        private final SimpleTracer tracer;

        private final ObservedRecords observed;

        ForgettingSpans(ObservationHandler<Observation.Context> delegate, SimpleTracer tracer,
                ObservedRecords observed) {
            this.delegate = delegate;
            this.tracer = tracer;
            this.observed = observed;
        }

        @SuppressWarnings("unchecked")
        private static Map<TraceContext, ?> spansByContext() {
            try {
                Field field = SimpleTracer.class.getDeclaredField("traceContextToSpans");
                field.setAccessible(true);
                return (Map<TraceContext, ?>) field.get(null);
            }
            catch (ReflectiveOperationException ex) {
                throw new IllegalStateException("SimpleTracer keeps its spans elsewhere: cannot forget them", ex);
            }
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return this.delegate.supportsContext(context);
        }

        @Override
        public void onStart(Observation.Context context) {
            this.delegate.onStart(context);
        }

        @Override
        public void onError(Observation.Context context) {
            this.delegate.onError(context);
        }

        @Override
        public void onEvent(Observation.Event event, Observation.Context context) {
            this.delegate.onEvent(event, context);
        }

        @Override
        public void onScopeOpened(Observation.Context context) {
            this.delegate.onScopeOpened(context);
        }

        @Override
        public void onScopeClosed(Observation.Context context) {
            this.delegate.onScopeClosed(context);
        }

        @Override
        public void onScopeReset(Observation.Context context) {
            this.delegate.onScopeReset(context);
        }

        @Override
        public void onStop(Observation.Context context) {
            this.delegate.onStop(context);
            TracingObservationHandler.TracingContext tracing = context
                    .get(TracingObservationHandler.TracingContext.class);
            Span span = (tracing != null) ? tracing.getSpan() : null;
            if (span != null) {
                SPANS_BY_CONTEXT.remove(span.context());
            }
            // Spans started since the last stop: amortised, one removal per span.
            this.tracer.getSpans().clear();
            if (RecordObservation.NAME.equals(context.getName())) {
                this.observed.increment();
            }
        }
    }

    /** W3C {@code traceparent} for the test tracer, which comes without a propagator. */
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
                    .setParent(this.tracer.traceContextBuilder().traceId(parts[1]).spanId(parts[2]).sampled(true)
                            .build());
        }
    }
}
