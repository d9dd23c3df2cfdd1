package io.millrace.streams.app.broker;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the {@link EmbeddedKafkaBroker} as a process of its own, so that a test can kill the
 * application while the broker and its data live on.
 *
 * <p>Arguments: {@code [port [log-dir]]}, defaults {@value EmbeddedKafkaBroker#DEFAULT_PORT} and
 * {@code ${java.io.tmpdir}/millrace/embedded-broker}; port 0 takes a free port. Once the broker
 * accepts clients, one line {@code READY <host:port>} goes to standard output (logs go to
 * standard error); SIGTERM or SIGINT shuts it down and the process exits. From the executable
 * jar:
 *
 * <pre>
 * java -cp streams-app.jar -Dloader.main=io.millrace.streams.app.broker.EmbeddedKafkaMain \
 *     org.springframework.boot.loader.launch.PropertiesLauncher 9092 /tmp/broker
 * </pre>
 */
public final class EmbeddedKafkaMain {

    private static final String LOGBACK_CONFIGURATION = "io/millrace/streams/app/broker/embedded-kafka-logback.xml";

    private EmbeddedKafkaMain() {
    }

    /**
     * Start the broker and block until the process is told to stop.
     * @param args {@code [port [log-dir]]}
     * @throws InterruptedException if interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length > 2) {
            System.err.println("Usage: EmbeddedKafkaMain [port [log-dir]]");
            System.exit(2);
        }
        // Before the first logger exists: Logback's fallback is DEBUG to standard output,
        // which would bury the READY line.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGBACK_CONFIGURATION);
        }
        int port = (args.length > 0) ? Integer.parseInt(args[0]) : EmbeddedKafkaBroker.DEFAULT_PORT;
        Path logDir = (args.length > 1) ? Path.of(args[1]) : EmbeddedBrokerProperties.DEFAULT_LOG_DIR;
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(port, logDir);
        CountDownLatch stopped = new CountDownLatch(1);
        // The JVM runs shutdown hooks on SIGTERM and SIGINT and exits once they return, so
        // the broker is closed cleanly before the process ends.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.stop();
            stopped.countDown();
        }, "embedded-kafka-shutdown"));
        broker.start();
        System.out.println("READY " + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

}
