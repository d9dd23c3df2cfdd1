package io.millrace.streams.runtime.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;

/**
 * Kafka's cooperative sticky assignor for the active partitions, plus standby partitions for streams with tables:
 * the group leader places {@code replicas} warm copies of each partition on other instances and sends each member its
 * standby partitions in the assignment's user data.
 *
 * <p>Placement: instances are ordered by id (the process id in their client ids); the standbys of a partition go to
 * the {@code replicas} instances that follow its owner's instance in that order, wrapping around, never to the
 * owner's instance, at most one per instance. Within an instance the member with the fewest standbys takes it. With
 * fewer instances than {@code replicas + 1} every other instance keeps a copy. A partition nobody owns in this round
 * (cooperative rebalancing moves partitions in two rounds) keeps no standby until the next round.
 */
public class StandbyAssignor extends CooperativeStickyAssignor implements Configurable {

    /** The assignor's name in the group protocol. */
    public static final String NAME = "millrace-cooperative-standby";

    /** Consumer property: how many standby copies of each partition. */
    public static final String REPLICAS_CONFIG = "millrace.standby.replicas";

    /** Consumer property: the {@link Listener} object that hears the member's standbys. */
    public static final String LISTENER_CONFIG = "millrace.standby.listener";

    private int replicas;

    private Listener listener = (standbys, actives) -> {
    };

    @Override
    public void configure(Map<String, ?> configs) {
        Object replicas = configs.get(REPLICAS_CONFIG);
        this.replicas = (replicas != null) ? Integer.parseInt(replicas.toString()) : 0;
        if (configs.get(LISTENER_CONFIG) instanceof Listener configured) {
            this.listener = configured;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
        GroupAssignment actives = super.assign(metadata, groupSubscription);
        Map<String, List<Integer>> standbys = place(actives.groupAssignment(), this.replicas);
        Map<String, Assignment> assignments = new HashMap<>();
        actives.groupAssignment().forEach((member, assignment) -> assignments.put(member,
                new Assignment(assignment.partitions(), encode(standbys.getOrDefault(member, List.of())))));
        return new GroupAssignment(assignments);
    }

    /**
     * Places the standbys of every assigned partition.
     * @param actives the active assignment by member id
     * @param replicas copies per partition
     * @return standby partition numbers by member id
     */
    static Map<String, List<Integer>> place(Map<String, Assignment> actives, int replicas) {
        Map<String, List<String>> instances = new TreeMap<>();
        actives.keySet().stream().sorted().forEach((member) -> instances
            .computeIfAbsent(instanceOf(member), (key) -> new ArrayList<>()).add(member));
        List<String> order = new ArrayList<>(instances.keySet());
        Map<String, List<Integer>> standbys = new HashMap<>();
        if (replicas <= 0 || order.size() < 2) {
            return standbys;
        }
        Map<Integer, String> owners = new TreeMap<>();
        actives.forEach((member, assignment) -> assignment.partitions()
            .forEach((partition) -> owners.put(partition.partition(), member)));
        owners.forEach((partition, owner) -> {
            int start = order.indexOf(instanceOf(owner));
            for (int step = 1; step <= Math.min(replicas, order.size() - 1); step++) {
                List<String> members = instances.get(order.get((start + step) % order.size()));
                String least = members.get(0);
                for (String member : members) {
                    if (standbys.getOrDefault(member, List.of()).size()
                            < standbys.getOrDefault(least, List.of()).size()) {
                        least = member;
                    }
                }
                standbys.computeIfAbsent(least, (key) -> new ArrayList<>()).add(partition);
            }
        });
        return standbys;
    }

    /**
     * The instance of a member: its member id is {@code <client-id>-<uuid>}, its client id
     * {@code <group>-<process-id>-<n>}; members of one instance differ only in {@code n}.
     * @param member the member id
     * @return the instance key
     */
    static String instanceOf(String member) {
        String clientId = (member.length() > 37 && member.charAt(member.length() - 37) == '-')
                ? member.substring(0, member.length() - 37) : member;
        return clientId.replaceFirst("-\\d+$", "");
    }

    @Override
    public void onAssignment(Assignment assignment, ConsumerGroupMetadata metadata) {
        super.onAssignment(assignment, metadata);
        Set<Integer> actives = new HashSet<>();
        assignment.partitions().forEach((partition) -> actives.add(partition.partition()));
        this.listener.standbys(decode(assignment.userData()), actives);
    }

    static ByteBuffer encode(List<Integer> partitions) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * partitions.size());
        buffer.putInt(partitions.size());
        partitions.forEach(buffer::putInt);
        buffer.flip();
        return buffer;
    }

    static Set<Integer> decode(ByteBuffer data) {
        Set<Integer> partitions = new HashSet<>();
        if (data == null || data.remaining() < 4) {
            return partitions;
        }
        ByteBuffer buffer = data.duplicate();
        int count = buffer.getInt();
        for (int i = 0; i < count && buffer.remaining() >= 4; i++) {
            partitions.add(buffer.getInt());
        }
        return partitions;
    }

    /** Hears the standby partitions of one member, on its consumer's thread, before its rebalance callbacks. */
    @FunctionalInterface
    public interface Listener {

        /**
         * The member's standbys changed.
         * @param standbys the partitions to keep warm
         * @param actives the partitions the member owns after this assignment
         */
        void standbys(Set<Integer> standbys, Set<Integer> actives);
    }
}
