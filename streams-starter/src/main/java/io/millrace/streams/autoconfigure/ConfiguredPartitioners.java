package io.millrace.streams.autoconfigure;

import java.util.OptionalInt;
import java.util.function.Function;

import java.util.List;
import java.util.Map;

import io.millrace.streams.processor.Output;
import io.millrace.streams.processor.Partitioner;
import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.runtime.KafkaClients;
import io.millrace.streams.runtime.StreamDefinition;

/**
 * Gives the outputs of any stream the partitioner of {@code millrace.streams.<name>.outputs.<topic>.partitioner}.
 */
final class ConfiguredPartitioners {

    private final Map<String, MillraceProperties.Stream> settings;

    private final Function<String, OptionalInt> partitions;

    ConfiguredPartitioners(Map<String, MillraceProperties.Stream> settings, KafkaClients clients) {
        this(settings, clients::partitions);
    }

    /**
     * Partitioners whose random kind looks partition counts up lazily.
     * @param settings {@code millrace.streams}
     * @param partitions a topic's partitions, looked up on the first record a random partitioner sends
     */
    ConfiguredPartitioners(Map<String, MillraceProperties.Stream> settings, Function<String, OptionalInt> partitions) {
        this.settings = settings;
        this.partitions = partitions;
    }

    /**
     * The stream with its configured partitioners.
     * @param definition the stream
     * @return the stream, changed if any of its outputs is configured
     * @throws InvalidStreamsException if an output is unknown or its partitioner incomplete
     */
    StreamDefinition apply(StreamDefinition definition) {
        MillraceProperties.Stream configured = this.settings.get(definition.name());
        if (configured == null || configured.getOutputs().isEmpty()) {
            return definition;
        }
        String prefix = "millrace.streams." + definition.name() + ".outputs.";
        for (String topic : configured.getOutputs().keySet()) {
            if (!definition.outputTopics().contains(topic)) {
                throw new InvalidStreamsException(prefix + topic + ": stream '" + definition.name()
                        + "' has no output '" + topic + "'; its outputs: " + definition.outputTopics());
            }
        }
        List<Output<?, ?>> outputs = definition.outputs().stream().<Output<?, ?>>map((output) -> {
            MillraceProperties.Output settings = configured.getOutputs().get(output.topic());
            return (settings != null) ? output.withPartitioner(partitioner(prefix + output.topic(),
                    output.topic(), settings)) : output;
        }).toList();
        return new StreamDefinition(definition.name(), definition.input(), definition.inputSchema(),
                definition.inputProcessor(), outputs, definition.strategy(), definition.tables(), definition.rekey());
    }

    private Partitioner partitioner(String prefix, String topic, MillraceProperties.Output output) {
        MillraceProperties.Partitioner kind = output.getPartitioner();
        Integer partition = output.getPartition();
        if (kind != MillraceProperties.Partitioner.MANUAL && partition != null) {
            throw new InvalidStreamsException(prefix + ".partition: a partition is set but the partitioner is "
                    + kind.name().toLowerCase() + "; set " + prefix + ".partitioner to manual");
        }
        return switch (kind) {
            case HASH -> Partitioner.hash();
            // Looked up on the first record, after the runtime has created the topic.
            case RANDOM -> Partitioner.random(() -> this.partitions.apply(topic)
                .orElseThrow(() -> new IllegalStateException("Output topic " + topic + " does not exist")));
            case MANUAL -> {
                if (partition == null) {
                    throw new InvalidStreamsException(prefix + ".partition: the manual partitioner needs the "
                            + "partition every record goes to");
                }
                if (partition < 0) {
                    throw new InvalidStreamsException(prefix + ".partition: " + partition + " is not a partition");
                }
                yield Partitioner.manual(partition);
            }
        };
    }
}
