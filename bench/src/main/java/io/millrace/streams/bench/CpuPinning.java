package io.millrace.streams.bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Keeps the broker and the contenders off each other's cores with {@code taskset}: the broker's JVM starts on the
 * broker CPUs, and this JVM, where every contender runs (one at a time), moves to the contender CPUs. Unpinned, the
 * scheduler moves the broker's and the contender's threads between the cores from one moment to the next, which
 * spread the rounds wider than the gaps to measure.
 *
 * <p>With {@code --pin=auto} (the default) a machine without {@code taskset}, or where it fails, runs unpinned and
 * the report says why; {@code --pin=on} refuses to run unpinned.
 */
final class CpuPinning {

    private final String taskset;

    private final String brokerCpus;

    private final String contenderCpus;

    private final String unpinnedBecause;

    /** This JVM's CPUs as {@code /proc} lists them right after pinning, to check its threads against later. */
    private final String allowed;

    private CpuPinning(String taskset, String brokerCpus, String contenderCpus, String unpinnedBecause,
            String allowed) {
        this.taskset = taskset;
        this.brokerCpus = brokerCpus;
        this.contenderCpus = contenderCpus;
        this.unpinnedBecause = unpinnedBecause;
        this.allowed = allowed;
    }

    /**
     * Pins this JVM to the contender CPUs if the settings ask for it and the machine allows it.
     * @param settings the settings: {@code pin}, {@code broker-cpus}, {@code contender-cpus}, {@code broker}
     * @param log where to say what was done
     * @return the pinning, to start the broker with
     * @throws IllegalStateException if {@code --pin=on} and pinning is not possible
     */
    static CpuPinning apply(BenchSettings settings, PrintStream log) {
        if ("off".equals(settings.pin())) {
            return unpinned("--pin=off");
        }
        if (!settings.forkBroker()) {
            return refuse(settings, log, "the broker runs in the harness JVM (--broker=in-process)");
        }
        Optional<Path> taskset = onPath("taskset");
        if (taskset.isEmpty()) {
            return refuse(settings, log, "taskset was not found on the PATH (it is in util-linux)");
        }
        String command = taskset.get().toString();
        // Try the broker's CPUs before moving this JVM, so that a failure leaves nothing half pinned.
        String failure = run(command, "-c", settings.brokerCpus(), "true");
        if (failure == null) {
            // -a: every thread there is now; threads started later inherit the CPUs of the thread starting them.
            failure = run(command, "-a", "-p", "-c", settings.contenderCpus(),
                    Long.toString(ProcessHandle.current().pid()));
        }
        if (failure != null) {
            return refuse(settings, log, "taskset failed: " + failure);
        }
        String allowed = cpusAllowed(Path.of("/proc/self/status"));
        log.printf("Pinned: broker on CPU(s) %s, this JVM (the contenders) on CPU(s) %s%n", settings.brokerCpus(),
                allowed);
        return new CpuPinning(command, settings.brokerCpus(), settings.contenderCpus(), null, allowed);
    }

    private static CpuPinning unpinned(String because) {
        return new CpuPinning(null, null, null, because, null);
    }

    private static CpuPinning refuse(BenchSettings settings, PrintStream log, String because) {
        if ("on".equals(settings.pin())) {
            throw new IllegalStateException("Cannot pin (--pin=on): " + because);
        }
        log.printf("Not pinning to CPUs: %s%n", because);
        return unpinned(because);
    }

    /**
     * Whether the broker and this JVM are on CPUs of their own.
     * @return whether they are
     */
    boolean pinned() {
        return this.unpinnedBecause == null;
    }

    /**
     * What to put before the broker's {@code java} command.
     * @return {@code taskset -c <broker CPUs>}, or nothing unpinned
     */
    List<String> brokerLauncher() {
        return pinned() ? List.of(this.taskset, "-c", this.brokerCpus) : List.of();
    }

    /**
     * For the report: where things ran, and whether every thread of this JVM is still where it was put (a thread
     * elsewhere would mean a contender escaped the pinning).
     * @return the description
     */
    String describe() {
        if (!pinned()) {
            return "not pinned to CPUs: " + this.unpinnedBecause;
        }
        int threads = 0;
        int elsewhere = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String cpus = cpusAllowed(task.resolve("status"));
                if (cpus != null) {
                    threads++;
                    elsewhere += cpus.equals(this.allowed) ? 0 : 1;
                }
            }
        }
        catch (IOException ex) {
            return String.format("broker JVM on CPU(s) %s, harness JVM (every contender) on CPU(s) %s (taskset); "
                    + "its threads could not be checked: %s", this.brokerCpus, this.allowed, ex);
        }
        return String.format("broker JVM on CPU(s) %s, harness JVM (every contender) on CPU(s) %s (taskset); at the "
                + "end %d of its %d threads were elsewhere", this.brokerCpus, this.allowed, elsewhere, threads);
    }

    /** The {@code Cpus_allowed_list} of a {@code /proc} status file, or null if it is gone (the thread ended). */
    private static String cpusAllowed(Path status) {
        try {
            return Files.readAllLines(status).stream().filter((line) -> line.startsWith("Cpus_allowed_list:"))
                    .map((line) -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElse(null);
        }
        catch (IOException ex) {
            return null;
        }
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator)).filter((dir) -> !dir.isEmpty())
                .map((dir) -> Path.of(dir, program)).filter(Files::isExecutable).findFirst();
    }

    /** Runs a command; returns null if it succeeded, else what it printed. */
    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return (process.waitFor() == 0) ? null : String.join(" ", command) + ": " + output;
        }
        catch (IOException ex) {
            return String.join(" ", command) + ": " + ex;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return String.join(" ", command) + ": interrupted";
        }
    }
}
