package io.millrace.streams.autoconfigure;

import java.util.List;
import java.util.function.Function;

import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamSettings;

/**
 * The application's streams as configured, before anything runs: the definitions found in {@code @StreamProcessor}
 * beans, {@link StreamDefinition} beans and {@code millrace.streams.*}, with their settings and the application id.
 * Built without Kafka, so that the runtime and a test slice start from the same streams.
 *
 * @param definitions the streams, with their configured partitioners, tables and strategies
 * @param settings the settings of a stream, by name
 * @param applicationId prefix of consumer groups, changelog and repartition topics
 */
public record MillraceStreams(List<StreamDefinition> definitions, Function<String, StreamSettings> settings,
        String applicationId) {

    public MillraceStreams {
        definitions = List.copyOf(definitions);
    }
}
