package io.millrace.streams.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import io.millrace.streams.it.TableTestApplication.Scenario;
import io.millrace.streams.runtime.Guarantee;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamState;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.table.TablePartitionView;
import io.millrace.streams.table.internal.store.StateDirectory;
import io.millrace.streams.test.TestKafka;

import static io.millrace.streams.it.TableTestApplication.BIG;
import static io.millrace.streams.it.TableTestApplication.HUGE;
import static io.millrace.streams.it.TableTestApplication.POISON;
import static io.millrace.streams.it.TableTestApplication.STREAM;
import static io.millrace.streams.it.TableTestApplication.exactly;
import static io.millrace.streams.it.TableTestApplication.sum;
import static io.millrace.streams.it.TableTestApplication.tally;
import static io.millrace.streams.it.TableTestApplication.words;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A table under {@code exactly-once} against a real broker: a record whose processor counts, then fails, and one
 * whose output is larger than the producer sends, are dead-lettered and leave their counts untouched, in the
 * outputs, the changelog and the store, and the transactions around them commit (so is one larger than its output
 * topic's {@code max.message.bytes}); a full restore reads only committed changelog records.
 */
class TableExactlyOnceIntegrationTests {

    private static final String EXACTLY_ONCE = "--millrace.streams." + STREAM + ".guarantee=exactly-once";

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @AfterEach
    void stop() {
        this.contexts.stream().filter(ConfigurableApplicationContext::isActive)
            .forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void aPoisonRecordIsDeadLetteredAndLeavesTheTableAsIfItNeverCame(@TempDir Path stateDir) {
        Scenario scenario = Scenario.create("eos", 2);
        List<String> valid = words(5, 4);
        List<String> sent = new ArrayList<>(valid);
        sent.add(valid.size() / 2, POISON + "w2");
        sent.add(valid.size() / 3, HUGE + "w3");
        Map<String, Long> totals = tally(valid);

        ConfigurableApplicationContext first = start(scenario, stateDir);
        StreamManager manager = first.getBean(StreamManager.class);
        assertThat(manager.stream(STREAM).orElseThrow().guarantee()).isEqualTo(Guarantee.EXACTLY_ONCE);
        scenario.send(sent);
        assertThat(scenario.awaitOutputs(valid.size())).isEqualTo(exactly(totals));
        List<ConsumerRecord<byte[], byte[]>> deadLetters = TestKafka.readUntil(scenario.deadLetters(),
                (records) -> records.size() >= 2, Duration.ofSeconds(30));
        assertThat(deadLetters).extracting((record) -> TestKafka.utf8(record.value()) + " "
                + TestKafka.utf8(record.headers().lastHeader("millrace_dlt-reason").value()))
            .containsExactlyInAnyOrder(POISON + "w2 PROCESSOR_FAILED", HUGE + "w3 OUTPUT_FAILED");
        assertThat(deadLetters).filteredOn((record) -> TestKafka.utf8(record.value()).startsWith(HUGE))
            .singleElement()
            .satisfies((record) -> assertThat(TestKafka.utf8(record.headers().lastHeader("kafka_dlt-exception-message")
                .value())).contains("max.request.size"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            StreamView view = manager.stream(STREAM).orElseThrow();
            assertThat(view.state()).isEqualTo(StreamState.RUNNING);
            assertThat(view.deadLettered()).isEqualTo(2);
            assertThat(view.processed()).isEqualTo(sent.size());
            assertThat(view.tables().stream().mapToLong(TablePartitionView::written).sum()).isEqualTo(valid.size());
        });
        first.close();

        // The changelog holds the committed writes of the valid records, none for the poison: under exactly-once
        // the latest value of each key once per transaction (the updates of a key within one fold), so at least one
        // write per key and at most one per valid record.
        List<ConsumerRecord<byte[], byte[]>> changelog = TestKafka.readAll(scenario.changelog());
        assertThat(changelog).hasSizeBetween(totals.size(), valid.size());
        assertThat(scenario.changelogContents()).isEqualTo(totals);
        Map<Integer, Long> committedPerPartition = new TreeMap<>();
        changelog.forEach((record) -> committedPerPartition.merge(record.partition(), 1L, Long::sum));
        // Transaction markers take offsets too: the end offsets count more than the records.
        assertThat(sum(TestKafka.endOffsets(scenario.changelog()))).isGreaterThan(changelog.size());

        // Rebuilt from nothing, the table holds exactly the committed counts.
        StateDirectory.wipe(stateDir);
        ConfigurableApplicationContext second = start(scenario, stateDir);
        Map<Integer, TablePartitionView> restored = Scenario.awaitActive(second, 2);
        assertThat(restored).allSatisfy((partition, view) -> {
            assertThat(view.restoreStart()).isZero();
            assertThat(view.restored()).isEqualTo(committedPerPartition.getOrDefault(partition, 0L));
        });
        List<String> more = List.of("w0", "w1", "w2", "w3", "w4");
        scenario.send(more);
        more.forEach((word) -> totals.merge(word, 1L, Long::sum));
        assertThat(scenario.awaitOutputs(valid.size() + more.size())).isEqualTo(exactly(totals));
        second.close();
        assertThat(scenario.outputs()).isEqualTo(exactly(totals));
        assertThat(scenario.changelogContents()).isEqualTo(totals);
        assertThat(TestKafka.readAll(scenario.deadLetters())).hasSize(2);
    }

    @Test
    void anOutputAboveItsTopicsMaxMessageBytesIsDeadLetteredBeforeTheBrokerRefusesIt(@TempDir Path stateDir) {
        Scenario scenario = Scenario.create("eos-narrow", 2);
        // Below the producer's max.request.size (1 MB): only the broker would refuse a 30,000-byte record.
        TestKafka.createTopic(scenario.output(), 2, Map.of("max.message.bytes", "20000"));
        List<String> valid = words(3, 3);
        List<String> sent = new ArrayList<>(valid);
        sent.add(valid.size() / 2, BIG + "w1");
        Map<String, Long> totals = tally(valid);

        ConfigurableApplicationContext context = start(scenario, stateDir);
        StreamManager manager = context.getBean(StreamManager.class);
        scenario.send(sent);
        assertThat(scenario.awaitOutputs(valid.size())).isEqualTo(exactly(totals));
        List<ConsumerRecord<byte[], byte[]>> deadLetters = TestKafka.readUntil(scenario.deadLetters(),
                (records) -> !records.isEmpty(), Duration.ofSeconds(30));
        assertThat(deadLetters).singleElement()
            .satisfies((record) -> {
                assertThat(TestKafka.utf8(record.value())).isEqualTo(BIG + "w1");
                assertThat(TestKafka.header(record, "millrace_dlt-reason")).isEqualTo("OUTPUT_FAILED");
                assertThat(TestKafka.header(record, "kafka_dlt-exception-message"))
                    .contains("The output record for " + scenario.output())
                    .contains("the topic's max.message.bytes (20000)");
            });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            StreamView view = manager.stream(STREAM).orElseThrow();
            assertThat(view.state()).isEqualTo(StreamState.RUNNING);
            assertThat(view.deadLettered()).isEqualTo(1);
            assertThat(view.processed()).isEqualTo(sent.size());
        });
        context.close();
        assertThat(scenario.changelogContents()).isEqualTo(totals);
        assertThat(scenario.outputs()).isEqualTo(exactly(totals));
    }

    private ConfigurableApplicationContext start(Scenario scenario, Path stateDir) {
        ConfigurableApplicationContext context = scenario.start(stateDir, EXACTLY_ONCE);
        this.contexts.add(context);
        return context;
    }
}
