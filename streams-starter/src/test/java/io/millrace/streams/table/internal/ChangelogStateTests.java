package io.millrace.streams.table.internal;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.millrace.streams.table.TablePartition.Role;
import io.millrace.streams.table.internal.store.InMemoryStore;

import static io.millrace.streams.table.TestTables.COUNTS;
import static io.millrace.streams.table.internal.ChangelogState.CAUGHT_UP;
import static io.millrace.streams.table.internal.ChangelogState.COMPLETED;
import static io.millrace.streams.table.internal.ChangelogState.REGISTERED;
import static io.millrace.streams.table.internal.ChangelogState.RESTORING;
import static io.millrace.streams.table.internal.ChangelogState.TAILING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link ChangelogState} and the transitions of a {@link ChangelogPartition}.
 */
class ChangelogStateTests {

    private static final Map<ChangelogState, Set<ChangelogState>> LEGAL = Map.of(
            REGISTERED, EnumSet.of(RESTORING),
            RESTORING, EnumSet.of(COMPLETED, REGISTERED),
            COMPLETED, EnumSet.noneOf(ChangelogState.class),
            TAILING, EnumSet.of(CAUGHT_UP),
            CAUGHT_UP, EnumSet.noneOf(ChangelogState.class));

    @Test
    void everyStateAllowsExactlyItsLegalTransitions() {
        assertThat(LEGAL).containsOnlyKeys(ChangelogState.values());
        for (ChangelogState from : ChangelogState.values()) {
            for (ChangelogState to : ChangelogState.values()) {
                assertThat(from.canMoveTo(to)).as("%s -> %s", from, to).isEqualTo(LEGAL.get(from).contains(to));
            }
        }
    }

    @Test
    void aRestoreNeverBecomesAStandbyNorTheOtherWayRound() {
        for (ChangelogState restore : EnumSet.of(REGISTERED, RESTORING, COMPLETED)) {
            for (ChangelogState standby : EnumSet.of(TAILING, CAUGHT_UP)) {
                assertThat(restore.canMoveTo(standby)).as("%s -> %s", restore, standby).isFalse();
                assertThat(standby.canMoveTo(restore)).as("%s -> %s", standby, restore).isFalse();
            }
        }
        assertThat(EnumSet.allOf(ChangelogState.class)).filteredOn(ChangelogState::isStandby)
            .containsExactly(TAILING, CAUGHT_UP);
    }

    @Test
    void onlyACompletedRestoreIsNoLongerRead() {
        assertThat(EnumSet.allOf(ChangelogState.class)).filteredOn((state) -> !state.reads())
            .containsExactly(COMPLETED);
    }

    @Test
    void aRestoreRunsToCompletionAndMakesThePartitionActive() {
        StoredTablePartition table = table(0);
        ChangelogPartition changelog = new ChangelogPartition(table, REGISTERED);
        changelog.startRestore(7);
        assertThat(changelog.state()).isEqualTo(RESTORING);
        assertThat(changelog.end()).isEqualTo(7);
        assertThat(table.view().restoreEnd()).isEqualTo(7);
        changelog.completeRestore();
        assertThat(changelog.state()).isEqualTo(COMPLETED);
        assertThat(table.role()).isEqualTo(Role.ACTIVE);
    }

    @Test
    void aRestartedRestoreForgetsItsEndOffset() {
        ChangelogPartition changelog = new ChangelogPartition(table(0), REGISTERED);
        changelog.startRestore(7);
        changelog.restartRestore();
        assertThat(changelog.state()).isEqualTo(REGISTERED);
        assertThat(changelog.end()).isEqualTo(-1);
    }

    @Test
    void anIllegalTransitionThrowsAndLeavesTheStateAlone() {
        ChangelogPartition changelog = new ChangelogPartition(table(0), TAILING);
        assertThatIllegalStateException().isThrownBy(() -> changelog.startRestore(5))
            .withMessage("app-counts-changelog-0 cannot move from TAILING to RESTORING");
        assertThat(changelog.state()).isEqualTo(TAILING);
        changelog.caughtUp();
        assertThatIllegalStateException().isThrownBy(changelog::caughtUp);
        ChangelogPartition restore = new ChangelogPartition(table(0), REGISTERED);
        assertThatIllegalStateException().isThrownBy(restore::completeRestore);
        assertThat(restore.partition().role()).isEqualTo(Role.RESTORING);
        restore.startRestore(0);
        restore.completeRestore();
        assertThatIllegalStateException().isThrownBy(restore::restartRestore);
    }

    @Test
    void aChangelogPartitionStartsRegisteredOrTailing() {
        for (ChangelogState state : EnumSet.of(RESTORING, COMPLETED, CAUGHT_UP)) {
            assertThatIllegalArgumentException().isThrownBy(() -> new ChangelogPartition(table(0), state));
        }
    }

    @Test
    void aPartitionIsReplacedOnlyBeforeItsRestoreBegins() {
        ChangelogPartition changelog = new ChangelogPartition(table(9), REGISTERED);
        StoredTablePartition fresh = table(0);
        changelog.replace(fresh);
        assertThat(changelog.partition()).isSameAs(fresh);
        changelog.startRestore(3);
        assertThatIllegalStateException().isThrownBy(() -> changelog.replace(table(0)));
    }

    private static StoredTablePartition table(long checkpoint) {
        return new StoredTablePartition(COUNTS, "app-counts-changelog", 0, new InMemoryStore(), checkpoint, false);
    }
}
