package io.millrace.streams.runtime.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

/**
 * A {@link TableGate} that records which partitions' writes a {@link Committer} committed or aborted, in its own
 * lists and as {@code tables.committed} and {@code tables.aborted} in a log it may share with other fakes.
 */
final class RecordingTableGate implements TableGate {

    final List<String> calls;

    final List<Set<TopicPartition>> committed = new ArrayList<>();

    final List<Set<TopicPartition>> aborted = new ArrayList<>();

    RecordingTableGate() {
        this(new ArrayList<>());
    }

    RecordingTableGate(List<String> calls) {
        this.calls = calls;
    }

    @Override
    public void committed(Collection<TopicPartition> partitions) {
        this.calls.add("tables.committed");
        this.committed.add(Set.copyOf(partitions));
    }

    @Override
    public void aborted(Collection<TopicPartition> partitions) {
        this.calls.add("tables.aborted");
        this.aborted.add(Set.copyOf(partitions));
    }
}
