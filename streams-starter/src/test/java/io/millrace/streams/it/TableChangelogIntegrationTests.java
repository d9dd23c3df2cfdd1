package io.millrace.streams.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import io.millrace.streams.it.TableTestApplication.Scenario;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamState;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.table.TablePartitionView;
import io.millrace.streams.table.internal.TableManager;
import io.millrace.streams.table.internal.store.Checkpoint;
import io.millrace.streams.test.TestKafka;

import static io.millrace.streams.it.TableRestoreIntegrationTests.partitionDir;
import static io.millrace.streams.it.TableTestApplication.STREAM;
import static io.millrace.streams.it.TableTestApplication.exactly;
import static io.millrace.streams.it.TableTestApplication.sum;
import static io.millrace.streams.it.TableTestApplication.tally;
import static io.millrace.streams.it.TableTestApplication.words;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A table whose local state does not fit its changelog: a checkpoint beyond the changelog's end is distrusted and the
 * store rebuilt, and a changelog with the wrong partition count stops the stream before it processes anything. A
 * changelog the application creates is compacted.
 */
class TableChangelogIntegrationTests {

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @AfterEach
    void stop() {
        this.contexts.stream().filter(ConfigurableApplicationContext::isActive)
            .forEach(ConfigurableApplicationContext::close);
        tableManagerLogger().detachAppender(this.logged);
    }

    @Test
    void aCheckpointBeyondTheChangelogsEndIsLoggedAndTheStoreWipedAndFullyRestored(@TempDir Path stateDir) {
        Scenario scenario = Scenario.create("beyond", 2);
        List<String> sent = words(5, 3);
        Map<String, Long> totals = tally(sent);
        ConfigurableApplicationContext first = start(scenario, stateDir, List.of());
        scenario.send(sent);
        assertThat(scenario.awaitOutputs(sent.size())).isEqualTo(exactly(totals));
        first.close();
        Map<Integer, Long> ends = TestKafka.endOffsets(scenario.changelog());
        // The latest value of each key once per commit: at least one record per key, at most one per input record.
        assertThat(sum(ends)).isBetween((long) totals.size(), (long) sent.size());
        assertThat(ends.get(0)).isPositive();
        assertThat(Checkpoint.read(partitionDir(stateDir, 0))).hasValue(ends.get(0));

        // As if the changelog had been recreated under the store: the checkpoint now lies past its end.
        Checkpoint.write(partitionDir(stateDir, 0), 1_000_000);
        ConfigurableApplicationContext second = start(scenario, stateDir, List.of(captureLogs(this.logged)));
        Map<Integer, TablePartitionView> restored = Scenario.awaitActive(second, 2);
        assertThat(restored.get(0)).satisfies((view) -> {
            assertThat(view.restoreStart()).isZero();
            assertThat(view.restoreEnd()).isEqualTo(ends.get(0));
            assertThat(view.restored()).isEqualTo(ends.get(0));
            assertThat(view.changelogPosition()).isEqualTo(ends.get(0));
        });
        assertThat(restored.get(1)).satisfies((view) -> {
            assertThat(view.restoreStart()).isEqualTo(ends.get(1));
            assertThat(view.restored()).isZero();
        });
        assertThat(this.logged.list).filteredOn((event) -> event.getLevel() == Level.WARN)
            .extracting(ILoggingEvent::getFormattedMessage)
            .singleElement()
            .satisfies((message) -> assertThat(message).contains("Checkpoint 1000000")
                .contains(scenario.changelog() + "-0")
                .contains("beyond the changelog's end " + ends.get(0))
                .contains("wiping the store"));

        // The rebuilt partition counts on exactly.
        List<String> more = List.of("w0", "w1", "w2", "w3", "w4");
        scenario.send(more);
        more.forEach((word) -> totals.merge(word, 1L, Long::sum));
        assertThat(scenario.awaitOutputs(sent.size() + more.size())).isEqualTo(exactly(totals));
        second.close();
        Map<Integer, Long> after = TestKafka.endOffsets(scenario.changelog());
        assertThat(Checkpoint.read(partitionDir(stateDir, 0))).hasValue(after.get(0));
        assertThat(Checkpoint.read(partitionDir(stateDir, 1))).hasValue(after.get(1));
        assertThat(scenario.outputs()).isEqualTo(exactly(totals));
    }

    @Test
    void aChangelogWithAnotherPartitionCountThanTheInputFailsTheStreamNamingBoth(@TempDir Path stateDir) {
        Scenario scenario = Scenario.create("mismatch", 2);
        TestKafka.createTopic(scenario.changelog(), 1);
        scenario.send(List.of("w0", "w1"));
        ConfigurableApplicationContext context = start(scenario, stateDir, List.of());
        StreamManager manager = context.getBean(StreamManager.class);
        await().atMost(Duration.ofSeconds(30))
            .until(() -> manager.stream(STREAM).map(StreamView::state).orElseThrow() == StreamState.FAILED);
        StreamView view = manager.stream(STREAM).orElseThrow();
        assertThat(view.error()).contains("changelog topic '" + scenario.changelog() + "' has 1 partitions")
            .contains("input topic '" + scenario.input() + "' has 2");
        assertThat(view.processed()).isZero();
        assertThat(view.tables()).isEmpty();
        assertThat(TestKafka.partitions(scenario.changelog())).isEqualTo(1);
        assertThat(TestKafka.committed(scenario.application() + "-" + STREAM)).isZero();
    }

    @Test
    void theChangelogIsCreatedCompactedWithTheInputsPartitions(@TempDir Path stateDir) throws Exception {
        Scenario scenario = Scenario.create("compacted", 2);
        ConfigurableApplicationContext context = start(scenario, stateDir, List.of());
        Scenario.awaitActive(context, 2);
        assertThat(TestKafka.partitions(scenario.changelog())).isEqualTo(2);
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, scenario.changelog());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.brokers()))) {
            Config config = admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic);
            ConfigEntry cleanupPolicy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            assertThat(cleanupPolicy.value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
            // Set on the topic, not inherited from a broker default.
            assertThat(cleanupPolicy.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        }
    }

    private ConfigurableApplicationContext start(Scenario scenario, Path stateDir,
            List<ApplicationListener<?>> listeners) {
        ConfigurableApplicationContext context = scenario.start(stateDir, listeners);
        this.contexts.add(context);
        return context;
    }

    /** Attaches the appender to the table manager's logger once Boot has set logging up. */
    private static ApplicationListener<ApplicationPreparedEvent> captureLogs(ListAppender<ILoggingEvent> appender) {
        return (event) -> {
            appender.start();
            tableManagerLogger().addAppender(appender);
        };
    }

    private static Logger tableManagerLogger() {
        return (Logger) LoggerFactory.getLogger(TableManager.class);
    }
}
