package io.millrace.streams.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Which instance owns each partition of a stream's tables, and which keep standby copies, as the last assignment of
 * the stream's consumer group said: instances advertise where their queries are reached
 * ({@code millrace.queries.advertised-url}) in their subscriptions, and the group's leader sends every member the
 * whole map with its assignment (as Kafka Streams does with {@code application.server}).
 *
 * <p>A partition that moves between instances has no owner between the two rounds of a cooperative rebalance. The
 * map is only a routing hint: an instance answers for a partition only if it has the partition active (or, when the
 * caller accepts stale values, standby) itself.
 *
 * @param partitions how many partitions the stream's input (or repartition) topic has, {@code 0} when unknown
 * @param owners the advertised URL of each partition's owner, by partition; {@code null} for none
 * @param standbys the advertised URLs of each partition's standbys, by partition
 * @param generation counts the assignments this instance heard, {@code 0} for none
 */
public record PartitionOwners(int partitions, List<String> owners, List<List<String>> standbys, long generation) {

    /** Before the first assignment. */
    public static final PartitionOwners UNKNOWN = new PartitionOwners(0, List.of(), List.of(), 0);

    public PartitionOwners {
        owners = Collections.unmodifiableList(new ArrayList<>(owners));
        standbys = standbys.stream().map(List::copyOf).toList();
        if (owners.size() != partitions || standbys.size() != partitions) {
            throw new IllegalArgumentException("one owner and one standby list per partition");
        }
    }

    /**
     * The owner of a partition.
     * @param partition the partition
     * @return its owner's advertised URL, or {@code null} if it has none now or the partition is unknown
     */
    public String owner(int partition) {
        return (partition >= 0 && partition < this.partitions) ? this.owners.get(partition) : null;
    }

    /**
     * The standbys of a partition.
     * @param partition the partition
     * @return their advertised URLs, empty if none
     */
    public List<String> standbys(int partition) {
        return (partition >= 0 && partition < this.partitions) ? this.standbys.get(partition) : List.of();
    }

    /**
     * The map that follows another one, for the runtime.
     * @param previous the map it replaces
     * @param next the new map, its generation ignored
     * @return {@code next} counted after {@code previous}
     */
    public static PartitionOwners next(PartitionOwners previous, PartitionOwners next) {
        Objects.requireNonNull(previous, "previous");
        return new PartitionOwners(next.partitions, next.owners, next.standbys, previous.generation + 1);
    }
}
