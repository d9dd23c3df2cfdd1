package io.millrace.streams.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.springframework.util.FileSystemUtils;

import io.millrace.streams.samples.animals.Animal;
import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.strategy.InvalidMessage;

/**
 * The {@code animals} stream as a Kafka Streams topology doing the same work: decode, validate and ingest each
 * value (the sample's schema and processor), dead-letter the invalid ones with the same headers, and for each
 * output filter, transform and encode. At-least-once, one stream thread (one consumer client, like the others),
 * commits every second.
 */
final class KafkaStreamsContender implements Contender {

    private static final Serde<byte[]> BYTES = Serdes.ByteArray();

    private final String input;

    private final AnimalWork work;

    private final ClientSettings clients;

    private final Map<String, String> topics;

    KafkaStreamsContender(String input, AnimalWork work, ClientSettings clients) {
        this.input = input;
        this.work = work;
        this.clients = clients;
        this.topics = Contender.prefixedTopics("kstreams-");
    }

    @Override
    public String name() {
        return "kstreams";
    }

    @Override
    public String description() {
        return "Kafka Streams, same topology (1 stream thread, at-least-once, commit every 1 s)";
    }

    @Override
    public Map<String, String> topics() {
        return this.topics;
    }

    @Override
    public AutoCloseable start(String runId) throws IOException {
        Path stateDir = Files.createTempDirectory("bench-kstreams");
        KafkaStreams streams = new KafkaStreams(topology(runId), properties(runId, stateDir));
        streams.start();
        return () -> {
            streams.close(Duration.ofSeconds(30));
            streams.cleanUp();
            FileSystemUtils.deleteRecursively(stateDir);
        };
    }

    Topology topology(String runId) {
        DeadLetters deadLetters = new DeadLetters(this.topics.get(AnimalWork.DEAD_LETTERS), name(), runId);
        StreamsBuilder builder = new StreamsBuilder();
        KStream<byte[], Decoded> decoded = builder.stream(this.input, Consumed.with(BYTES, BYTES))
                .processValues(() -> new Decode(this.work, deadLetters), Named.as("decode"));
        Map<String, KStream<byte[], Decoded>> branches = decoded.split(Named.as("animals-"))
                .branch((key, value) -> value.animal() == null, Branched.as("invalid"))
                .defaultBranch(Branched.as("valid"));
        branches.get("animals-invalid").mapValues(Decoded::original)
                .to(this.topics.get(AnimalWork.DEAD_LETTERS), Produced.with(BYTES, BYTES));
        KStream<byte[], Animal> valid = branches.get("animals-valid").mapValues(Decoded::animal);
        for (AnimalWork.Output output : this.work.outputs()) {
            valid.filter((key, animal) -> output.processor().filter(animal))
                    .mapValues((animal) -> this.work.summary().encode(output.processor().transform(animal)))
                    .to(this.topics.get(output.name()), Produced.with(BYTES, BYTES));
        }
        return builder.build();
    }

    private Properties properties(String runId, Path stateDir) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, runId);
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, this.clients.bootstrapServers());
        properties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, ClientSettings.COMMIT_INTERVAL_MS);
        properties.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        properties.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG),
                this.clients.maxPollRecords());
        properties.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        properties.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG),
                MeteringConsumerInterceptor.class.getName());
        // Kafka Streams lingers 100 ms by default; every contender gets the same producer batching.
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), ClientSettings.ACKS);
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), ClientSettings.LINGER_MS);
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), ClientSettings.BATCH_SIZE);
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG),
                ClientSettings.COMPRESSION);
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG),
                MeteringProducerInterceptor.class.getName());
        return properties;
    }

    /**
     * A decoded value: the ingested animal, or, for an invalid value, the original bytes (its dead-letter headers
     * travel as the record's headers).
     */
    record Decoded(Animal animal, byte[] original) {
    }

    /** Decodes and ingests; on failure, puts the dead-letter headers on the record. */
    private static final class Decode implements FixedKeyProcessor<byte[], byte[], Decoded> {

        private final AnimalWork work;

        private final DeadLetters deadLetters;

        private FixedKeyProcessorContext<byte[], Decoded> context;

        Decode(AnimalWork work, DeadLetters deadLetters) {
            this.work = work;
            this.deadLetters = deadLetters;
        }

        @Override
        public void init(FixedKeyProcessorContext<byte[], Decoded> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<byte[], byte[]> record) {
            Animal animal;
            try {
                animal = this.work.ingest(record.value());
            }
            catch (RuntimeException ex) {
                RecordMetadata metadata = this.context.recordMetadata().orElseThrow();
                ConsumerRecord<byte[], byte[]> origin = new ConsumerRecord<>(metadata.topic(), metadata.partition(),
                        metadata.offset(), record.timestamp(), TimestampType.CREATE_TIME, -1, -1, record.key(),
                        record.value(), record.headers(), Optional.empty());
                InvalidMessage invalid = new InvalidMessage(InvalidMessage.Reason.INVALID_INPUT, ex);
                this.context.forward(record.withValue(new Decoded(null, record.value()))
                        .withHeaders(this.deadLetters.record(origin, invalid).headers()));
                return;
            }
            this.context.forward(record.withValue(new Decoded(animal, null)));
        }
    }
}
