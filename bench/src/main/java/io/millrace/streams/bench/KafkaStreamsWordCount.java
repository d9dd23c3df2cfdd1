package io.millrace.streams.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.springframework.util.FileSystemUtils;

/**
 * Kafka Streams' word count: {@code stream(words).groupByKey().count().toStream().to(output)}, a RocksDB store with
 * a changelog, one stream thread. Variants: at-least-once with the record cache on (10 MB, Kafka Streams' default:
 * updates of a key between commits fold into one output), at-least-once with the cache off (one output per input),
 * and {@code exactly_once_v2} with the cache off. Commits every 1 s at-least-once, every 100 ms exactly-once (Kafka
 * Streams' and Millrace's defaults for exactly-once; Kafka Streams' at-least-once default is 30 s).
 */
final class KafkaStreamsWordCount implements WordCountContender {

    /** The variants. */
    enum Variant {
        CACHE("wc-kstreams-cache", "kstreams-cache-word-counts", 10 * 1024 * 1024, false),
        NO_CACHE("wc-kstreams", "kstreams-word-counts", 0, false),
        EXACTLY_ONCE("wc-kstreams-eos", "kstreams-eos-word-counts", 0, true);

        private final String name;

        private final String output;

        private final long cacheBytes;

        private final boolean exactlyOnce;

        Variant(String name, String output, long cacheBytes, boolean exactlyOnce) {
            this.name = name;
            this.output = output;
            this.cacheBytes = cacheBytes;
            this.exactlyOnce = exactlyOnce;
        }
    }

    private static final int EXACTLY_ONCE_COMMIT_INTERVAL_MS = 100;

    private final String input;

    private final ClientSettings clients;

    private final Variant variant;

    KafkaStreamsWordCount(String input, ClientSettings clients, Variant variant) {
        this.input = input;
        this.clients = clients;
        this.variant = variant;
    }

    @Override
    public String name() {
        return this.variant.name;
    }

    @Override
    public String description() {
        return "Kafka Streams groupByKey().count(), " + (this.variant.exactlyOnce ? "exactly_once_v2" : "at-least-once")
                + ", cache " + ((this.variant.cacheBytes > 0) ? "on (10 MB)" : "off") + ", commit every "
                + commitInterval() + " ms";
    }

    private int commitInterval() {
        return this.variant.exactlyOnce ? EXACTLY_ONCE_COMMIT_INTERVAL_MS : ClientSettings.COMMIT_INTERVAL_MS;
    }

    @Override
    public String output() {
        return this.variant.output;
    }

    @Override
    public long count(byte[] value) {
        return ByteBuffer.wrap(value).getLong();
    }

    @Override
    public boolean exactlyOnce() {
        return this.variant.exactlyOnce;
    }

    @Override
    public boolean everyUpdate() {
        return this.variant.cacheBytes == 0;
    }

    @Override
    public AutoCloseable start(String runId) throws IOException {
        Path stateDir = Files.createTempDirectory("bench-kstreams-wc");
        KafkaStreams streams = new KafkaStreams(topology(), properties(runId, stateDir));
        streams.start();
        return () -> {
            streams.close(Duration.ofSeconds(30));
            streams.cleanUp();
            FileSystemUtils.deleteRecursively(stateDir);
        };
    }

    Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(this.input, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .groupByKey(Grouped.with(Serdes.String(), Serdes.ByteArray()))
                .count(Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("counts")
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                .toStream()
                .to(output(), Produced.with(Serdes.String(), Serdes.Long()));
        return builder.build();
    }

    private Properties properties(String runId, Path stateDir) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, runId);
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, this.clients.bootstrapServers());
        properties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                this.variant.exactlyOnce ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval());
        properties.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, this.variant.cacheBytes);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        properties.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG),
                this.clients.maxPollRecords());
        properties.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        properties.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG),
                MeteringConsumerInterceptor.class.getName());
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), ClientSettings.ACKS);
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), ClientSettings.LINGER_MS);
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), ClientSettings.BATCH_SIZE);
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG),
                ClientSettings.COMPRESSION);
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG),
                MeteringProducerInterceptor.class.getName());
        return properties;
    }
}
