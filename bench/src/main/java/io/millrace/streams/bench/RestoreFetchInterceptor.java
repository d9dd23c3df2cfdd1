package io.millrace.streams.bench;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells the {@link RestoreProbe} of the run in progress when changelog records were fetched. Configured by class
 * name on Kafka Streams' restore consumer and on Millrace's consumers alike.
 */
public final class RestoreFetchInterceptor implements ConsumerInterceptor<Object, Object> {

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
        RestoreProbe probe = RestoreProbe.current();
        if (probe != null && !records.isEmpty()) {
            for (TopicPartition partition : records.partitions()) {
                if (partition.topic().endsWith("-changelog")) {
                    probe.fetched(records.records(partition).size());
                }
            }
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
