package io.millrace.streams.runtime.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicPartition;

import io.millrace.streams.table.ChangelogRecord;

/**
 * A {@link TableGate} that records which partitions' writes a {@link Committer} committed or aborted, in its own
 * lists and as {@code tables.committed} and {@code tables.aborted} in a log it may share with other fakes.
 */
final class RecordingTableGate implements TableGate {

    final List<String> calls;

    final List<Set<TopicPartition>> committed = new ArrayList<>();

    final List<Set<TopicPartition>> aborted = new ArrayList<>();

    /** What the tables send to their changelogs before a transaction commits; logged only when not empty. */
    final List<ChangelogRecord> changelog = new ArrayList<>();

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
    public void sendChangelogs(Collection<TopicPartition> partitions, Consumer<ChangelogRecord> send) {
        if (!this.changelog.isEmpty()) {
            this.calls.add("tables.sendChangelogs");
            this.changelog.forEach(send);
        }
    }

    @Override
    public void aborted(Collection<TopicPartition> partitions) {
        this.calls.add("tables.aborted");
        this.aborted.add(Set.copyOf(partitions));
    }
}
