package io.millrace.streams.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import io.millrace.streams.it.TableTestApplication.Scenario;
import io.millrace.streams.table.TablePartitionView;
import io.millrace.streams.table.internal.store.Checkpoint;
import io.millrace.streams.table.internal.store.StateDirectory;
import io.millrace.streams.test.TestKafka;

import static io.millrace.streams.it.TableTestApplication.STREAM;
import static io.millrace.streams.it.TableTestApplication.TABLE;
import static io.millrace.streams.it.TableTestApplication.exactly;
import static io.millrace.streams.it.TableTestApplication.sum;
import static io.millrace.streams.it.TableTestApplication.tally;
import static io.millrace.streams.it.TableTestApplication.words;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A RocksDB table restored from its changelog against a real broker: from nothing when the local state is gone, and
 * only the changelog's tail when the local store has a checkpoint.
 */
class TableRestoreIntegrationTests {

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @AfterEach
    void stop() {
        this.contexts.stream().filter(ConfigurableApplicationContext::isActive)
            .forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void wipingTheLocalStateRebuildsTheSameTableFromTheChangelog(@TempDir Path stateDir) {
        Scenario scenario = Scenario.create("wipe", 2);
        List<String> sent = words(6, 5);
        ConfigurableApplicationContext first = start(scenario, stateDir);
        scenario.send(sent);
        Map<String, Long> totals = tally(sent);
        assertThat(scenario.awaitOutputs(sent.size())).isEqualTo(exactly(totals));
        first.close();

        // The latest value of each key once per commit (at least one record per key, at most one per counted
        // record), each partition checkpointed at its end on the way down.
        Map<Integer, Long> ends = TestKafka.endOffsets(scenario.changelog());
        assertThat(sum(ends)).isBetween((long) totals.size(), (long) sent.size());
        assertThat(scenario.changelogContents()).isEqualTo(totals);
        for (int partition = 0; partition < 2; partition++) {
            assertThat(Checkpoint.read(partitionDir(stateDir, partition))).hasValue(ends.get(partition));
        }

        StateDirectory.wipe(stateDir);
        ConfigurableApplicationContext second = start(scenario, stateDir);
        Map<Integer, TablePartitionView> restored = Scenario.awaitActive(second, 2);
        assertThat(restored).allSatisfy((partition, view) -> {
            assertThat(view.restoreStart()).isZero();
            assertThat(view.restoreEnd()).isEqualTo(ends.get(partition));
            assertThat(view.restored()).isEqualTo(ends.get(partition));
            assertThat(view.changelogPosition()).isEqualTo(ends.get(partition));
        });

        // The rebuilt table counts on from where the first instance left off.
        List<String> more = words(6, 1).subList(0, 6);
        scenario.send(more);
        Map<String, Long> after = new TreeMap<>(totals);
        more.forEach((word) -> after.merge(word, 1L, Long::sum));
        assertThat(scenario.awaitOutputs(sent.size() + more.size())).isEqualTo(exactly(after));
        second.close();
        assertThat(scenario.outputs()).isEqualTo(exactly(after));
    }

    @Test
    void aRestartFromACheckpointRestoresOnlyWhatAnotherInstanceWroteSince(@TempDir Path mine,
            @TempDir Path theirs) {
        Scenario scenario = Scenario.create("tail", 2);
        List<String> firstWords = words(5, 4);
        List<String> secondWords = words(5, 2);
        Map<String, Long> totals = tally(firstWords);

        ConfigurableApplicationContext first = start(scenario, mine);
        scenario.send(firstWords);
        assertThat(scenario.awaitOutputs(firstWords.size())).isEqualTo(exactly(totals));
        first.close();
        Map<Integer, Long> before = TestKafka.endOffsets(scenario.changelog());
        assertThat(sum(before)).isBetween((long) totals.size(), (long) firstWords.size());

        // Another instance, same group, fresh state: restores everything, then counts on.
        ConfigurableApplicationContext other = start(scenario, theirs);
        assertThat(Scenario.awaitActive(other, 2)).allSatisfy((partition, view) -> {
            assertThat(view.restoreStart()).isZero();
            assertThat(view.restored()).isEqualTo(before.get(partition));
        });
        scenario.send(secondWords);
        secondWords.forEach((word) -> totals.merge(word, 1L, Long::sum));
        assertThat(scenario.awaitOutputs(firstWords.size() + secondWords.size())).isEqualTo(exactly(totals));
        other.close();
        Map<Integer, Long> after = TestKafka.endOffsets(scenario.changelog());
        long secondWrites = sum(after) - sum(before);
        assertThat(secondWrites).isBetween(1L, (long) secondWords.size());

        // Back on the first state directory: only the other instance's writes are read.
        ConfigurableApplicationContext again = start(scenario, mine);
        Map<Integer, TablePartitionView> restored = Scenario.awaitActive(again, 2);
        assertThat(restored).allSatisfy((partition, view) -> {
            assertThat(view.restoreStart()).isEqualTo(before.get(partition));
            assertThat(view.restoreEnd()).isEqualTo(after.get(partition));
            assertThat(view.restored()).isEqualTo(after.get(partition) - before.get(partition));
        });
        assertThat(restored.values().stream().mapToLong(TablePartitionView::restored).sum())
            .isEqualTo(secondWrites);

        List<String> last = words(5, 1).subList(0, 5);
        scenario.send(last);
        last.forEach((word) -> totals.merge(word, 1L, Long::sum));
        int all = firstWords.size() + secondWords.size() + last.size();
        assertThat(scenario.awaitOutputs(all)).isEqualTo(exactly(totals));
        again.close();

        // A clean stop leaves nothing to restore.
        ConfigurableApplicationContext idle = start(scenario, mine);
        assertThat(Scenario.awaitActive(idle, 2)).allSatisfy((partition, view) -> {
            assertThat(view.restored()).isZero();
            assertThat(view.restoreStart()).isEqualTo(view.restoreEnd());
        });
        idle.close();
        assertThat(scenario.outputs()).isEqualTo(exactly(totals));
    }

    private ConfigurableApplicationContext start(Scenario scenario, Path stateDir) {
        ConfigurableApplicationContext context = scenario.start(stateDir);
        this.contexts.add(context);
        return context;
    }

    static Path partitionDir(Path stateDir, int partition) {
        return stateDir.resolve(STREAM).resolve(TABLE).resolve(Integer.toString(partition));
    }
}
