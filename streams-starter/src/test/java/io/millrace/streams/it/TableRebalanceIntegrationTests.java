package io.millrace.streams.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import io.millrace.streams.it.TableTestApplication.Scenario;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.table.TablePartition;
import io.millrace.streams.table.TablePartitionView;
import io.millrace.streams.test.TestKafka;

import static io.millrace.streams.it.TableTestApplication.STREAM;
import static io.millrace.streams.it.TableTestApplication.exactly;
import static io.millrace.streams.it.TableTestApplication.tally;
import static io.millrace.streams.it.TableTestApplication.words;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of one application share a stream with a table; one stops cleanly while records flow. Its partitions
 * move to the other with their state, rebuilt from the changelog, and every count stays exact: a clean stop commits
 * everything, so nothing is counted twice or lost.
 */
class TableRebalanceIntegrationTests {

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @AfterEach
    void stop() {
        this.contexts.stream().filter(ConfigurableApplicationContext::isActive)
            .forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void whenOneOfTwoInstancesStopsItsPartitionsMoveWithTheirStateAndEveryCountStaysExact(@TempDir Path first,
            @TempDir Path second) throws Exception {
        Scenario scenario = Scenario.create("rebalance", 3);
        ConfigurableApplicationContext one = start(scenario, first);
        ConfigurableApplicationContext two = start(scenario, second);
        StreamManager managerOne = one.getBean(StreamManager.class);
        StreamManager managerTwo = two.getBean(StreamManager.class);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(active(managerOne)).isNotEmpty();
            assertThat(active(managerTwo)).isNotEmpty();
            assertThat(active(managerOne).size() + active(managerTwo).size()).isEqualTo(3);
        });

        List<String> sent = words(6, 20);
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> sendSlowly(scenario, sent));
        // Stop the first instance once records flow through both (about a tenth of them by then).
        await().atMost(Duration.ofSeconds(60))
            .until(() -> processed(managerOne) >= 20 && processed(managerTwo) >= 20);
        one.close();
        long processedByOne = processed(managerOne);
        sending.get(60, TimeUnit.SECONDS);

        Map<String, Long> totals = tally(sent);
        assertThat(scenario.awaitOutputs(sent.size())).isEqualTo(exactly(totals));
        // The changelog gets the survivor's latest values at its next commit (within a commit interval).
        await().atMost(Duration.ofSeconds(30))
            .untilAsserted(() -> assertThat(scenario.changelogContents()).isEqualTo(totals));
        assertThat(processedByOne).isLessThan(sent.size());
        await().atMost(Duration.ofSeconds(30))
            .untilAsserted(() -> assertThat(processed(managerTwo)).isEqualTo(sent.size() - processedByOne));

        // The survivor owns every partition, each at the changelog's end.
        Map<Integer, Long> ends = TestKafka.endOffsets(scenario.changelog());
        Map<Integer, TablePartitionView> survivor = Scenario.awaitActive(two, 3);
        assertThat(survivor).allSatisfy((partition, view) -> assertThat(view.changelogPosition())
            .isEqualTo(ends.get(partition)));
        two.close();
        assertThat(scenario.outputs()).isEqualTo(exactly(totals));
    }

    /** Sends the words in small batches, so that they are still flowing when an instance stops. */
    private static void sendSlowly(Scenario scenario, List<String> words) {
        try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer()) {
            for (int i = 0; i < words.size(); i++) {
                String word = words.get(i);
                producer.send(new ProducerRecord<>(scenario.input(), TestKafka.utf8(word), TestKafka.utf8(word)));
                if (i % 10 == 9) {
                    producer.flush();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                }
            }
            producer.flush();
        }
    }

    private static List<TablePartitionView> active(StreamManager manager) {
        return manager.stream(STREAM).orElseThrow().tables().stream()
            .filter((table) -> table.role() == TablePartition.Role.ACTIVE).toList();
    }

    private static long processed(StreamManager manager) {
        return manager.stream(STREAM).map(StreamView::processed).orElse(0L);
    }

    private ConfigurableApplicationContext start(Scenario scenario, Path stateDir) {
        ConfigurableApplicationContext context = scenario.start(stateDir);
        this.contexts.add(context);
        return context;
    }
}
