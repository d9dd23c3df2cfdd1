package io.millrace.streams.table.internal.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.millrace.streams.table.RocksDbOptionsCustomizer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Another JVM for the tests: one that dies abruptly after writing to a store, or one that holds a state directory.
 * Its first output line tells the test it is ready.
 */
final class StoreProcess {

    private StoreProcess() {
    }

    /**
     * Runs in the child JVM.
     * @param args {@code write-and-halt <dir> <count>} or {@code hold-lock <root>}
     */
    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[1]);
        if (args[0].equals("write-and-halt")) {
            RocksDbResources resources = new RocksDbResources(8 << 20, 4 << 20, RocksDbOptionsCustomizer.NONE);
            RocksDbStore store = RocksDbStore.open(path, "crash", resources);
            int count = Integer.parseInt(args[2]);
            for (int i = 0; i < count; i++) {
                store.put(AbstractKeyValueStoreTests.bytes("key-" + i), AbstractKeyValueStoreTests.bytes("v" + i));
            }
            System.out.println("written");
            System.out.flush();
            // As kill -9 would: no close, no flush, no shutdown hook.
            Runtime.getRuntime().halt(137);
        }
        else if (args[0].equals("hold-lock")) {
            try (StateDirectory directory = new StateDirectory(path)) {
                System.out.println("locked");
                System.out.flush();
                // Until the test closes our input.
                while (System.in.read() != -1) {
                }
            }
        }
    }

    /**
     * Starts the child JVM and waits for its first line.
     * @param args the arguments of {@link #main(String[])}
     * @return the running process, whose first line was {@code expected}
     */
    static Process start(String expected, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StoreProcess.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader output = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        assertThat(output.readLine()).isEqualTo(expected);
        return process;
    }

    /** Waits for a child to end. */
    static int waitFor(Process process) throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("Child JVM did not end");
        }
        return process.exitValue();
    }
}
