package io.millrace.streams.bench;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Word count: one input of words keyed by word, seeded once; each round runs every contender in turn, each counting
 * the whole input from scratch. A run is timed from its consumer's first fetch to the moment its last output became
 * visible: the broker's last acknowledgement at-least-once (every output is acknowledged before the offsets that
 * cover it are committed), the commit of the last transaction exactly-once (seen as the group's committed offsets
 * reaching the input's end). Afterwards the outputs of the run are read back: the last count of every word must be
 * its true count, and a contender without a cache must have written one output per input.
 */
final class WordCountScenario {

    static final String INPUT = "bench-words";

    private static final long SAMPLE_MILLIS = 10;

    private final BenchSettings settings;

    private final ClientSettings clients;

    private final Topics topics;

    private final HeapMonitor heap;

    private final PrintStream log;

    private final List<WordCountContender> contenders;

    WordCountScenario(BenchSettings settings, ClientSettings clients, Topics topics, HeapMonitor heap,
            PrintStream log) {
        this.settings = settings;
        this.clients = clients;
        this.topics = topics;
        this.heap = heap;
        this.log = log;
        this.contenders = List.<WordCountContender>of(new BareWordCount(INPUT, clients),
                new KafkaStreamsWordCount(INPUT, clients, KafkaStreamsWordCount.Variant.CACHE),
                new KafkaStreamsWordCount(INPUT, clients, KafkaStreamsWordCount.Variant.NO_CACHE),
                new MillraceWordCount(INPUT, clients, false, false),
                new MillraceWordCount(INPUT, clients, true, false),
                new KafkaStreamsWordCount(INPUT, clients, KafkaStreamsWordCount.Variant.EXACTLY_ONCE),
                new MillraceWordCount(INPUT, clients, false, true),
                new MillraceWordCount(INPUT, clients, true, true)).stream()
                .filter((contender) -> settings.runs(contender.name())).toList();
    }

    WordCountResults run() throws Exception {
        int partitions = this.settings.wordCountPartitions();
        List<String> names = new ArrayList<>(List.of(INPUT));
        this.contenders.forEach((contender) -> names.add(contender.output()));
        this.topics.create(names, partitions);
        long records = this.settings.wordCountRecords();
        this.log.printf("Seeding %s with %,d words over %,d%n", INPUT, records, this.settings.wordCountWords());
        Map<String, Long> expected = new WordRecords(this.clients.bootstrapServers()).seed(INPUT, records,
                this.settings.wordCountWords());
        List<RunResult> runs = new ArrayList<>();
        Map<String, Long> outputs = new HashMap<>();
        int total = this.settings.warmupRounds() + this.settings.rounds();
        for (int round = 0; round < total; round++) {
            for (WordCountContender contender : this.contenders) {
                runs.add(measure(contender, round, round < this.settings.warmupRounds(), expected, outputs));
            }
        }
        return new WordCountResults(records, this.settings.wordCountWords(), partitions, this.contenders, runs,
                outputs);
    }

    private RunResult measure(WordCountContender contender, int round, boolean warmup, Map<String, Long> expected,
            Map<String, Long> outputs) throws Exception {
        String runId = "bench-" + contender.name() + "-r" + round;
        int partitions = this.settings.wordCountPartitions();
        long records = this.settings.wordCountRecords();
        Map<TopicPartition, Long> outputStart = this.topics.endOffsets(contender.output(), partitions);
        RunResult result;
        try (Meter meter = Meter.start(runId, Long.MAX_VALUE)) {
            HeapMonitor.Window window = this.heap.open();
            try (AutoCloseable running = contender.start(runId)) {
                long deadline = System.nanoTime() + this.settings.timeout().toNanos();
                while (meter.consumed() < records) {
                    check(contender, meter, deadline);
                    Thread.sleep(SAMPLE_MILLIS);
                }
                // Every input is fetched: sample the CPU clock until the group's offsets reach the input's end.
                List<long[]> samples = new ArrayList<>();
                String group = contender.group(runId);
                while (true) {
                    long now = System.nanoTime();
                    samples.add(new long[] { now, Meter.processCpu() });
                    long committed = this.topics.committed(group).entrySet().stream()
                            .filter((entry) -> entry.getKey().topic().equals(INPUT))
                            .mapToLong(Map.Entry::getValue).sum();
                    if (committed >= records) {
                        break;
                    }
                    check(contender, meter, deadline);
                    Thread.sleep(SAMPLE_MILLIS);
                }
                long end = contender.exactlyOnce() ? samples.get(samples.size() - 1)[0] : meter.latestAcknowledgedAt();
                long cpuEnd = samples.get(samples.size() - 1)[1];
                for (long[] sample : samples) {
                    if (sample[0] >= end) {
                        cpuEnd = sample[1];
                        break;
                    }
                }
                result = new RunResult(contender.name(), round, warmup, records,
                        Duration.ofNanos(end - meter.firstConsumedAt()),
                        Duration.ofNanos(cpuEnd - meter.cpuAtFirstConsumed()), window.figures());
            }
            if (meter.failure() != null) {
                throw new IllegalStateException(contender.name() + " failed to send", meter.failure());
            }
        }
        long written = verify(contender, outputStart, expected);
        outputs.put(contender.name(), written);
        this.log.printf("%-20s round %d%s: %,10.0f records/s (%,d records in %.2f s; %.1f us CPU per record; "
                + "%,d outputs; heap after GC +%.0f MB)%n", contender.name(), round, warmup ? " (warm-up)" : "",
                result.throughput(), result.records(), result.elapsed().toNanos() / 1e9, result.cpuMicrosPerRecord(),
                written, result.heap().peakAfterGcGrowth() / 1e6);
        return result;
    }

    private void check(WordCountContender contender, Meter meter, long deadline) {
        if (meter.failure() != null) {
            throw new IllegalStateException(contender.name() + " failed to send", meter.failure());
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(contender.name() + " did not finish in " + this.settings.timeout() + ": "
                    + meter);
        }
    }

    /** Reads the run's outputs back: the last count of every word must be its count. */
    private long verify(WordCountContender contender, Map<TopicPartition, Long> start, Map<String, Long> expected) {
        Map<TopicPartition, Long> end = this.topics.endOffsets(contender.output(), start.size());
        Map<String, Long> last = new HashMap<>();
        long read = 0;
        try (Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(verifierProperties())) {
            consumer.assign(start.keySet());
            start.forEach(consumer::seek);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (start.keySet().stream().anyMatch((partition) -> consumer.position(partition) < end.get(partition))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    last.put(new String(record.key(), StandardCharsets.UTF_8), contender.count(record.value()));
                    read++;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read the outputs of " + contender.name());
                }
            }
        }
        if (!last.equals(expected)) {
            long wrong = expected.entrySet().stream()
                    .filter((entry) -> !entry.getValue().equals(last.get(entry.getKey()))).count();
            throw new IllegalStateException(contender.name() + ": " + wrong + " of " + expected.size()
                    + " words have a wrong last count (" + last.size() + " words in the output)");
        }
        if (contender.everyUpdate() && read != this.settings.wordCountRecords()) {
            throw new IllegalStateException(contender.name() + " wrote " + read + " outputs, expected "
                    + this.settings.wordCountRecords());
        }
        return read;
    }

    private Map<String, Object> verifierProperties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.clients.bootstrapServers());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return properties;
    }
}
