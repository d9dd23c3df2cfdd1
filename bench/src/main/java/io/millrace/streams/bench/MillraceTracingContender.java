package io.millrace.streams.bench;

import java.util.Map;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sample {@code animals} stream in one of the tracing-cost scenario's three set-ups: no observation registry, a
 * registry without a tracer (tracing off), a registry with a tracer (tracing on). At the end of each run it checks
 * that tracing was what it claims: no registry at all, no record observed with tracing off, every input record
 * observed with it on.
 */
final class MillraceTracingContender implements Contender {

    private static final long SETTLE_NANOS = 10_000_000_000L;

    private final MillraceContender millrace;

    private final Class<?> application;

    private final Map<String, Object> properties;

    private final long observed;

    /**
     * Creates the contender.
     * @param name its name
     * @param description what it is, for the report
     * @param application the application's configuration class
     * @param properties the application's properties
     * @param topics the topics it writes, by output name
     * @param observed the record observations each run must have made: {@code -1} for no registry (nothing to
     * count), {@code 0} for tracing off, the input records for tracing on
     */
    MillraceTracingContender(String name, String description, Class<?> application, Map<String, Object> properties,
            Map<String, String> topics, long observed) {
        this.millrace = new MillraceContender(name, description, application, properties, topics);
        this.application = application;
        this.properties = Map.copyOf(properties);
        this.observed = observed;
    }

    @Override
    public String name() {
        return this.millrace.name();
    }

    @Override
    public String description() {
        return this.millrace.description();
    }

    @Override
    public Map<String, String> topics() {
        return this.millrace.topics();
    }

    @Override
    public AutoCloseable start(String runId) {
        ConfigurableApplicationContext context = MillraceContender.run(this.application, runId, this.properties);
        return () -> {
            try {
                check(context);
            }
            finally {
                context.close();
            }
        };
    }

    private void check(ConfigurableApplicationContext context) throws InterruptedException {
        if (this.observed < 0) {
            if (!context.getBeansOfType(ObservationRegistry.class).isEmpty()) {
                throw new IllegalStateException(name() + " was to run without an observation registry");
            }
            return;
        }
        BenchTracing.ObservedRecords records = context.getBean(BenchTracing.ObservedRecords.class);
        // The last observations stop on the poll thread, a moment after the broker's last acknowledgement.
        long deadline = System.nanoTime() + SETTLE_NANOS;
        while (records.count() < this.observed && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        boolean right = (this.observed == 0) ? records.count() == 0 : records.count() >= this.observed;
        if (!right) {
            throw new IllegalStateException(name() + " observed " + records.count() + " records, expected "
                    + this.observed + ((this.observed == 0) ? " (tracing off)" : " (tracing on)"));
        }
    }
}
