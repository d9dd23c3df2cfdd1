package io.millrace.streams.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The benchmark's broker: in a JVM of its own by default, so that the harness's heap figures, garbage
 * collections and profiles are the contenders' alone; or in this JVM, for the smoke test.
 */
abstract class BenchBroker implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    abstract String bootstrapServers();

    @Override
    public abstract void close();

    /**
     * Starts a broker in this JVM.
     * @return the running broker
     */
    static BenchBroker inProcess() {
        EmbeddedKafkaKraftBroker broker = BrokerMain.start();
        return new BenchBroker() {

            @Override
            String bootstrapServers() {
                return broker.getBrokersAsString();
            }

            @Override
            public void close() {
                broker.destroy();
            }
        };
    }

    /**
     * Starts a broker in a JVM of its own, with this JVM's class path.
     * @param workDir where its ready file and log go
     * @param launcher what to run {@code java} with ({@code taskset -c 0}), or nothing
     * @return the running broker
     * @throws IOException if the process cannot start
     * @throws InterruptedException if interrupted while waiting for it
     */
    static BenchBroker forked(Path workDir, List<String> launcher) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path ready = workDir.resolve("broker.ready");
        Files.deleteIfExists(ready);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(java, "-Xmx1g", "-XX:+UseG1GC", "-cp", System.getProperty("java.class.path"),
                BrokerMain.class.getName(), ready.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("broker.log").toFile()).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.exists(ready)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("The broker did not start; see " + workDir.resolve("broker.log"));
            }
            Thread.sleep(100);
        }
        String bootstrapServers = Files.readString(ready).trim();
        return new Forked(process, bootstrapServers);
    }

    private static final class Forked extends BenchBroker {

        private final Process process;

        private final String bootstrapServers;

        Forked(Process process, String bootstrapServers) {
            this.process = process;
            this.bootstrapServers = bootstrapServers;
        }

        @Override
        String bootstrapServers() {
            return this.bootstrapServers;
        }

        @Override
        public void close() {
            try {
                // End of input is the broker's signal to stop.
                this.process.getOutputStream().close();
                if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
                    this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            catch (IOException ex) {
                this.process.destroyForcibly();
            }
            catch (InterruptedException ex) {
                this.process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
