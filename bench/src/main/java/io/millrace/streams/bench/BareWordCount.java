package io.millrace.streams.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Word count by hand with kafka-clients: one consumer, counts in a {@code HashMap} by key (no store, no changelog),
 * every update sent asynchronously as an 8-byte count; every second a producer flush, then a commit. The practical
 * limit.
 */
final class BareWordCount implements WordCountContender {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final String input;

    private final ClientSettings clients;

    BareWordCount(String input, ClientSettings clients) {
        this.input = input;
        this.clients = clients;
    }

    @Override
    public String name() {
        return "wc-bare";
    }

    @Override
    public String description() {
        return "bare kafka-clients loop (HashMap counts, no changelog; flush + commit every 1 s)";
    }

    @Override
    public String output() {
        return "bare-word-counts";
    }

    @Override
    public long count(byte[] value) {
        return ByteBuffer.wrap(value).getLong();
    }

    @Override
    public boolean exactlyOnce() {
        return false;
    }

    @Override
    public boolean everyUpdate() {
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
            Map<String, Long> counts = new HashMap<>();
            try (consumer) {
                consumer.subscribe(List.of(this.input));
                long lastCommit = System.nanoTime();
                while (running.get() && failure.get() == null) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                        long count = counts.merge(new String(record.key(), StandardCharsets.UTF_8), 1L, Long::sum);
                        producer.send(new ProducerRecord<>(output, record.key(),
                                ByteBuffer.allocate(Long.BYTES).putLong(count).array()), callback);
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
}
