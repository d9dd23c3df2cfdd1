package io.millrace.streams.processor;

import java.util.Objects;

import io.millrace.streams.schema.Schema;

/**
 * One output of a stream: its topic, schema, processor and partitioner.
 *
 * @param topic the output topic
 * @param schema encodes and validates the output messages
 * @param processor makes the output messages
 * @param partitioner picks the partition of each output record
 * @param closedWindowsOf the windowed table whose closed windows this output takes (as
 * {@code Windowed<K, V>}, keyed by the window's key unless the processor says otherwise), or {@code null} for an
 * output of every processed record
 * @param <I> the type the input processor returns
 * @param <O> the output message type
 */
public record Output<I, O>(String topic, Schema<O> schema, FlatOutputProcessor<I, O> processor,
        Partitioner partitioner, String closedWindowsOf) {

    /**
     * An output of every processed record.
     */
    public Output(String topic, Schema<O> schema, FlatOutputProcessor<I, O> processor, Partitioner partitioner) {
        this(topic, schema, processor, partitioner, null);
    }

    /**
     * An output whose records are partitioned by the producer, by key hash.
     * @param topic the output topic
     * @param schema encodes and validates the output messages
     * @param processor makes the output messages
     */
    public Output(String topic, Schema<O> schema, FlatOutputProcessor<I, O> processor) {
        this(topic, schema, processor, Partitioner.hash());
    }

    public Output {
        Objects.requireNonNull(partitioner, "partitioner");
    }

    /**
     * This output with another partitioner.
     * @param partitioner picks the partition of each output record
     * @return a new output
     */
    public Output<I, O> withPartitioner(Partitioner partitioner) {
        return new Output<>(this.topic, this.schema, this.processor, partitioner, this.closedWindowsOf);
    }

    /**
     * This output fed by the closed windows of a windowed table instead of by every record.
     * @param table the windowed table
     * @return a new output
     */
    public Output<I, O> ofClosedWindows(String table) {
        return new Output<>(this.topic, this.schema, this.processor, this.partitioner, table);
    }

    /**
     * An output of the results of a windowed table: one record per key and window, when the window closes.
     * @param table the windowed table
     * @param topic the output topic
     * @param schema the output schema
     * @param processor makes the output message of a closed window
     * @param <I> the type the stream's input processor returns (this output does not take it)
     * @param <K> the table's key type
     * @param <V> the table's value type
     * @param <O> the output message type
     * @return the output
     */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    public static <I, K, V, O> Output<I, O> closedWindows(String table, String topic, Schema<O> schema,
            OutputProcessor<io.millrace.streams.table.Windowed<K, V>, O> processor) {
        return ((Output) of(topic, schema, processor)).ofClosedWindows(table);
    }

    /**
     * An output from a one-to-one {@link OutputProcessor}.
     * @param topic the output topic
     * @param schema the output schema
     * @param processor the processor
     * @param <I> the type the input processor returns
     * @param <O> the output message type
     * @return the output
     */
    public static <I, O> Output<I, O> of(String topic, Schema<O> schema, OutputProcessor<I, O> processor) {
        return new Output<>(topic, schema, (value, context, emitter) -> {
            if (processor.filter(value)) {
                O result = processor.transform(value);
                if (result != null) {
                    emitter.emit(processor.key(value, result), result);
                }
            }
        });
    }
}
