package io.millrace.streams.bench;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Seeds the word-count input: words drawn uniformly from a vocabulary ({@code word00000} ...), each keyed by itself
 * (the default partitioner places it) with the value the sample's {@code Word} schema reads, {@code {"word":"..."}}.
 */
final class WordRecords {

    private final String bootstrapServers;

    WordRecords(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Seeds the topic.
     * @param topic the topic
     * @param count how many words
     * @param vocabulary how many distinct words
     * @return the count of every word: the last output of every word must say it
     */
    Map<String, Long> seed(String topic, long count, int vocabulary) {
        Random random = new Random(42);
        Map<String, Long> counts = new HashMap<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            for (long i = 0; i < count; i++) {
                String word = word(random.nextInt(vocabulary));
                counts.merge(word, 1L, Long::sum);
                producer.send(new ProducerRecord<>(topic, word.getBytes(StandardCharsets.UTF_8),
                        ("{\"word\":\"" + word + "\"}").getBytes(StandardCharsets.UTF_8)), (metadata, ex) -> {
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
        return counts;
    }

    static String word(int index) {
        return String.format("word%05d", index);
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
