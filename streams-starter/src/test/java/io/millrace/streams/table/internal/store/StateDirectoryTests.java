package io.millrace.streams.table.internal.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link StateDirectory}: its lock against other instances, its process id, its layout.
 */
class StateDirectoryTests {

    @TempDir
    Path tempDir;

    private Path root() {
        return this.tempDir.resolve("state");
    }

    @Test
    void createsAndLocksTheRoot() {
        try (StateDirectory directory = new StateDirectory(root())) {
            assertThat(directory.root()).isEqualTo(root());
            assertThat(root().resolve(".lock")).exists();
        }
    }

    @Test
    void aSecondInstanceInThisJvmIsRefusedUntilTheFirstCloses() {
        StateDirectory first = new StateDirectory(root());
        assertThatIllegalStateException().isThrownBy(() -> new StateDirectory(root()))
            .withMessage("State directory " + root()
                    + " is in use by another process; give each instance its own millrace.state-dir");
        first.close();
        first.close();
        new StateDirectory(root()).close();
    }

    @Test
    void anInstanceInAnotherProcessIsRefusedUntilItExits() throws Exception {
        Process child = StoreProcess.start("locked", "hold-lock", root().toString());
        try {
            assertThatIllegalStateException().isThrownBy(() -> new StateDirectory(root()))
                .withMessageContaining("in use by another process");
        }
        finally {
            child.getOutputStream().close();
            assertThat(StoreProcess.waitFor(child)).isZero();
        }
        new StateDirectory(root()).close();
    }

    @Test
    void theProcessIdIsAUuidThatOutlivesTheInstance() {
        String id;
        try (StateDirectory directory = new StateDirectory(root())) {
            id = directory.processId();
            assertThat(directory.processId()).isEqualTo(id);
        }
        assertThat(UUID.fromString(id)).hasToString(id);
        try (StateDirectory directory = new StateDirectory(root())) {
            assertThat(directory.processId()).isEqualTo(id);
        }
        try (StateDirectory directory = new StateDirectory(this.tempDir.resolve("elsewhere"))) {
            assertThat(directory.processId()).isNotEqualTo(id);
        }
    }

    @Test
    void aDamagedProcessIdIsReplacedByANewOne() throws IOException {
        Files.createDirectories(root());
        Files.writeString(root().resolve("process-id"), "not a uuid");
        try (StateDirectory directory = new StateDirectory(root())) {
            String id = directory.processId();
            assertThat(UUID.fromString(id)).hasToString(id);
            assertThat(Files.readString(root().resolve("process-id")).trim()).isEqualTo(id);
        }
    }

    @Test
    void aTablePartitionHasItsOwnDirectory() {
        try (StateDirectory directory = new StateDirectory(root())) {
            Path dir = directory.tableDir("orders", "totals", 3);
            assertThat(dir).isEqualTo(root().resolve("orders").resolve("totals").resolve("3")).isDirectory();
            assertThat(directory.tableDir("orders", "totals", 3)).isEqualTo(dir);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "", ".", "..", "a/b", "a\\b" })
    void namesThatWouldLeaveTheirDirectoryAreRejected(String name) {
        try (StateDirectory directory = new StateDirectory(root())) {
            assertThatIllegalArgumentException().isThrownBy(() -> directory.tableDir(name, "t", 0));
            assertThatIllegalArgumentException().isThrownBy(() -> directory.tableDir("s", name, 0));
        }
    }

    @Test
    void aNegativePartitionIsRejected() {
        try (StateDirectory directory = new StateDirectory(root())) {
            assertThatIllegalArgumentException().isThrownBy(() -> directory.tableDir("s", "t", -1));
        }
    }

    @Test
    void wipeDeletesADirectoryTreeAndIgnoresAMissingOne() throws IOException {
        Path dir = this.tempDir.resolve("wiped");
        Files.createDirectories(dir.resolve("a").resolve("b"));
        Files.writeString(dir.resolve("a").resolve("b").resolve("file"), "x");
        Files.writeString(dir.resolve("top"), "y");
        StateDirectory.wipe(dir);
        assertThat(dir).doesNotExist();
        StateDirectory.wipe(dir);
    }

    @Test
    void wipeDeletesALinkButNotWhatItPointsTo() throws IOException {
        Path kept = Files.createDirectories(this.tempDir.resolve("kept"));
        Files.writeString(kept.resolve("file"), "x");
        Path dir = Files.createDirectories(this.tempDir.resolve("wiped"));
        Files.createSymbolicLink(dir.resolve("link"), kept);
        StateDirectory.wipe(dir);
        assertThat(dir).doesNotExist();
        assertThat(kept.resolve("file")).exists();
    }
}
