package io.millrace.streams.bench;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells the {@link Meter} of the consumer's run when records were fetched. Configured by class name
 * ({@code interceptor.classes}), so every contender's consumer gets it the same way.
 */
public final class MeteringConsumerInterceptor implements ConsumerInterceptor<Object, Object> {

    private Meter meter;

    @Override
    public void configure(Map<String, ?> configs) {
        this.meter = Meter.forClient(configs.get(ConsumerConfig.CLIENT_ID_CONFIG));
    }

    @Override
    public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
        if (this.meter != null) {
            this.meter.consumed(records.count());
        }
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    }

    @Override
    public void close() {
    }
}
