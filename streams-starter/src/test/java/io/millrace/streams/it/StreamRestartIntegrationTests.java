package io.millrace.streams.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamState;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stopped and restarted {@link StreamManager} resumes from the offsets it committed on the way down; before and
 * after, the stream's two consumer clients (concurrency=2) share its three partitions.
 */
class StreamRestartIntegrationTests {

    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() {
        TestKafka.createTopic("restart-in", 3);
        context = new SpringApplicationBuilder(LifecycleTestApplication.class).web(WebApplicationType.NONE).run(
                "--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                "--millrace.application-id=restart-test",
                "--millrace.streams.steady.input=restart-in",
                "--millrace.streams.steady.concurrency=2",
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
    void aRestartedManagerResumesFromCommittedOffsetsAndEveryInputReachesTheOutput() throws Exception {
        StreamManager manager = context.getBean(StreamManager.class);
        send(0, 300);
        await().atMost(Duration.ofSeconds(60)).until(() -> manager.stream("steady").orElseThrow().processed() == 300);
        assertTwoClientsShareThePartitions(manager);

        manager.stop();
        assertThat(manager.stream("steady").orElseThrow().state()).isEqualTo(StreamState.STOPPED);
        assertThat(committed("restart-test-steady")).isEqualTo(300);
        send(300, 600);

        manager.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> manager.stream("steady").orElseThrow().processed() >= 600);
        Set<Integer> ids = TestKafka.readAll("steady-out").stream()
            .map((record) -> Integer.valueOf(TestKafka.utf8(record.key())))
            .collect(Collectors.toCollection(TreeSet::new));
        assertThat(ids).containsExactlyElementsOf(IntStream.range(0, 600).boxed().toList());
        // Offsets committed on the way down mean nothing before them is processed twice.
        assertThat(manager.stream("steady").orElseThrow().processed()).isEqualTo(600);
        await().atMost(Duration.ofSeconds(30)).until(() -> committed("restart-test-steady") == 600);
        assertTwoClientsShareThePartitions(manager);
    }

    /**
     * concurrency=2: the stream shows all three partitions and two consumer clients, and the group, as the broker
     * sees it, has exactly those two members, each with a share of the partitions, together all of them.
     */
    private static void assertTwoClientsShareThePartitions(StreamManager manager) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.brokers()))) {
            // A rebalance may still be settling after a start: wait for the settled group.
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                StreamView view = manager.stream("steady").orElseThrow();
                assertThat(view.concurrency()).isEqualTo(2);
                assertThat(view.partitions()).containsOnlyKeys("restart-in-0", "restart-in-1", "restart-in-2");
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("restart-test-steady"))
                    .describedGroups().get("restart-test-steady").get(30, TimeUnit.SECONDS);
                Map<String, Set<Integer>> shares = new TreeMap<>();
                group.members().forEach((member) -> shares.put(member.clientId(), member.assignment()
                    .topicPartitions().stream().map(TopicPartition::partition)
                    .collect(Collectors.toCollection(TreeSet::new))));
                assertThat(shares).as("partitions by client").containsOnlyKeys("restart-test-steady-0",
                        "restart-test-steady-1");
                assertThat(shares.values()).allSatisfy((share) -> assertThat(share).isNotEmpty());
                assertThat(shares.values().stream().mapToInt(Set::size).sum()).isEqualTo(3);
                assertThat(shares.values().stream().flatMap(Set::stream).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder(0, 1, 2);
            });
        }
    }

    private static void send(int from, int to) {
        TestKafka.send("restart-in", IntStream.range(from, to)
            .mapToObj((id) -> new String[] { String.valueOf(id), "{\"id\": " + id + ", \"kind\": \"fine\"}" })
            .toList());
    }

    private static long committed(String group) {
        return TestKafka.committed(group);
    }
}
