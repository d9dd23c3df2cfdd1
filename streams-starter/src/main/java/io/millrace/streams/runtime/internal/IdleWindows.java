package io.millrace.streams.runtime.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.processor.Output;
import io.millrace.streams.strategy.PipelineListener;
import io.millrace.streams.strategy.RecordLimits;
import io.millrace.streams.strategy.RetryPolicy;
import io.millrace.streams.strategy.step.Route;
import io.millrace.streams.strategy.worker.WorkerContext;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.Tables;
import io.millrace.streams.table.WindowClosing;
import io.millrace.streams.table.Windows;

/**
 * Closes the windows of one consumer loop's quiet partitions ({@link Windows#idleAfter()}): a partition that has had
 * no record for the idle time, on the loop's clock, and has nothing in flight lets the stream time of its windowed
 * tables follow the clock, and the windows that closes go out as a record's closing would send them (results to the
 * outputs of closed windows, the metadata write to the changelog; see {@link Route#closeIdle}).
 *
 * <p>Runs on the loop's thread between turns, so no worker processes a record of the partition meanwhile, and never
 * for a partition that restores, is paused or is behind its end offset (the loop decides). It reports no offset. Under {@code exactly-once} its records go into the loop's
 * open transaction ({@code beforeSend} begins one), so they commit with it, and an abort forgets them (the tables
 * reload their times from the store). Under {@code at-least-once} they are plain sends the loop waits for before
 * its next turn; one that fails fails the loop, whose partitions then come back from their stores, where the
 * metadata mark stays one closing behind: a crash or a failed send repeats a result rather than lose it.
 */
final class IdleWindows {

    private static final Logger logger = LoggerFactory.getLogger(IdleWindows.class);

    private final List<Output<Object, ?>> outputs;

    private final RetryPolicy retry;

    private final RecordLimits limits;

    private final WorkerContext context;

    private final Producer<byte[], byte[]> producer;

    private final boolean exactlyOnce;

    private final PipelineListener listener;

    /** The shortest idle time of the stream's windowed tables: a partition quiet for less is not looked at. */
    private final long shortestIdleAfter;

    /** Per partition, when its latest record was fetched, or it became ready. */
    private final Map<Integer, Long> lastRecordAt = new HashMap<>();

    /**
     * Creates the closing of one loop.
     * @param stream the stream's name
     * @param properties the stream's properties, for the outputs' context
     * @param tables the stream's tables, at least one windowed with an idle time
     * @param outputs the stream's outputs
     * @param retry how output failures are retried
     * @param limits the largest record each topic takes
     * @param producer the loop's producer: transactional under exactly-once
     * @param exactlyOnce whether the records go into the loop's transaction
     * @param listener counts the results sent
     */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    IdleWindows(String stream, Map<String, String> properties, Tables tables, List<Output<?, ?>> outputs,
            RetryPolicy retry, RecordLimits limits, Producer<byte[], byte[]> producer, boolean exactlyOnce,
            PipelineListener listener) {
        this.outputs = (List) List.copyOf(outputs);
        this.retry = retry;
        this.limits = limits;
        this.context = new WorkerContext(stream, properties, tables);
        this.producer = producer;
        this.exactlyOnce = exactlyOnce;
        this.listener = listener;
        long shortest = Long.MAX_VALUE;
        for (TableDefinition<?, ?> table : tables.definitions()) {
            if (table.windowed() && table.windows().idleAfter() != null) {
                shortest = Math.min(shortest, table.windows().idleAfterMillis());
            }
        }
        if (shortest == Long.MAX_VALUE) {
            throw new IllegalArgumentException("no windowed table of stream '" + stream + "' has an idle-after");
        }
        this.shortestIdleAfter = shortest;
    }

    /**
     * Records of these partitions were fetched, or they became ready: their idle time starts again.
     * @param partitions the partitions
     * @param now the clock's time
     */
    void active(Collection<TopicPartition> partitions, long now) {
        for (TopicPartition partition : partitions) {
            this.lastRecordAt.put(partition.partition(), now);
        }
    }

    /**
     * Partitions left the loop.
     * @param partitions the partitions
     */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach((partition) -> this.lastRecordAt.remove(partition.partition()));
    }

    /**
     * Closes the windows of the partitions that have been quiet long enough.
     * @param partitions the loop's active partitions (assigned, restored)
     * @param now the clock's time
     * @param quiet whether a partition has nothing in flight and nothing fetched waiting
     * @param beforeSend runs before the first send: under exactly-once begins the loop's transaction
     * @return how many records were sent
     * @throws KafkaException under at-least-once, if a send failed: the loop fails
     */
    int closeIdle(Collection<TopicPartition> partitions, long now, IntPredicate quiet, Runnable beforeSend) {
        List<ProducerRecord<byte[], byte[]>> toSend = null;
        for (TopicPartition topicPartition : partitions) {
            int partition = topicPartition.partition();
            Long since = this.lastRecordAt.putIfAbsent(partition, now);
            long idle = (since != null) ? now - since : 0;
            if (idle < this.shortestIdleAfter || !quiet.test(partition)) {
                continue;
            }
            if (this.exactlyOnce) {
                // The closing's table writes reach the changelog when the transaction commits: there must be one,
                // even if the closing sends nothing else.
                beforeSend.run();
            }
            List<ProducerRecord<byte[], byte[]>> records;
            try {
                records = Route.closeIdle(this.outputs, this.retry, this.limits, this.context, partition, now, idle);
            }
            catch (RuntimeException ex) {
                // Nothing was written and the times stay: tried again after another idle time.
                logger.warn("Stream '{}': closing the windows of quiet partition {} failed; trying again in {} ms: {}",
                        this.context.stream(), partition, this.shortestIdleAfter, ex.toString());
                this.lastRecordAt.put(partition, now);
                continue;
            }
            if (!records.isEmpty()) {
                if (toSend == null) {
                    toSend = new ArrayList<>();
                }
                toSend.addAll(records);
            }
        }
        if (toSend == null) {
            return 0;
        }
        beforeSend.run();
        send(toSend);
        return toSend.size();
    }

    private void send(List<ProducerRecord<byte[], byte[]>> records) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            Callback callback = (metadata, ex) -> {
                if (record instanceof Callback own) {
                    // A changelog write moves its table's changelog position.
                    own.onCompletion(metadata, ex);
                }
                if (ex != null) {
                    failure.compareAndSet(null, ex);
                }
            };
            this.producer.send(record, callback);
            if (!(record instanceof Callback)) {
                this.listener.onProduced(record.topic(), 1);
            }
        }
        if (this.exactlyOnce) {
            // A failed send fails the transaction's commit, which aborts it: nothing of this closing counts.
            return;
        }
        this.producer.flush();
        if (failure.get() != null) {
            throw new KafkaException("Sending the results of closed windows of quiet partitions failed", failure.get());
        }
    }
}
