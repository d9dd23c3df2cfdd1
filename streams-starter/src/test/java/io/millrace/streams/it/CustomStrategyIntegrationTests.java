package io.millrace.streams.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import io.millrace.streams.autoconfigure.SchemaResolver;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.runtime.StreamStrategy;
import io.millrace.streams.strategy.step.CommitOffsets;
import io.millrace.streams.strategy.step.Decode;
import io.millrace.streams.strategy.step.FilterStep;
import io.millrace.streams.strategy.step.Produce;
import io.millrace.streams.strategy.step.Reduce;
import io.millrace.streams.strategy.step.RunTask;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stream whose pipeline is a {@link StreamStrategy} bean built from the steps, named in
 * {@code millrace.streams.<name>.strategy}: the README's example, run against a real broker.
 */
class CustomStrategyIntegrationTests {

    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() {
        TestKafka.createTopic("custom-in", 2);
        TestKafka.createTopic("custom-counts", 1);
        context = new SpringApplicationBuilder(CustomApplication.class).web(WebApplicationType.NONE).run(
                "--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                "--millrace.application-id=custom-test",
                "--millrace.streams.steady.input=custom-in",
                "--millrace.streams.steady.strategy=countingPipeline",
                "--millrace.streams.steady.commit.interval=100ms",
                "--millrace.streams.flaky.enabled=false",
                "--millrace.streams.late.enabled=false");
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void aPipelineBuiltFromTheStepsReplacesTheDefaultOne() throws Exception {
        TestKafka.send("custom-in", IntStream.range(0, 25)
            .mapToObj((id) -> new String[] { String.valueOf(id),
                    "{\"id\": " + id + ", \"kind\": \"" + ((id % 5 == 0) ? "skip" : "count") + "\"}" })
            .toList());
        StreamManager manager = context.getBean(StreamManager.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> committed() == 25);
        long counted = TestKafka.readAll("custom-counts").stream()
            .mapToLong((record) -> Long.parseLong(TestKafka.utf8(record.value()))).sum();
        assertThat(counted).isEqualTo(20);
        assertThat(manager.stream("steady").orElseThrow().produced()).containsEntry("custom-counts",
                (long) TestKafka.readAll("custom-counts").size());
        // steady-out is the default pipeline's output (other test classes write to it on the same broker).
        assertThat(manager.stream("steady").orElseThrow().produced()).containsOnlyKeys("custom-counts");
    }

    private static long committed() {
        return TestKafka.committed("custom-test-steady");
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({ LifecycleTestApplication.SteadyIngest.class, LifecycleTestApplication.SteadyOut.class,
            LifecycleTestApplication.FlakyIngest.class, LifecycleTestApplication.PassThrough.class,
            LifecycleTestApplication.LateIngest.class, LifecycleTestApplication.LateOut.class })
    static class CustomApplication {

        /** Counts the payloads that are not skipped, ten at a time, into {@code custom-counts}. */
        @Bean
        StreamStrategy countingPipeline(SchemaResolver schemas) {
            return (resources) -> (commit, partitions) -> {
                StreamSettings settings = resources.settings();
                CommitOffsets<List<ProducerRecord<byte[], byte[]>>> commitOffsets = new CommitOffsets<>(commit,
                        settings.commitInterval(), settings.commitRecords(), resources.clock());
                Produce produce = new Produce(resources.producer(), resources.deadLetters(), settings.maxInFlight(),
                        resources.listener(), commitOffsets);
                RunTask<Long, List<ProducerRecord<byte[], byte[]>>> toRecord = new RunTask<>(
                        (count) -> List.of(new ProducerRecord<>("custom-counts",
                                String.valueOf(count).getBytes(StandardCharsets.UTF_8))),
                        produce);
                Reduce<Payload, Long> count = new Reduce<>(10, Duration.ofMillis(200), () -> 0L,
                        (total, payload) -> total + 1, resources.clock(), toRecord);
                FilterStep<Payload> notSkipped = new FilterStep<>((payload) -> !payload.kind().equals("skip"), count);
                return new Decode<>(schemas.resolve(Payload.class).orElseThrow(), notSkipped);
            };
        }
    }
}
