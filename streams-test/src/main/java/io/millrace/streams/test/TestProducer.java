package io.millrace.streams.test;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The producer the driver hands a stream's pipeline: every send is appended to the driver's topic at once and
 * acknowledged on the calling thread, as a broker would acknowledge it, with its partition and offset. A record
 * without a timestamp gets the driver's wall-clock time, as the producer stamps it.
 */
final class TestProducer extends MockProducer<byte[], byte[]> {

    private final TestTopics topics;

    private final Clock clock;

    TestProducer(TestTopics topics, Clock clock) {
        super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        this.topics = topics;
        this.clock = clock;
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        return send(record, null);
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        long timestamp = (record.timestamp() != null) ? record.timestamp() : this.clock.millis();
        TestRecord appended = this.topics.append(record.topic(), record.partition(), timestamp, record.key(),
                record.value(), record.headers());
        RecordMetadata metadata = new RecordMetadata(new TopicPartition(appended.topic(), appended.partition()),
                appended.offset(), 0, timestamp, (record.key() != null) ? record.key().length : -1,
                (record.value() != null) ? record.value().length : -1);
        if (callback != null) {
            callback.onCompletion(metadata, null);
        }
        return CompletableFuture.completedFuture(metadata);
    }
}
