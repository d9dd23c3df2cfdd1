package io.millrace.streams.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.WindowedSerdes;
import org.springframework.util.FileSystemUtils;

/**
 * Kafka Streams' windowed count: {@code stream(input).groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(10 s,
 * 1 s)).count()}, optionally {@code .suppress(Suppressed.untilWindowCloses(unbounded()))}, then
 * {@code .toStream().to(output)} with the time-windowed key serde (the key, then the 8-byte window start) and
 * 8-byte counts. RocksDB window store with a changelog, the record cache at its default (10 MB), one stream thread;
 * at-least-once (commit every 1 s) or {@code exactly_once_v2} (every 100 ms). Without suppress, the cache folds the
 * updates of a key and window between commits, and the last update of each is its final count.
 *
 * <p>Keyed input: {@code groupByKey}, no repartition topic. Re-keyed input ({@code --scenario=windowed-rekeyed}):
 * {@code groupBy((user, key) -> key, Grouped.as("rekey"))}, which writes every record to the repartition topic
 * {@code <application.id>-rekey-repartition} and counts it from there (the second sub-topology, same stream thread).
 */
final class KafkaStreamsWindowedCount implements WindowedContender {

    private static final int EXACTLY_ONCE_COMMIT_INTERVAL_MS = 100;

    private static final long CACHE_BYTES = 10 * 1024 * 1024;

    /** The name of the re-keying's repartition topic (after the application id). */
    private static final String REPARTITION = "rekey";

    private final String input;

    private final ClientSettings clients;

    private final boolean suppress;

    private final boolean exactlyOnce;

    private final boolean rekeyed;

    KafkaStreamsWindowedCount(String input, ClientSettings clients, boolean suppress, boolean exactlyOnce,
            boolean rekeyed) {
        this.input = input;
        this.clients = clients;
        this.suppress = suppress;
        this.exactlyOnce = exactlyOnce;
        this.rekeyed = rekeyed;
    }

    @Override
    public String name() {
        return "win-kstreams" + (this.suppress ? "-suppress" : "") + (this.rekeyed ? "-rekeyed" : "")
                + (this.exactlyOnce ? "-eos" : "");
    }

    @Override
    public String description() {
        return "Kafka Streams " + (this.rekeyed ? "groupBy(value)" : "groupByKey()")
                + ".windowedBy(10 s, grace 1 s).count()"
                + (this.suppress ? ".suppress(untilWindowCloses)" : "") + ", "
                + (this.exactlyOnce ? "exactly_once_v2" : "at-least-once") + ", cache 10 MB, commit every "
                + commitInterval() + " ms";
    }

    private int commitInterval() {
        return this.exactlyOnce ? EXACTLY_ONCE_COMMIT_INTERVAL_MS : ClientSettings.COMMIT_INTERVAL_MS;
    }

    @Override
    public String output() {
        return "kstreams" + (this.suppress ? "-suppress" : "") + (this.rekeyed ? "-rekeyed" : "")
                + (this.exactlyOnce ? "-eos" : "") + "-window-counts";
    }

    @Override
    public String repartitionTopic(String runId) {
        return this.rekeyed ? runId + "-" + REPARTITION + "-repartition" : null;
    }

    @Override
    public Result result(ConsumerRecord<byte[], byte[]> record) {
        byte[] key = record.key();
        String counted = new String(Arrays.copyOf(key, key.length - Long.BYTES), StandardCharsets.UTF_8);
        return new Result(counted, ByteBuffer.wrap(key, key.length - Long.BYTES, Long.BYTES).getLong(),
                ByteBuffer.wrap(record.value()).getLong());
    }

    @Override
    public boolean exactlyOnce() {
        return this.exactlyOnce;
    }

    @Override
    public boolean finalResults() {
        return this.suppress;
    }

    @Override
    public AutoCloseable start(String runId) throws IOException {
        Path stateDir = Files.createTempDirectory("bench-kstreams-win");
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
        KStream<String, byte[]> input = builder.stream(this.input, Consumed.with(Serdes.String(), Serdes.ByteArray()));
        KGroupedStream<String, byte[]> grouped = this.rekeyed
                ? input.groupBy((user, key) -> new String(key, StandardCharsets.UTF_8),
                        Grouped.with(REPARTITION, Serdes.String(), Serdes.ByteArray()))
                : input.groupByKey(Grouped.with(Serdes.String(), Serdes.ByteArray()));
        KTable<Windowed<String>, Long> counts = grouped
                .windowedBy(TimeWindows.ofSizeAndGrace(WindowedRecords.SIZE, WindowedRecords.GRACE))
                .count();
        if (this.suppress) {
            counts = counts.suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()));
        }
        counts.toStream().to(output(), Produced.with(
                WindowedSerdes.timeWindowedSerdeFrom(String.class, WindowedRecords.SIZE.toMillis()), Serdes.Long()));
        return builder.build();
    }

    private Properties properties(String runId, Path stateDir) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, runId);
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, this.clients.bootstrapServers());
        properties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                this.exactlyOnce ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval());
        properties.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, CACHE_BYTES);
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
