package io.millrace.streams.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.processor.StreamProcessor;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code workers: 32} on a two-partition topic: many keys run at once, far beyond the partition count, while the
 * records of each key are processed and produced in order.
 */
class WorkersIntegrationTests {

    private static final int KEYS = 64;

    private static final int PER_KEY = 40;

    /** Per key, the sequence numbers in the order the processor saw them. */
    static final Map<String, List<Long>> SEEN = new ConcurrentHashMap<>();

    static final AtomicInteger RUNNING = new AtomicInteger();

    static final AtomicInteger MOST_RUNNING = new AtomicInteger();

    static final Map<String, Integer> INIT_THREADS = new ConcurrentHashMap<>();

    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() {
        TestKafka.createTopic("workers-in", 2);
        context = new SpringApplicationBuilder(WorkersApplication.class).web(WebApplicationType.NONE).run(
                "--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                "--millrace.application-id=workers-test",
                "--millrace.streams.ordered.workers=32",
                "--millrace.streams.ordered.max-in-flight=500",
                "--millrace.streams.ordered.commit.interval=100ms");
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void keepsEachKeyInOrderWhileRunningManyKeysAtOnce() {
        List<String[]> records = new ArrayList<>();
        for (int seq = 0; seq < PER_KEY; seq++) {
            for (int key = 0; key < KEYS; key++) {
                records.add(new String[] { "k" + key, "{\"id\": " + seq + ", \"kind\": \"k" + key + "\"}" });
            }
        }
        TestKafka.send("workers-in", records);
        StreamManager manager = context.getBean(StreamManager.class);
        await().atMost(Duration.ofSeconds(90))
            .until(() -> manager.stream("ordered").orElseThrow().processed() == KEYS * PER_KEY);

        List<Long> expected = new ArrayList<>();
        for (long seq = 0; seq < PER_KEY; seq++) {
            expected.add(seq);
        }
        assertThat(SEEN).hasSize(KEYS);
        SEEN.forEach((key, seen) -> assertThat(seen).as("processing order of " + key).isEqualTo(expected));
        Map<String, List<Long>> produced = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : TestKafka.readAll("workers-out")) {
            String value = TestKafka.utf8(record.value());
            produced.computeIfAbsent(TestKafka.utf8(record.key()), (key) -> new ArrayList<>())
                .add(Long.valueOf(value.replaceAll("^\\{\"id\":(\\d+),.*$", "$1")));
        }
        assertThat(produced).hasSize(KEYS);
        produced.forEach((key, seen) -> assertThat(seen).as("output order of " + key).isEqualTo(expected));
        assertThat(MOST_RUNNING.get()).as("records processed at once").isGreaterThan(8);
        // Every record running at once holds a worker of its own, initialised before its first record: at least
        // that many inits, and at most one per worker (an empty map, init never run, fails here).
        assertThat(INIT_THREADS).as("init ran once per worker that ran")
            .hasSizeGreaterThanOrEqualTo(MOST_RUNNING.get())
            .hasSizeLessThanOrEqualTo(32);
        assertThat(INIT_THREADS.values()).allMatch((count) -> count == 1);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({ OrderedIngest.class, OrderedOut.class })
    static class WorkersApplication {
    }

    @StreamProcessor(stream = "ordered", input = "workers-in")
    static class OrderedIngest implements InputProcessor<Payload, Payload> {

        @Override
        public void init(StreamContext context) {
            INIT_THREADS.merge(Thread.currentThread().getName() + "@" + System.identityHashCode(context), 1,
                    Integer::sum);
        }

        @Override
        public Payload ingest(Payload payload, StreamContext context) {
            int running = RUNNING.incrementAndGet();
            MOST_RUNNING.accumulateAndGet(running, Math::max);
            try {
                // Uneven work, so that a key's records would overtake each other if order were not kept.
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1_000_000, 3_000_000));
                SEEN.computeIfAbsent(context.keyAsString(), (key) -> Collections.synchronizedList(new ArrayList<>()))
                    .add(payload.id());
                return payload;
            }
            finally {
                RUNNING.decrementAndGet();
            }
        }
    }

    @StreamProcessor(stream = "ordered", output = "workers-out")
    static class OrderedOut implements OutputProcessor<Payload, Payload> {

        @Override
        public Payload transform(Payload payload) {
            return payload;
        }
    }
}
