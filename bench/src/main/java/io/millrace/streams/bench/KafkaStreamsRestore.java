package io.millrace.streams.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Kafka Streams restoring a persistent key-value store (RocksDB, Kafka Streams' default options) whose changelog is
 * the seeded topic: {@code application.id} {@value RestoreScenario#APPLICATION_ID} and store
 * {@value RestoreScenario#TABLE} make its changelog {@code bench-restore-counts-changelog}. One stream thread
 * (the state updater restores on a thread of its own, Kafka Streams' default), at-least-once. The processor reads the
 * store for each input record and tells the probe.
 */
final class KafkaStreamsRestore implements RestoreContender {

    private final String bootstrapServers;

    private final String input;

    private final boolean restart;

    private final StateDir stateDir;

    KafkaStreamsRestore(String bootstrapServers, String input, boolean restart, StateDir stateDir) {
        this.bootstrapServers = bootstrapServers;
        this.input = input;
        this.restart = restart;
        this.stateDir = stateDir;
    }

    @Override
    public String name() {
        return this.restart ? "kstreams-restart" : "kstreams-restore";
    }

    @Override
    public String description() {
        return this.restart ? "Kafka Streams, restart with the state directory and checkpoint of its full restore"
                : "Kafka Streams, empty state directory: full restore (persistentKeyValueStore, default RocksDB "
                        + "options, restore consumer max.poll.records 1000)";
    }

    @Override
    public Running start(RestoreProbe probe) throws Exception {
        Path directory = this.restart ? this.stateDir.reuse() : this.stateDir.fresh();
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RestoreScenario.TABLE),
                Serdes.String(), Serdes.ByteArray()));
        builder.stream(this.input, Consumed.with(Serdes.String(), Serdes.String()))
                .process(() -> new ProbeProcessor(probe), RestoreScenario.TABLE);
        KafkaStreams streams = new KafkaStreams(builder.build(), properties(directory));
        streams.setGlobalStateRestoreListener(new Listener(probe));
        streams.start();
        return new Running() {

            @Override
            public long restored() {
                return probe.restored();
            }

            @Override
            public void close() {
                streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(Duration.ofSeconds(30)));
            }
        };
    }

    private Properties properties(Path directory) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, RestoreScenario.APPLICATION_ID);
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
        properties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, ClientSettings.COMMIT_INTERVAL_MS);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, directory.toString());
        properties.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        properties.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG),
                RestoreFetchInterceptor.class.getName());
        return properties;
    }

    /** Reads the store for each record, and tells the probe. */
    private static final class ProbeProcessor implements Processor<String, String, Void, Void> {

        private final RestoreProbe probe;

        private KeyValueStore<String, byte[]> store;

        private ProcessorContext<Void, Void> context;

        ProbeProcessor(RestoreProbe probe) {
            this.probe = probe;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.context = context;
            this.store = context.getStateStore(RestoreScenario.TABLE);
        }

        @Override
        public void process(Record<String, String> record) {
            this.store.get(record.key());
            this.probe.probe(this.context.recordMetadata().orElseThrow().partition(), record.value());
        }
    }

    private static final class Listener implements StateRestoreListener {

        private final RestoreProbe probe;

        Listener(RestoreProbe probe) {
            this.probe = probe;
        }

        @Override
        public void onRestoreStart(TopicPartition partition, String store, long start, long end) {
        }

        @Override
        public void onBatchRestored(TopicPartition partition, String store, long batchEnd, long restored) {
        }

        @Override
        public void onRestoreEnd(TopicPartition partition, String store, long restored) {
            this.probe.ready(List.of(partition.partition()), restored);
        }
    }
}
