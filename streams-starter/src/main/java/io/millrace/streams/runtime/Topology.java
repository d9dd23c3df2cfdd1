package io.millrace.streams.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that streams chained output to input form no cycle: a cycle would feed records around forever.
 */
final class Topology {

    private Topology() {
    }

    /**
     * Fails if the streams form a cycle.
     * @param streams the streams
     * @throws InvalidStreamsException naming the streams of the cycle
     */
    static void checkAcyclic(Collection<StreamDefinition> streams) {
        Map<String, List<StreamDefinition>> readers = new HashMap<>();
        for (StreamDefinition stream : streams) {
            readers.computeIfAbsent(stream.input(), (topic) -> new ArrayList<>()).add(stream);
        }
        Set<String> done = new HashSet<>();
        for (StreamDefinition stream : streams) {
            visit(stream, readers, new ArrayList<>(), done);
        }
    }

    private static void visit(StreamDefinition stream, Map<String, List<StreamDefinition>> readers,
            List<String> path, Set<String> done) {
        if (done.contains(stream.name())) {
            return;
        }
        int seen = path.indexOf(stream.name());
        if (seen >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
            cycle.add(stream.name());
            throw new InvalidStreamsException("Streams form a cycle: " + String.join(" -> ", cycle)
                    + " (each feeds the next through an output topic)");
        }
        path.add(stream.name());
        for (String output : stream.outputTopics()) {
            for (StreamDefinition reader : readers.getOrDefault(output, List.of())) {
                visit(reader, readers, path, done);
            }
        }
        path.remove(path.size() - 1);
        done.add(stream.name());
    }
}
