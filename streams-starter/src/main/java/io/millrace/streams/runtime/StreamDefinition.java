package io.millrace.streams.runtime;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.millrace.streams.processor.FlatOutputProcessor;
import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.KeySelector;
import io.millrace.streams.processor.Output;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.schema.Schema;
import io.millrace.streams.table.TableDefinition;

/**
 * The topology of one stream: its input topic, schema and processor, and its outputs. Annotated processors are
 * turned into definitions at startup; {@link StreamManager#addStream} takes one at runtime.
 *
 * @param name the stream name
 * @param input the input topic
 * @param inputSchema decodes the input
 * @param inputProcessor the input processor
 * @param outputs the outputs, in the order they are routed
 * @param strategy builds the pipeline of each consumer client, or {@code null} for the default pipeline
 * @param tables the stream's tables, partitioned like its input (like the repartition topic when re-keyed)
 * @param rekey how the stream re-keys its input before its tables and outputs, or {@code null} for a stream that
 * does not: its tables and outputs then belong to the second stage, which runs {@link Rekey#processor()}
 */
public record StreamDefinition(String name, String input, Schema<?> inputSchema, InputProcessor<?, ?> inputProcessor,
        List<Output<?, ?>> outputs, StreamStrategy strategy, List<TableDefinition<?, ?>> tables, Rekey<?> rekey) {

    /**
     * A stream that does not re-key its input.
     */
    public StreamDefinition(String name, String input, Schema<?> inputSchema, InputProcessor<?, ?> inputProcessor,
            List<Output<?, ?>> outputs, StreamStrategy strategy, List<TableDefinition<?, ?>> tables) {
        this(name, input, inputSchema, inputProcessor, outputs, strategy, tables, null);
    }

    /**
     * A stream without tables.
     */
    public StreamDefinition(String name, String input, Schema<?> inputSchema, InputProcessor<?, ?> inputProcessor,
            List<Output<?, ?>> outputs, StreamStrategy strategy) {
        this(name, input, inputSchema, inputProcessor, outputs, strategy, List.of());
    }

    /**
     * A stream with the default pipeline.
     */
    public StreamDefinition(String name, String input, Schema<?> inputSchema, InputProcessor<?, ?> inputProcessor,
            List<Output<?, ?>> outputs) {
        this(name, input, inputSchema, inputProcessor, outputs, null);
    }

    /**
     * This stream with another pipeline.
     * @param strategy builds the pipeline of each consumer client
     * @return a new definition
     */
    public StreamDefinition withStrategy(StreamStrategy strategy) {
        return new StreamDefinition(this.name, this.input, this.inputSchema, this.inputProcessor, this.outputs,
                strategy, this.tables, this.rekey);
    }

    /**
     * This stream with other tables.
     * @param tables the tables
     * @return a new definition
     */
    public StreamDefinition withTables(List<TableDefinition<?, ?>> tables) {
        return new StreamDefinition(this.name, this.input, this.inputSchema, this.inputProcessor, this.outputs,
                this.strategy, tables, this.rekey);
    }

    /**
     * This stream re-keyed before its tables and outputs.
     * @param rekey the re-keying, or {@code null} for none
     * @return a new definition
     */
    public StreamDefinition withRekey(Rekey<?> rekey) {
        return new StreamDefinition(this.name, this.input, this.inputSchema, this.inputProcessor, this.outputs,
                this.strategy, this.tables, rekey);
    }

    /**
     * Whether the stream re-keys its input through a repartition topic.
     * @return {@code true} if {@link #rekey()} is set
     */
    public boolean rekeyed() {
        return this.rekey != null;
    }

    public StreamDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(inputSchema, "inputSchema");
        Objects.requireNonNull(inputProcessor, "inputProcessor");
        outputs = List.copyOf(outputs);
        tables = List.copyOf(tables);
        Set<String> tableNames = new HashSet<>();
        for (TableDefinition<?, ?> table : tables) {
            if (!tableNames.add(table.name())) {
                throw new IllegalArgumentException("stream '" + name + "' declares table '" + table.name() + "' twice");
            }
        }
        if (name.isBlank() || input.isBlank()) {
            throw new IllegalArgumentException("a stream needs a name and an input topic");
        }
        if (rekey != null && inputProcessor instanceof io.millrace.streams.processor.BatchInputProcessor) {
            throw new IllegalArgumentException("stream '" + name + "' re-keys its input, so its input processor "
                    + "must be an InputProcessor, not a BatchInputProcessor");
        }
        if (rekey != null && strategy != null) {
            throw new IllegalArgumentException("stream '" + name + "' re-keys its input, so it runs the default "
                    + "pipeline in both stages and takes no strategy");
        }
    }

    /**
     * The output topics.
     * @return the topics, in routing order
     */
    public List<String> outputTopics() {
        return this.outputs.stream().map(Output::topic).toList();
    }

    /**
     * Starts a definition.
     * @param name the stream name
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds a {@link StreamDefinition}. */
    public static final class Builder {

        private final String name;

        private final List<Output<?, ?>> outputs = new ArrayList<>();

        private String input;

        private Schema<?> inputSchema;

        private InputProcessor<?, ?> inputProcessor;

        private StreamStrategy strategy;

        private final List<TableDefinition<?, ?>> tables = new ArrayList<>();

        private Rekey<?> rekey;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Sets the input.
         * @param topic the input topic
         * @param schema decodes the input
         * @param processor the input processor
         * @param <I> the input type
         * @return this builder
         */
        public <I> Builder input(String topic, Schema<I> schema, InputProcessor<? super I, ?> processor) {
            this.input = topic;
            this.inputSchema = schema;
            this.inputProcessor = processor;
            return this;
        }

        /**
         * Adds a one-to-one output.
         * @param topic the output topic
         * @param schema encodes the output
         * @param processor the output processor
         * @param <I> the type the input processor returns
         * @param <O> the output type
         * @return this builder
         */
        public <I, O> Builder output(String topic, Schema<O> schema, OutputProcessor<I, O> processor) {
            this.outputs.add(Output.of(topic, schema, processor));
            return this;
        }

        /**
         * Adds a one-to-many output.
         * @param topic the output topic
         * @param schema encodes the output
         * @param processor the output processor
         * @param <I> the type the input processor returns
         * @param <O> the output type
         * @return this builder
         */
        public <I, O> Builder flatOutput(String topic, Schema<O> schema, FlatOutputProcessor<I, O> processor) {
            this.outputs.add(new Output<>(topic, schema, processor));
            return this;
        }

        /**
         * Adds an output of a windowed table's results: one record per key and window, when the window closes.
         * @param table the windowed table
         * @param topic the output topic
         * @param schema encodes the output
         * @param processor makes the output message of a closed window
         * @param <K> the table's key type
         * @param <V> the table's value type
         * @param <O> the output type
         * @return this builder
         */
        public <K, V, O> Builder closedWindows(String table, String topic, Schema<O> schema,
                OutputProcessor<io.millrace.streams.table.Windowed<K, V>, O> processor) {
            this.outputs.add(Output.closedWindows(table, topic, schema, processor));
            return this;
        }

        /**
         * Replaces the default pipeline.
         * @param strategy builds the pipeline of each consumer client
         * @return this builder
         */
        public Builder strategy(StreamStrategy strategy) {
            this.strategy = strategy;
            return this;
        }

        /**
         * Adds a table, partitioned like the input; processors reach it with {@code context.table(name)}.
         * @param table the table
         * @return this builder
         */
        public Builder table(TableDefinition<?, ?> table) {
            this.tables.add(table);
            return this;
        }

        /**
         * Re-keys the stream's input before its tables and outputs: the input processor's results go to the
         * repartition topic under the key {@code key} chooses, and {@code processor} runs on them in the second stage,
         * with the tables; the outputs then take what {@code processor} returns.
         * @param key the new key of each record
         * @param schema encodes the input processor's results in the repartition topic
         * @param processor the second stage's input processor
         * @param <V> the type the input processor returns
         * @return this builder
         */
        public <V> Builder rekey(KeySelector<? super V> key, Schema<V> schema, InputProcessor<V, ?> processor) {
            return rekey(new Rekey<>(key, schema, processor));
        }

        /**
         * Re-keys the stream's input before its tables and outputs.
         * @param rekey the re-keying
         * @return this builder
         */
        public Builder rekey(Rekey<?> rekey) {
            this.rekey = rekey;
            return this;
        }

        /**
         * Builds the definition.
         * @return the definition
         */
        public StreamDefinition build() {
            return new StreamDefinition(this.name, this.input, this.inputSchema, this.inputProcessor, this.outputs,
                    this.strategy, this.tables, this.rekey);
        }
    }
}
