package io.millrace.streams.it;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.strategy.Delivery;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link StreamManager#publisher}: no more deliveries than requested, offsets committed only up to the first
 * unacknowledged delivery, and fetching stopped at the bound.
 */
class PublisherIntegrationTests {

    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() {
        TestKafka.createTopic("demand-in", 1);
        context = new SpringApplicationBuilder(LifecycleTestApplication.class).web(WebApplicationType.NONE).run(
                "--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                "--millrace.application-id=demand-test",
                "--millrace.streams.steady.input=demand-in",
                "--millrace.streams.steady.enabled=false",
                "--millrace.streams.steady.max-in-flight=30",
                "--millrace.streams.steady.commit.interval=50ms",
                "--millrace.streams.steady.consumer.max.poll.records=10",
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
    void deliversOnDemandCommitsOnlyAcknowledgedValuesAndStopsFetchingAtItsBound() throws Exception {
        TestKafka.send("demand-in", IntStream.range(0, 100)
            .mapToObj((id) -> new String[] { String.valueOf(id), "{\"id\": " + id + ", \"kind\": \"fine\"}" })
            .toList());
        StreamManager manager = context.getBean(StreamManager.class);
        List<Delivery<Payload>> received = new CopyOnWriteArrayList<>();
        Flow.Subscription[] subscription = new Flow.Subscription[1];
        manager.<Payload>publisher("steady").subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription[0] = s;
            }

            @Override
            public void onNext(Delivery<Payload> delivery) {
                received.add(delivery);
            }

            @Override
            public void onError(Throwable ex) {
                throw new AssertionError(ex);
            }

            @Override
            public void onComplete() {
            }
        });
        subscription[0].request(10);
        await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == 10);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> received.size() == 10);
        assertThat(received).extracting((delivery) -> delivery.value().id())
            .containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(Long::valueOf).toList());

        // Nothing requested beyond 10: the publisher holds its bound (30) and stops fetching.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var view = manager.stream("steady-publisher").orElseThrow();
            return !view.paused().isEmpty();
        });
        assertThat(manager.stream("steady-publisher").orElseThrow().consumed()).isLessThanOrEqualTo(30 + 10);

        for (int i : new int[] { 0, 1, 2, 4, 5 }) {
            received.get(i).ack();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> committed() == 3);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> committed() == 3);

        // The bound counts values held until acknowledged in order: with value 3 unacknowledged, values 3 to 32
        // are held (30) and nothing more is fetched, however much is requested.
        subscription[0].request(Long.MAX_VALUE);
        await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 33);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> received.size() == 33);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            received.forEach(Delivery::ack);
            return received.size() == 100;
        });
        received.forEach(Delivery::ack);
        await().atMost(Duration.ofSeconds(30)).until(() -> committed() == 100);

        subscription[0].cancel();
        await().atMost(Duration.ofSeconds(30)).until(() -> manager.stream("steady-publisher").isEmpty());
    }

    private static long committed() {
        return TestKafka.committed("demand-test-steady-publisher");
    }
}
