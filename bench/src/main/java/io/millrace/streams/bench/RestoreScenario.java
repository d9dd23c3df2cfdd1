package io.millrace.streams.bench;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Restore: a compacted changelog of distinct keys ({@code key-0000001} ..., values of 13 bytes, decimal text) is
 * seeded once, and is the changelog of both systems' table (same topic, same bytes). Each round runs, in turn, Kafka
 * Streams from an empty state directory, Kafka Streams restarted on the state it left, Millrace from an empty state
 * directory and Millrace restarted on the state it left. Every run first puts one probe record in each input
 * partition; the run ends when the processor has seen them all: the tables are restored and the stream processes.
 */
final class RestoreScenario {

    static final String APPLICATION_ID = "bench-restore";

    static final String TABLE = "counts";

    static final String INPUT = "bench-restore-input";

    static final String CHANGELOG = APPLICATION_ID + "-" + TABLE + "-changelog";

    /** Values are this plus the key's number, in decimal: 13 bytes, a valid JSON number. */
    private static final long VALUE_BASE = 1_000_000_000_000L;

    private final BenchSettings settings;

    private final ClientSettings clients;

    private final Topics topics;

    private final PrintStream log;

    private final List<RestoreContender> contenders;

    private final RestoreContender.StateDir streamsState = new RestoreContender.StateDir("bench-restore-kstreams");

    private final RestoreContender.StateDir millraceState = new RestoreContender.StateDir("bench-restore-millrace");

    RestoreScenario(BenchSettings settings, ClientSettings clients, Topics topics, PrintStream log) {
        this.settings = settings;
        this.clients = clients;
        this.topics = topics;
        this.log = log;
        String servers = clients.bootstrapServers();
        this.contenders = List.of(new KafkaStreamsRestore(servers, INPUT, false, this.streamsState),
                new KafkaStreamsRestore(servers, INPUT, true, this.streamsState),
                new MillraceRestore(clients, INPUT, false, this.millraceState),
                new MillraceRestore(clients, INPUT, true, this.millraceState)).stream()
                .filter((contender) -> settings.runs(contender.name())).toList();
    }

    RestoreResults run() throws Exception {
        int partitions = this.settings.restorePartitions();
        this.topics.create(List.of(INPUT), partitions);
        this.topics.create(List.of(CHANGELOG), partitions, Map.of("cleanup.policy", "compact"));
        long records = this.settings.restoreRecords();
        List<RestoreRun> runs = new ArrayList<>();
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            long have = this.topics.endOffsets(CHANGELOG, partitions).values().stream().mapToLong(Long::longValue)
                    .sum();
            if (have == 0) {
                this.log.printf("Seeding the changelog %s with %,d keys in %d partition(s)%n", CHANGELOG, records,
                        partitions);
                seed(producer, records, partitions);
            }
            else if (have != records) {
                throw new IllegalStateException(CHANGELOG + " holds " + have + " records, not " + records);
            }
            int total = this.settings.warmupRounds() + this.settings.rounds();
            for (int round = 0; round < total; round++) {
                for (RestoreContender contender : this.contenders) {
                    runs.add(measure(producer, contender, round, round < this.settings.warmupRounds(), records));
                }
            }
        }
        finally {
            this.streamsState.delete();
            this.millraceState.delete();
        }
        return new RestoreResults(records, partitions, this.contenders, runs);
    }

    private RestoreRun measure(Producer<byte[], byte[]> producer, RestoreContender contender, int round,
            boolean warmup, long records) throws Exception {
        String token = contender.name() + "-r" + round;
        for (int partition = 0; partition < this.settings.restorePartitions(); partition++) {
            producer.send(new ProducerRecord<>(INPUT, partition, key(1), token.getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
        HeapMonitor.liveHeap();
        RestoreProbe probe = RestoreProbe.start(token, this.settings.restorePartitions());
        RestoreRun run;
        try (RestoreContender.Running running = contender.start(probe)) {
            if (!probe.awaitProcessing(this.settings.timeout().toMillis())) {
                throw new IllegalStateException(contender.name() + " did not process in " + this.settings.timeout()
                        + ": " + probe);
            }
            run = new RestoreRun(contender.name(), round, warmup, running.restored(), probe.fetched(),
                    probe.toFirstFetch(), probe.toReady(), probe.toProcessing());
        }
        boolean full = contender.name().endsWith("-restore");
        if (full && run.restored() != records) {
            throw new IllegalStateException(contender.name() + " restored " + run.restored() + " records, expected "
                    + records + ": " + probe);
        }
        this.log.printf("%-16s round %d%s: %,10.0f records/s restored (%,d records; first fetch %.2f s, restored "
                + "%.2f s, processing %.2f s after start)%n", contender.name(), round, warmup ? " (warm-up)" : "",
                run.restoreRate(), run.restored(), run.toFirstFetch() / 1e9, run.toReady() / 1e9,
                run.secondsToProcessing());
        return run;
    }

    private static void seed(Producer<byte[], byte[]> producer, long records, int partitions) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (long i = 1; i <= records; i++) {
            byte[] value = Long.toString(VALUE_BASE + i).getBytes(StandardCharsets.US_ASCII);
            producer.send(new ProducerRecord<>(CHANGELOG, (int) (i % partitions), key(i), value), (metadata, ex) -> {
                if (ex != null) {
                    failure.compareAndSet(null, ex);
                }
            });
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("Seeding " + CHANGELOG + " failed", failure.get());
        }
    }

    private static byte[] key(long i) {
        return String.format("key-%07d", i).getBytes(StandardCharsets.US_ASCII);
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.clients.bootstrapServers());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return properties;
    }
}
