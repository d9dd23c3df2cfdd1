package io.millrace.streams.runtime;

import java.util.Objects;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.KeySelector;
import io.millrace.streams.schema.Schema;

/**
 * How a stream re-keys its input before its tables and outputs. The stream then runs in two stages: the first runs
 * the stream's input processor and sends each result, under the key {@link #key} chooses, to the repartition topic
 * {@code <application-id>-<stream>-repartition}; the second consumes that topic (consumer group
 * {@code <application-id>-<stream>-repartition}) with {@link #processor}, the stream's tables and its outputs.
 *
 * @param key the new key of each record, from what the input processor returned
 * @param schema encodes the input processor's results into the repartition topic and decodes them from it
 * @param processor the second stage's input processor; the stream's output processors take what it returns
 * @param partitions the repartition topic's partition count, {@code 0} for the input's (overridden by
 * {@code millrace.streams.<name>.repartition.partitions})
 * @param <V> the type the stream's input processor returns
 */
public record Rekey<V>(KeySelector<? super V> key, Schema<V> schema, InputProcessor<V, ?> processor,
        int partitions) {

    /**
     * A re-keying into as many partitions as the input has.
     */
    public Rekey(KeySelector<? super V> key, Schema<V> schema, InputProcessor<V, ?> processor) {
        this(key, schema, processor, 0);
    }

    public Rekey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(processor, "processor");
        if (partitions < 0) {
            throw new IllegalArgumentException("repartition partitions must be 0 (the input's) or positive");
        }
    }

    /**
     * This re-keying into another partition count.
     * @param partitions the repartition topic's partition count, {@code 0} for the input's
     * @return a new re-keying
     */
    public Rekey<V> withPartitions(int partitions) {
        return new Rekey<>(this.key, this.schema, this.processor, partitions);
    }

    /**
     * The repartition topic of a stream.
     * @param applicationId the application id
     * @param stream the stream
     * @return {@code <application-id>-<stream>-repartition}
     */
    public static String topic(String applicationId, String stream) {
        return applicationId + "-" + stream + "-repartition";
    }
}
