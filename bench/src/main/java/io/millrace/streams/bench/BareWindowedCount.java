package io.millrace.streams.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Windowed count by hand with kafka-clients: one consumer; per input partition a stream time and a {@code HashMap}
 * of counts per open window (no store, no changelog: a crash loses the open windows); a window is sent, one
 * record per key (the key, then 8-byte window start and 8-byte count), when its partition's stream time reaches its
 * end plus the grace, as Millrace and Kafka Streams close it; every second a producer flush, then a commit. The
 * floor. It counts the record's value, which is the counted key in both inputs: in the keyed one the key as well,
 * in the re-keyed one the value alone; the re-keyed input puts each counted key in one partition
 * ({@link WindowedRecords}), so one process needs no repartition topic to count it, and this loop has none.
 */
final class BareWindowedCount implements WindowedContender {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final String input;

    private final ClientSettings clients;

    private final boolean rekeyed;

    BareWindowedCount(String input, ClientSettings clients, boolean rekeyed) {
        this.input = input;
        this.clients = clients;
        this.rekeyed = rekeyed;
    }

    @Override
    public String name() {
        return "win-bare" + (this.rekeyed ? "-rekeyed" : "");
    }

    @Override
    public String description() {
        return "bare kafka-clients loop (HashMap per open window, no changelog; emits on close; flush + commit "
                + "every 1 s)";
    }

    @Override
    public String output() {
        return "bare-window-counts";
    }

    @Override
    public Result result(ConsumerRecord<byte[], byte[]> record) {
        ByteBuffer value = ByteBuffer.wrap(record.value());
        return new Result(new String(record.key(), StandardCharsets.UTF_8), value.getLong(), value.getLong());
    }

    @Override
    public boolean exactlyOnce() {
        return false;
    }

    @Override
    public boolean finalResults() {
        return true;
    }

    @Override
    public AutoCloseable start(String runId) {
        Producer<byte[], byte[]> producer = new KafkaProducer<>(this.clients.producer(runId + "-producer"));
        Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(this.clients.consumer(runId, runId + "-consumer"));
        AtomicReference<Exception> failure = new AtomicReference<>();
        Callback callback = (metadata, ex) -> {
            if (ex != null) {
                failure.compareAndSet(null, ex);
            }
        };
        String output = output();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread thread = new Thread(() -> {
            Map<Integer, PartitionWindows> partitions = new HashMap<>();
            try (consumer) {
                consumer.subscribe(List.of(this.input));
                long lastCommit = System.nanoTime();
                while (running.get() && failure.get() == null) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                        partitions.computeIfAbsent(record.partition(), (partition) -> new PartitionWindows())
                                .count(new String(record.value(), StandardCharsets.UTF_8), record.timestamp(),
                                        (key, start, count) -> producer.send(new ProducerRecord<>(output,
                                                key.getBytes(StandardCharsets.UTF_8), ByteBuffer.allocate(16)
                                                        .putLong(start).putLong(count).array()), callback));
                    }
                    if (System.nanoTime() - lastCommit >= ClientSettings.COMMIT_INTERVAL_MS * 1_000_000L) {
                        producer.flush();
                        consumer.commitAsync();
                        lastCommit = System.nanoTime();
                    }
                }
            }
            catch (Exception ex) {
                failure.compareAndSet(null, ex);
            }
        }, runId + "-0");
        thread.start();
        return () -> {
            running.set(false);
            thread.join();
            producer.close(Duration.ofSeconds(30));
            if (failure.get() != null) {
                throw new IllegalStateException(name() + " failed", failure.get());
            }
        };
    }

    /** The open windows of one input partition, oldest first, and its stream time. */
    private static final class PartitionWindows {

        private static final long SIZE = WindowedRecords.SIZE.toMillis();

        private static final long GRACE = WindowedRecords.GRACE.toMillis();

        private final TreeMap<Long, Map<String, Long>> open = new TreeMap<>();

        private long streamTime = Long.MIN_VALUE;

        /** Counts a key in its window, unless late (dropped: the input has none), then closes what is due. */
        void count(String key, long timestamp, Closed closed) {
            long start = Math.floorDiv(timestamp, SIZE) * SIZE;
            if (this.streamTime == Long.MIN_VALUE || start + SIZE + GRACE > this.streamTime) {
                this.open.computeIfAbsent(start, (window) -> new HashMap<>()).merge(key, 1L, Long::sum);
            }
            this.streamTime = Math.max(this.streamTime, timestamp);
            while (!this.open.isEmpty() && this.open.firstKey() + SIZE + GRACE <= this.streamTime) {
                Map.Entry<Long, Map<String, Long>> window = this.open.pollFirstEntry();
                window.getValue().forEach((windowKey, count) -> closed.accept(windowKey, window.getKey(), count));
            }
        }
    }

    /** Takes one key's result of a closed window. */
    @FunctionalInterface
    private interface Closed {

        void accept(String key, long windowStart, long count);
    }
}
