package io.millrace.streams.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.util.FileSystemUtils;

/**
 * A system that restores the table of the restore scenario from its changelog and then processes its input: from
 * an empty state directory (a full restore), or from the one its previous run left (a restart with a checkpoint).
 */
interface RestoreContender {

    String name();

    String description();

    /**
     * Starts the system; returns at once.
     * @param probe the run's clock, told of readiness and of the probe records the processor sees
     * @return the running system
     * @throws Exception if it cannot start
     */
    Running start(RestoreProbe probe) throws Exception;

    /** A running system. */
    interface Running extends AutoCloseable {

        /**
         * The changelog records the system says it restored, once ready.
         * @return the count
         */
        long restored();
    }

    /**
     * The state directory a full restore fills and the restart after it reuses.
     */
    final class StateDir {

        private final String prefix;

        private Path current;

        StateDir(String prefix) {
            this.prefix = prefix;
        }

        /** A new, empty directory; the previous one is deleted. */
        Path fresh() throws IOException {
            delete();
            this.current = Files.createTempDirectory(this.prefix);
            return this.current;
        }

        /** The directory the last full restore filled. */
        Path reuse() {
            if (this.current == null) {
                throw new IllegalStateException("A restart needs the full restore before it in the same round");
            }
            return this.current;
        }

        void delete() throws IOException {
            if (this.current != null) {
                FileSystemUtils.deleteRecursively(this.current);
                this.current = null;
            }
        }
    }
}
