package io.millrace.streams.bench;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Seeds an input topic with animals, the same every time: mostly valid ones, in several spellings, some that no
 * output wants, and a share of invalid ones of every kind the schema rejects.
 */
final class AnimalRecords {

    /** Spellings the input processor normalises; the last three go to no output. */
    private static final List<String> NAMES = List.of("fish", " Shark", "bat", "SPIDER ", "bird", "Bat", "shark",
            "Fish", "cat", "dog", "owl");

    /** Each is rejected by decoding or validation, never by a crash. */
    private static final List<String> INVALID = List.of(
            "{\"id\":\"%d\",\"name\":\"bat\",\"value\":1}",
            "{\"id\":%d,\"name\":\"  \",\"value\":1}",
            "{\"id\":%d,\"name\":\"bat\",\"value\":-1}",
            "{\"id\":%d,\"name\":\"bat\",\"value\":1",
            "{\"name\":\"bat\",\"value\":%d}",
            "{\"id\":%d,\"name\":\"bat\",\"value\":1,\"value\":2}");

    private static final Set<String> AQUATIC = Set.of("fish", "shark");

    private static final Set<String> SPOOKY = Set.of("bat", "spider");

    private static final Set<String> FLYING = Set.of("bat", "bird");

    private final String bootstrapServers;

    AnimalRecords(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Seeds the topic with {@code count} animals, spread evenly over its partitions.
     * @param topic the topic
     * @param partitions its partition count
     * @param count how many records
     * @param invalidRatio the share of invalid records
     * @param padding extra bytes of label per record (0 for small records)
     * @return what processing them must yield
     */
    Expected seed(String topic, int partitions, long count, double invalidRatio, int padding) {
        Random random = new Random(42);
        String pad = "x".repeat(padding);
        Map<String, Long> outputs = new HashMap<>();
        AnimalWork.OUTPUTS.forEach((name) -> outputs.put(name, 0L));
        outputs.put(AnimalWork.DEAD_LETTERS, 0L);
        long bytes = 0;
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            for (long id = 0; id < count; id++) {
                // The last record of each partition has an output, so that its acknowledgement ends the run.
                boolean last = id >= count - partitions;
                String json;
                if (!last && random.nextDouble() < invalidRatio) {
                    json = String.format(INVALID.get(random.nextInt(INVALID.size())), id);
                    outputs.merge(AnimalWork.DEAD_LETTERS, 1L, Long::sum);
                }
                else {
                    String name = last ? "bat" : NAMES.get(random.nextInt(NAMES.size()));
                    json = animal(id, name, random.nextInt(1000), random.nextInt(4) == 0 || padding > 0, pad);
                    count(name.trim().toLowerCase(Locale.ROOT), outputs);
                }
                byte[] value = json.getBytes(StandardCharsets.UTF_8);
                bytes += value.length;
                producer.send(new ProducerRecord<>(topic, (int) (id % partitions), null,
                        Long.toString(id).getBytes(StandardCharsets.UTF_8), value), (metadata, ex) -> {
                            if (ex != null) {
                                failure.compareAndSet(null, ex);
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Seeding " + topic + " failed", failure.get());
        }
        return new Expected(count, outputs, bytes);
    }

    private static String animal(long id, String name, int value, boolean labels, String pad) {
        String json = "{\"id\":" + id + ",\"name\":\"" + name + "\",\"value\":" + value;
        if (labels) {
            json += ",\"labels\":{\"habitat\":\"sea\",\"colour\":\"grey" + pad + "\"}";
        }
        return json + "}";
    }

    private static void count(String name, Map<String, Long> outputs) {
        if (AQUATIC.contains(name)) {
            outputs.merge("aquatic", 1L, Long::sum);
        }
        if (SPOOKY.contains(name)) {
            outputs.merge("spooky", 1L, Long::sum);
        }
        if (FLYING.contains(name)) {
            outputs.merge("flying", 1L, Long::sum);
        }
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return properties;
    }
}
