package io.millrace.streams.runtime.internal;

import java.util.List;

import io.millrace.streams.processor.Output;
import io.millrace.streams.runtime.Rekey;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.runtime.StreamStrategy;

/**
 * What runs of a stream: its stages (one, or two for a stream that re-keys its input) and the pipeline each stage
 * builds. The runtime's runners and the test kit both take them from here, so the two cannot build different
 * pipelines.
 */
public final class Stages {

    private Stages() {
    }

    /**
     * One stage of a stream.
     *
     * @param definition what the stage reads, runs and writes
     * @param groupId its consumer group
     * @param deadLetterTopic the stream's dead-letter topic
     * @param writes the repartition topic it creates and writes to, or {@code null}
     * @param partitions the repartition topic's partitions, {@code 0} for the input's
     * @param purges whether it deletes what it committed from its input, a repartition topic
     */
    public record Stage(StreamDefinition definition, String groupId, String deadLetterTopic, String writes,
            int partitions, boolean purges) {
    }

    /**
     * The stages of a stream. A re-keyed stream has two: stage 1 reads the input in group
     * {@code <application-id>-<stream>}, runs the input processor and writes each result under its new key to the
     * repartition topic; stage 2 reads that topic in group {@code <application-id>-<stream>-repartition} with the
     * re-keying's processor, the stream's tables and outputs.
     * @param definition the stream
     * @param settings its settings
     * @param applicationId prefix of consumer groups and repartition topics
     * @return the stages, in order
     */
    public static List<Stage> of(StreamDefinition definition, StreamSettings settings, String applicationId) {
        String group = StreamClients.groupId(applicationId, definition.name());
        String deadLetterTopic = settings.deadLetterTopicFor(definition.input());
        if (!definition.rekeyed()) {
            return List.of(new Stage(definition, group, deadLetterTopic, null, 0, false));
        }
        Rekey<?> rekey = definition.rekey();
        String topic = Rekey.topic(applicationId, definition.name());
        StreamDefinition repartitioning = new StreamDefinition(definition.name(), definition.input(),
                definition.inputSchema(), definition.inputProcessor(), List.of(repartitionOutput(topic, rekey)),
                Repartitioning.strategy(topic, rekey, definition.inputProcessor()), List.of());
        StreamDefinition rekeyed = new StreamDefinition(definition.name(), topic, rekey.schema(), rekey.processor(),
                definition.outputs(), null, definition.tables());
        return List.of(new Stage(repartitioning, group, deadLetterTopic, topic, rekey.partitions(), false),
                new Stage(rekeyed, group + "-repartition", deadLetterTopic, null, 0, true));
    }

    /**
     * The pipeline a stage builds for each consumer client: its own strategy, or the default
     * {@code Decode → Ingest → Route → Produce → CommitOffsets}.
     * @param definition the stage
     * @return the strategy
     */
    public static StreamStrategy strategy(StreamDefinition definition) {
        return (definition.strategy() != null) ? definition.strategy() : PipelineFactory::new;
    }

    /** Names the repartition topic and its schema as stage 1's output; stage 1's pipeline writes it without routing. */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static Output<?, ?> repartitionOutput(String topic, Rekey<?> rekey) {
        return new Output(topic, rekey.schema(), (value, context, emitter) -> {
            throw new UnsupportedOperationException("stage 1 of a re-keyed stream does not route");
        });
    }
}
