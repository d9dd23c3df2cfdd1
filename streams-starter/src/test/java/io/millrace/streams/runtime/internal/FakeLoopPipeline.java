package io.millrace.streams.runtime.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@link LoopPipeline} for testing a {@link Committer} alone: records what it is asked ({@code drain},
 * {@code rebuild}, {@code rewind}) in a log it may share with other fakes, drains as the test says and moves offsets
 * past commit markers where the test put a position.
 */
final class FakeLoopPipeline implements LoopPipeline {

    final List<String> calls;

    final List<Map<TopicPartition, Long>> rewinds = new ArrayList<>();

    /** Per partition, the consumer's position past the commit markers. */
    final Map<TopicPartition, Long> positions = new HashMap<>();

    /** Whether a drain finishes every submitted record. */
    boolean drains = true;

    /** Runs while the pipeline drains, as a joined pipeline reports its last offsets. */
    Runnable onDrain = () -> {
    };

    /** Whether a pipeline is built: a drain or a rewind drops it; the committer or the test builds it again. */
    boolean built = true;

    FakeLoopPipeline() {
        this(new ArrayList<>());
    }

    FakeLoopPipeline(List<String> calls) {
        this.calls = calls;
    }

    @Override
    public boolean built() {
        return this.built;
    }

    @Override
    public boolean drain() {
        this.calls.add("drain");
        this.onDrain.run();
        this.built = false;
        return this.drains;
    }

    @Override
    public void rebuild() {
        this.calls.add("rebuild");
        this.built = true;
    }

    @Override
    public void rewind(Map<TopicPartition, Long> offsets) {
        this.calls.add("rewind");
        this.rewinds.add(Map.copyOf(offsets));
        this.built = false;
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> pastMarkers(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, OffsetAndMetadata> moved = new HashMap<>(offsets);
        this.positions.forEach((partition, position) -> moved.computeIfPresent(partition,
                (key, offset) -> (position > offset.offset()) ? new OffsetAndMetadata(position) : offset));
        return Map.copyOf(moved);
    }
}
