package io.millrace.streams.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The broker's own JVM: starts a single-node KRaft broker, writes its bootstrap servers to the file named by the
 * first argument, and stops when its standard input closes (the harness closed it, or died).
 */
public final class BrokerMain {

    /**
     * Broker settings for a benchmark: no waiting on group joins, no topics by accident, transactions on one
     * broker.
     */
    static final Map<String, String> PROPERTIES = Map.of("auto.create.topics.enable", "false",
            "group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "4",
            "log.retention.bytes", "-1", "log.retention.ms", "-1",
            "transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1",
            "transaction.state.log.num.partitions", "4");

    private BrokerMain() {
    }

    /**
     * Runs the broker.
     * @param args the file to write the bootstrap servers to
     * @throws IOException if the file cannot be written
     */
    public static void main(String[] args) throws IOException {
        EmbeddedKafkaKraftBroker broker = start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "broker-shutdown"));
        Path ready = Path.of(args[0]);
        Path temporary = ready.resolveSibling(ready.getFileName() + ".tmp");
        Files.writeString(temporary, broker.getBrokersAsString());
        Files.move(temporary, ready);
        try (InputStream in = System.in) {
            while (in.read() >= 0) {
                // Nothing to read: the end of the stream is the signal.
            }
        }
        System.exit(0);
    }

    /**
     * Starts a broker in this JVM.
     * @return the running broker
     */
    static EmbeddedKafkaKraftBroker start() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(PROPERTIES);
        broker.afterPropertiesSet();
        return broker;
    }
}
