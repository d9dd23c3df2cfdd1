package io.millrace.streams.bench;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Tells the {@link Meter} of the producer's run of every acknowledged record. Runs on the producer's I/O thread,
 * before the record's own callback.
 */
public final class MeteringProducerInterceptor implements ProducerInterceptor<Object, Object> {

    private Meter meter;

    @Override
    public void configure(Map<String, ?> configs) {
        this.meter = Meter.forClient(configs.get(ProducerConfig.CLIENT_ID_CONFIG));
    }

    @Override
    public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        if (this.meter != null) {
            this.meter.acknowledged((metadata != null) ? metadata.topic() : null, exception);
        }
    }

    @Override
    public void close() {
    }
}
