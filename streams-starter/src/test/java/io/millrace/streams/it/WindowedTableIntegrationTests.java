package io.millrace.streams.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import io.millrace.streams.it.WindowTestApplication.Scenario;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.table.TablePartition;
import io.millrace.streams.table.TablePartitionView;
import io.millrace.streams.table.internal.store.StateDirectory;
import io.millrace.streams.test.TestKafka;

import static io.millrace.streams.it.WindowTestApplication.STREAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Windowed tables against a real broker, each against a hand-computed expectation: one result per key and window
 * when the stream time of its partition passes the window's end plus grace, out-of-order records inside the grace
 * counted, late ones dead-lettered with reason {@code LATE}; under {@code exactly-once}, across a restart from a
 * checkpoint and a restore from nothing, every window goes out exactly once and closed windows stay closed.
 */
class WindowedTableIntegrationTests {

    private final List<ConfigurableApplicationContext> contexts = new java.util.ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void stop() {
        this.contexts.stream().filter(ConfigurableApplicationContext::isActive)
            .forEach(ConfigurableApplicationContext::close);
    }

    private ConfigurableApplicationContext start(Scenario scenario, Path stateDir, String... more) {
        ConfigurableApplicationContext context = scenario.start(stateDir, more);
        this.contexts.add(context);
        return context;
    }

    @Test
    void tumblingWindowsCloseOnceEachAcrossARestartAndAFullRestore(@TempDir Path stateDir) {
        Scenario scenario = Scenario.create("tumbling", 2);
        String[] exactlyOnce = { "--millrace.streams." + STREAM + ".guarantee=exactly-once" };

        ConfigurableApplicationContext first = start(scenario, stateDir, exactlyOnce);
        scenario.send(0, "a@1000", "a@3000", "b@9000", "a@12000", "b@14999", "a@8000", "a@15000", "b@9999");
        scenario.send(1, "c@500", "c@20000");
        assertThat(results(scenario, 3)).containsExactly("a[0,10000)=3", "b[0,10000)=1", "c[0,10000)=1");
        assertThat(lateWords(scenario, 1)).containsExactly("b");
        TablePartitionView.WindowsView windows = awaitWindows(first, 0, 15000L);
        assertThat(windows.late()).isEqualTo(1);
        assertThat(windows.lastClosedStart()).isZero();
        // [10000, 20000) holds a and b.
        assertThat(windows.open()).isEqualTo(2);
        first.close();

        // From the checkpoint: the stream times and closed windows come back with the store.
        ConfigurableApplicationContext second = start(scenario, stateDir, exactlyOnce);
        scenario.send(0, "d@16000", "a@30000");
        scenario.send(1, "c@35000");
        assertThat(results(scenario, 7)).containsExactly("a[0,10000)=3", "b[0,10000)=1", "c[0,10000)=1",
                "a[10000,20000)=2", "b[10000,20000)=1", "d[10000,20000)=1", "c[20000,30000)=1");
        second.close();

        // From nothing: the changelog alone brings them back.
        StateDirectory.wipe(stateDir);
        ConfigurableApplicationContext third = start(scenario, stateDir, exactlyOnce);
        // [10000, 20000) closed at stream time 25000: b is late, even after a restore from nothing.
        scenario.send(0, "b@19999", "a@45000");
        scenario.send(1, "c@50000");
        assertThat(results(scenario, 9)).containsExactly("a[0,10000)=3", "b[0,10000)=1", "c[0,10000)=1",
                "a[10000,20000)=2", "b[10000,20000)=1", "d[10000,20000)=1", "c[20000,30000)=1", "a[30000,40000)=1",
                "c[30000,40000)=1");
        assertThat(lateWords(scenario, 2)).containsExactly("b", "b");
        third.close();
        assertThat(TestKafka.readAll(scenario.output())).hasSize(9);
    }

    /**
     * Session windows (configured: gap 10 s over the declared grace of 5 s) under {@code exactly-once}: sessions
     * merge, close once each at last event time + 15 s, and a record within the gap of a closed session is late;
     * across a restart from the checkpoint (the index of recent sessions is rebuilt from the store: a record still
     * joins a session of the first run) and a restore from nothing (the merged sessions' deletes came back from the
     * changelog: no stale session closes).
     */
    @Test
    void sessionWindowsMergeAndCloseOnceEachAcrossARestartAndAFullRestore(@TempDir Path stateDir) {
        Scenario scenario = Scenario.create("sessions", 2);
        String[] sessions = { "--millrace.streams." + STREAM + ".guarantee=exactly-once",
                "--millrace.streams." + STREAM + ".tables." + WindowTestApplication.TABLE + ".window.gap=10s" };

        ConfigurableApplicationContext first = start(scenario, stateDir, sessions);
        // a@6000 bridges a[1000] and a[12000]; d@18000 closes b[3000]; b@9000 is within the gap of the closed b.
        scenario.send(0, "a@1000", "a@12000", "b@3000", "a@6000", "d@18000", "b@9000");
        scenario.send(1, "e@500", "e@20000");
        assertThat(results(scenario, 2)).containsExactly("e[500,501)=1", "b[3000,3001)=1");
        assertThat(lateWords(scenario, 1)).containsExactly("b");
        TablePartitionView.WindowsView windows = awaitWindows(first, 0, 18000L);
        // a[1000, 12000] and d[18000].
        assertThat(windows.open()).isEqualTo(2);
        assertThat(windows.lastClosedStart()).isEqualTo(3000L);
        first.close();

        // From the checkpoint: a@20000 joins a[1000, 12000] of the first run; e@30000 joins e[20000].
        ConfigurableApplicationContext second = start(scenario, stateDir, sessions);
        scenario.send(0, "a@20000", "d@40000");
        scenario.send(1, "e@30000");
        assertThat(results(scenario, 4)).containsExactly("e[500,501)=1", "a[1000,20001)=4", "b[3000,3001)=1",
                "d[18000,18001)=1");
        second.close();

        // From nothing: a@26000 is within the gap of the closed a[1000, 20000]: late; e[20000, 30000] closes alone.
        StateDirectory.wipe(stateDir);
        ConfigurableApplicationContext third = start(scenario, stateDir, sessions);
        scenario.send(0, "a@26000");
        scenario.send(1, "e@45001");
        assertThat(results(scenario, 5)).containsExactly("e[500,501)=1", "a[1000,20001)=4", "b[3000,3001)=1",
                "d[18000,18001)=1", "e[20000,30001)=2");
        assertThat(lateWords(scenario, 2)).containsExactly("b", "a");
        third.close();
        assertThat(TestKafka.readAll(scenario.output())).hasSize(5);
    }

    @Test
    void configurationTurnsTheDeclaredTumblingWindowsIntoHoppingOnes(@TempDir Path stateDir) {
        Scenario scenario = Scenario.create("hopping", 1);
        ConfigurableApplicationContext context = start(scenario, stateDir,
                "--millrace.streams." + STREAM + ".tables." + WindowTestApplication.TABLE + ".window.advance=5s");
        scenario.send(0, "a@7000", "a@12000", "a@40000");
        assertThat(results(scenario, 3)).containsExactly("a[0,10000)=1", "a[5000,15000)=2", "a[10000,20000)=1");
        context.close();
    }

    @Test
    void aLongRunWithShortRetentionKeepsAFewSegmentsAndARestoreSkipsTheExpiredWindows(@TempDir Path stateDir) {
        Scenario scenario = Scenario.create("expiry", 1);
        String table = "--millrace.streams." + STREAM + ".tables." + WindowTestApplication.TABLE + ".window.";
        String[] shortWindows = { table + "size=1s", table + "grace=0s", table + "retention=2s" };
        ConfigurableApplicationContext first = start(scenario, stateDir, shortWindows);
        // 200 s of event time, 50 keys, a record every 10 ms: 200 windows of 50 keys each.
        String[] words = new String[20_000];
        for (int i = 0; i < words.length; i++) {
            words[i] = "k" + (i % 50) + "@" + (i * 10L);
        }
        scenario.send(0, words);
        long last = (words.length - 1) * 10L;
        // Finished writes reach RocksDB with the checkpoint (at most a second apart under at-least-once), so the
        // segments show once one came after the run. Half the retention per segment: the live windows span three
        // segments at most.
        TablePartitionView.WindowsView running = awaitWindowsUntil(first, 0,
                (windows) -> windows.streamTime() != null && windows.streamTime() == last && windows.segments() > 0);
        assertThat(running.segments()).isBetween(1, 3);
        assertThat(running.closed()).isGreaterThanOrEqualTo(199 * 50);
        first.close();

        StateDirectory.wipe(stateDir);
        ConfigurableApplicationContext second = start(scenario, stateDir, shortWindows);
        // The stream time comes back as of the last closing (the metadata entry is written when windows close).
        awaitWindows(second, 0, 199_000L);
        TablePartitionView restored = second.getBean(StreamManager.class).stream(STREAM).orElseThrow().tables().get(0);
        // Every changelog record was read again (at least the last value of every key and window: the changelog gets
        // a key's latest value once per commit), but windows older than the retention were not kept.
        assertThat(restored.restored()).isGreaterThanOrEqualTo(199 * 50);
        assertThat(restored.windows().segments()).isBetween(1, 3);
        // At least once, the closed mark stays one closing behind: the last two windows count as open.
        assertThat(restored.windows().open()).isLessThanOrEqualTo(100);
        assertThat(restored.windows().diskBytes()).isLessThan(10L * 1024 * 1024);
        second.close();
    }

    /**
     * {@code idle-after}: the last windows of partitions that get no further record close on the wall clock, with
     * their exact counts and once each, under either guarantee. The records' timestamps are 20 to 30 s old, so the
     * clock passed their windows' end plus grace; without idle-after nothing would ever close them.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = { "exactly-once", "at-least-once" })
    void theLastWindowsOfQuietPartitionsCloseWithoutAFurtherRecord(String guarantee, @TempDir Path stateDir) {
        Scenario scenario = Scenario.create("idle-" + guarantee, 2);
        ConfigurableApplicationContext context = start(scenario, stateDir,
                "--millrace.streams." + STREAM + ".guarantee=" + guarantee,
                "--millrace.streams." + STREAM + ".tables." + WindowTestApplication.TABLE + ".window.idle-after=2s");
        long start = Math.floorDiv(System.currentTimeMillis(), 10_000L) * 10_000L - 20_000L;
        long end = start + 10_000L;
        scenario.send(0, "a@" + (start + 1000), "a@" + (start + 2000), "b@" + (start + 3000));
        scenario.send(1, "c@" + (start + 4000));
        assertThat(results(scenario, 3)).containsExactly("a[" + start + "," + end + ")=2",
                "b[" + start + "," + end + ")=1", "c[" + start + "," + end + ")=1");
        // The stream time follows the clock; nothing more closes, nothing goes out twice.
        long now = System.currentTimeMillis();
        TablePartitionView.WindowsView windows = awaitWindows(context, 0, (streamTime) -> streamTime >= now);
        assertThat(windows.lastClosedStart()).isGreaterThanOrEqualTo(start);
        assertThat(windows.open()).isZero();
        assertThat(windows.closed()).isEqualTo(2);
        context.close();
        assertThat(TestKafka.readAll(scenario.output())).hasSize(3);
    }

    private static List<String> results(Scenario scenario, int count) {
        List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readUntil(scenario.output(),
                (all) -> all.size() >= count, Duration.ofSeconds(60));
        records.forEach((record) -> assertThat(TestKafka.utf8(record.value()))
            .startsWith(TestKafka.utf8(record.key()) + "["));
        return records.stream()
            .sorted(java.util.Comparator.comparing((ConsumerRecord<byte[], byte[]> record) -> window(record))
                .thenComparing((record) -> TestKafka.utf8(record.key())))
            .map((record) -> TestKafka.utf8(record.value()))
            .toList();
    }

    private static long window(ConsumerRecord<byte[], byte[]> record) {
        String value = TestKafka.utf8(record.value());
        return Long.parseLong(value.substring(value.indexOf('[') + 1, value.indexOf(',')));
    }

    private static List<String> lateWords(Scenario scenario, int count) {
        List<ConsumerRecord<byte[], byte[]>> late = TestKafka.readUntil(scenario.deadLetters(),
                (all) -> all.size() >= count, Duration.ofSeconds(60));
        assertThat(late).allSatisfy((record) -> assertThat(TestKafka.header(record, DeadLetters.REASON))
            .isEqualTo("LATE"));
        return late.stream().map((record) -> TestKafka.utf8(record.value())).toList();
    }

    private static TablePartitionView.WindowsView awaitWindows(ConfigurableApplicationContext context, int partition,
            long streamTime) {
        return awaitWindows(context, partition, (time) -> time == streamTime);
    }

    private static TablePartitionView.WindowsView awaitWindows(ConfigurableApplicationContext context, int partition,
            java.util.function.LongPredicate streamTime) {
        return awaitWindowsUntil(context, partition,
                (windows) -> windows.streamTime() != null && streamTime.test(windows.streamTime()));
    }

    private static TablePartitionView.WindowsView awaitWindowsUntil(ConfigurableApplicationContext context,
            int partition, java.util.function.Predicate<TablePartitionView.WindowsView> until) {
        StreamManager manager = context.getBean(StreamManager.class);
        TablePartitionView.WindowsView[] found = new TablePartitionView.WindowsView[1];
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            StreamView stream = manager.stream(STREAM).orElseThrow();
            TablePartitionView view = stream.tables().stream()
                .filter((table) -> table.partition() == partition && table.role() == TablePartition.Role.ACTIVE)
                .findFirst().orElse(null);
            assertThat(view).as("active partition " + partition).isNotNull();
            assertThat(view.windows()).matches(until);
            found[0] = view.windows();
        });
        return found[0];
    }
}
