package io.millrace.streams.standby;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.table.StreamTable;
import io.millrace.streams.table.TableListener;
import io.millrace.streams.table.TablePartition;
import io.millrace.streams.table.TablePartitionView;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Standby replicas against a real broker: with one standby, each of two instances keeps a warm copy of the other's
 * table partitions, so when one stops the survivor restores only what was written since its copy last caught up,
 * and every count stays exact.
 */
class StandbyReplicasIntegrationTests {

    private static final String INPUT = "standby-in";

    private static final String OUTPUT = "standby-out";

    private static final String CHANGELOG = "standby-test-standby-tally-changelog";

    private static final int KEYS = 40;

    @TempDir
    Path first;

    @TempDir
    Path second;

    private ConfigurableApplicationContext one;

    private ConfigurableApplicationContext two;

    @AfterEach
    void stop() {
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { this.one, this.two }) {
            if (context != null && context.isActive()) {
                context.close();
            }
        }
    }

    @Test
    void afterAFailoverTheSurvivorRestoresOnlyWhatItsStandbyHadNotYetCaughtUpWith() {
        TestKafka.createTopic(INPUT, 2);
        this.one = start(this.first);
        this.two = start(this.second);
        StreamManager managerOne = this.one.getBean(StreamManager.class);
        StreamManager managerTwo = this.two.getBean(StreamManager.class);

        // Both instances own one partition each and keep a standby of the other's.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(roles(managerOne)).containsExactlyInAnyOrder(TablePartition.Role.ACTIVE,
                    TablePartition.Role.STANDBY);
            assertThat(roles(managerTwo)).containsExactlyInAnyOrder(TablePartition.Role.ACTIVE,
                    TablePartition.Role.STANDBY);
        });
        send(0, 2000);
        await().atMost(Duration.ofSeconds(60)).until(() -> processed(managerOne) + processed(managerTwo) == 2000);

        // The standbys of the second instance caught up with the changelog the first one writes.
        Map<Integer, Long> ends = TestKafka.endOffsets(CHANGELOG);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(standbys(managerTwo)).allSatisfy(
                (standby) -> assertThat(standby.changelogPosition()).isEqualTo(ends.get(standby.partition()))));
        List<TablePartitionView> warm = standbys(managerTwo);
        assertThat(warm).hasSize(1);
        int moved = warm.get(0).partition();

        Events events = this.two.getBean(Events.class);
        int activePartition = 1 - moved;
        // The partition it kept became active in one of its assignments: alone, or with the other one if this instance
        // joined first and owned both for a while.
        assertThat(events.heard).contains("standbys tally [" + moved + "]")
            .containsAnyOf("actives tally [" + activePartition + "]", "actives tally [0, 1]");
        this.one.close();
        send(2000, 2400);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            TablePartitionView taken = table(managerTwo, moved);
            assertThat(taken.role()).isEqualTo(TablePartition.Role.ACTIVE);
            // Everything the first instance wrote was already in the standby: nothing to restore.
            assertThat(taken.restored()).isZero();
            assertThat(taken.restoreStart()).isEqualTo(ends.get(moved));
            assertThat(events.heard).contains("rebalance tally assigned=[0, 1] newly=[" + moved + "]",
                    "actives tally [" + moved + "]");
        });

        Map<String, Long> last = new HashMap<>();
        TestKafka.readUntil(OUTPUT, (records) -> {
            last.clear();
            records.forEach((record) -> put(last, record));
            return last.values().stream().mapToLong(Long::longValue).sum() == expectedTotal(2400);
        }, Duration.ofSeconds(60));
        assertThat(last).hasSize(KEYS).allSatisfy((key, count) -> assertThat(count).isEqualTo(2400 / KEYS));
    }

    private static long expectedTotal(int records) {
        return (long) KEYS * (records / KEYS);
    }

    private static void put(Map<String, Long> last, ConsumerRecord<byte[], byte[]> record) {
        String[] keyCount = TestKafka.utf8(record.value()).split("=");
        last.merge(keyCount[0], Long.parseLong(keyCount[1]), Math::max);
    }

    private static ConfigurableApplicationContext start(Path stateDir) {
        return new SpringApplicationBuilder(StandbyApplication.class).web(WebApplicationType.NONE).run(
                "--spring.kafka.bootstrap-servers=" + TestKafka.brokers(), "--millrace.application-id=standby-test",
                "--millrace.state-dir=" + stateDir, "--millrace.tables.standby-replicas=1",
                "--millrace.streams.tally.commit.interval=100ms");
    }

    private static void send(int from, int to) {
        TestKafka.send(INPUT, IntStream.range(from, to).mapToObj((i) -> {
            String key = "key-" + (i % KEYS);
            return new String[] { key, key };
        }).toList());
    }

    private static long processed(StreamManager manager) {
        return manager.stream("tally").map(StreamView::processed).orElse(0L);
    }

    private static List<TablePartition.Role> roles(StreamManager manager) {
        return manager.stream("tally").orElseThrow().tables().stream().map(TablePartitionView::role).toList();
    }

    private static List<TablePartitionView> standbys(StreamManager manager) {
        return manager.stream("tally").orElseThrow().tables().stream()
            .filter((table) -> table.role() == TablePartition.Role.STANDBY).toList();
    }

    private static TablePartitionView table(StreamManager manager, int partition) {
        return manager.stream("tally").orElseThrow().tables().stream()
            .filter((table) -> table.partition() == partition).findFirst().orElseThrow();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({ Tally.class, TallyOut.class, Events.class })
    static class StandbyApplication {
    }

    /** What the table callbacks told one instance, in order. */
    static class Events implements TableListener {

        final List<String> heard = new CopyOnWriteArrayList<>();

        @Override
        public void onRebalance(String stream, Set<Integer> assigned, Set<Integer> revoked,
                Set<Integer> newlyAssigned) {
            this.heard.add("rebalance " + stream + " assigned=" + new TreeSet<>(assigned) + " newly="
                    + new TreeSet<>(newlyAssigned));
        }

        @Override
        public void onActivesReady(String stream, Set<Integer> partitions) {
            this.heard.add("actives " + stream + " " + new TreeSet<>(partitions));
        }

        @Override
        public void onStandbysReady(String stream, Set<Integer> partitions) {
            this.heard.add("standbys " + stream + " " + new TreeSet<>(partitions));
        }
    }

    /** Counts each key in the table {@code standby-tally}. */
    @StreamProcessor(stream = "tally", input = INPUT)
    @StreamTable(name = "standby-tally", key = String.class, value = Long.class)
    static class Tally implements InputProcessor<String, String> {

        @Override
        public String ingest(String key, StreamContext context) {
            return key + "=" + context.<String, Long>table("standby-tally").merge(key, 1L, Long::sum);
        }
    }

    /** Publishes every count. */
    @StreamProcessor(stream = "tally", output = OUTPUT)
    static class TallyOut implements OutputProcessor<String, String> {

        @Override
        public String transform(String count) {
            return count;
        }
    }
}
