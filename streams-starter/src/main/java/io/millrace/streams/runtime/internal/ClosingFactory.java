package io.millrace.streams.runtime.internal;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;

import io.millrace.streams.runtime.KafkaClients;
import io.millrace.streams.strategy.Commit;
import io.millrace.streams.strategy.ProcessingStrategy;
import io.millrace.streams.strategy.ProcessingStrategyFactory;

/**
 * Closes a consumer client's producer when its pipeline factory shuts down: the loop owns both and ends them
 * together.
 */
final class ClosingFactory implements ProcessingStrategyFactory {

    private final ProcessingStrategyFactory delegate;

    private final KafkaClients clients;

    private final Producer<byte[], byte[]> producer;

    private final Duration timeout;

    ClosingFactory(ProcessingStrategyFactory delegate, KafkaClients clients, Producer<byte[], byte[]> producer,
            Duration timeout) {
        this.delegate = delegate;
        this.clients = clients;
        this.producer = producer;
        this.timeout = timeout;
    }

    @Override
    public ProcessingStrategy<ConsumerRecord<byte[], byte[]>> createWithPartitions(Commit commit,
            Map<TopicPartition, Long> partitions) {
        return this.delegate.createWithPartitions(commit, partitions);
    }

    @Override
    public void shutdown() {
        try {
            this.delegate.shutdown();
        }
        finally {
            this.clients.close(this.producer, this.timeout);
        }
    }
}
