package io.millrace.streams.runtime;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.schema.Schemas;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link Topology}.
 */
class TopologyTests {

    @Test
    void aStreamWritingToItsOwnInputIsACycle() {
        assertThatExceptionOfType(InvalidStreamsException.class)
            .isThrownBy(() -> Topology.checkAcyclic(List.of(stream("echo", "a", "a"))))
            .withMessageContaining("Streams form a cycle: echo -> echo");
    }

    @Test
    void twoStreamsFeedingEachOtherAreACycle() {
        assertThatExceptionOfType(InvalidStreamsException.class)
            .isThrownBy(() -> Topology.checkAcyclic(List.of(stream("ping", "a", "b"), stream("pong", "b", "a"))))
            .withMessageContaining("ping -> pong -> ping");
    }

    @Test
    void aCycleFurtherDownAChainIsFoundAndNamedWithoutTheStreamsBeforeIt() {
        assertThatExceptionOfType(InvalidStreamsException.class)
            .isThrownBy(() -> Topology.checkAcyclic(List.of(stream("source", "in", "a"), stream("one", "a", "b"),
                    stream("two", "b", "c"), stream("three", "c", "a"))))
            .withMessageContaining("Streams form a cycle: one -> two -> three -> one");
    }

    @Test
    void aChainWithoutACycleIsAccepted() {
        assertThatNoException().isThrownBy(() -> Topology.checkAcyclic(List.of(stream("sentences", "s", "words"),
                stream("words", "words", "counts"), stream("counts", "counts", "report"))));
    }

    @Test
    void streamsSharingAnInputOrAnOutputWithoutACycleAreAccepted() {
        assertThatNoException().isThrownBy(() -> Topology.checkAcyclic(List.of(stream("split", "in", "a", "b"),
                stream("left", "a", "joined"), stream("right", "b", "joined"), stream("sink", "joined", "out"),
                stream("audit", "in", "audit"))));
    }

    @Test
    void aStreamWithoutOutputsIsAccepted() {
        assertThatNoException().isThrownBy(() -> Topology.checkAcyclic(List.of(stream("sink", "in"))));
    }

    private static StreamDefinition stream(String name, String input, String... outputs) {
        StreamDefinition.Builder builder = StreamDefinition.builder(name).input(input, Schemas.string(),
                (value, context) -> value);
        for (String output : outputs) {
            builder.output(output, Schemas.string(), (OutputProcessor<String, String>) (value) -> value);
        }
        return builder.build();
    }
}
