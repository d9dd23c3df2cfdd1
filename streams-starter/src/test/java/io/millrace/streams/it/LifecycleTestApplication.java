package io.millrace.streams.it;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.processor.StreamProcessor;

/**
 * Streams for the lifecycle tests: {@code flaky} fails on purpose, {@code late} waits for its input topic,
 * {@code steady} passes everything through.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ LifecycleTestApplication.FlakyIngest.class, LifecycleTestApplication.PassThrough.class,
        LifecycleTestApplication.LateIngest.class, LifecycleTestApplication.LateOut.class,
        LifecycleTestApplication.SteadyIngest.class, LifecycleTestApplication.SteadyOut.class })
public class LifecycleTestApplication {

    /** Attempts per id, to check how often a failing record was tried. */
    static final Map<Long, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();

    /** Fails always on kind {@code poison}, on the first attempt only on kind {@code transient}. */
    @StreamProcessor(stream = "flaky", input = "flaky-in")
    static class FlakyIngest implements InputProcessor<Payload, Payload> {

        @Override
        public Payload ingest(Payload payload, StreamContext context) {
            int attempt = ATTEMPTS.computeIfAbsent(payload.id(), (id) -> new AtomicInteger()).incrementAndGet();
            if (payload.kind().equals("poison") || (payload.kind().equals("transient") && attempt == 1)) {
                throw new IllegalStateException("cannot digest " + payload.id() + " on attempt " + attempt);
            }
            return payload;
        }
    }

    /** Passes payloads through, but turns kind {@code bad-output} into an output that fails its schema. */
    @StreamProcessor(stream = "flaky", output = "flaky-out")
    static class PassThrough implements OutputProcessor<Payload, Payload> {

        @Override
        public Payload transform(Payload payload) {
            return payload.kind().equals("bad-output") ? new Payload(payload.id(), " ") : payload;
        }
    }

    @StreamProcessor(stream = "late", input = "late-in")
    static class LateIngest implements InputProcessor<Payload, Payload> {

        @Override
        public Payload ingest(Payload payload, StreamContext context) {
            return payload;
        }
    }

    @StreamProcessor(stream = "late", output = "late-out")
    static class LateOut implements OutputProcessor<Payload, Payload> {

        @Override
        public Payload transform(Payload payload) {
            return payload;
        }
    }

    @StreamProcessor(stream = "steady", input = "steady-in")
    static class SteadyIngest implements InputProcessor<Payload, Payload> {

        @Override
        public Payload ingest(Payload payload, StreamContext context) {
            return payload;
        }
    }

    @StreamProcessor(stream = "steady", output = "steady-out")
    static class SteadyOut implements OutputProcessor<Payload, Payload> {

        @Override
        public Payload transform(Payload payload) {
            return payload;
        }
    }
}
