package io.millrace.streams.runtime.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.TopicPartition;

import io.millrace.streams.runtime.PartitionOwners;

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
 *
 * <p>Queries: a member advertises where its instance answers queries ({@link #QUERY_URL_CONFIG}) at the end of its
 * subscription's user data, after the cooperative sticky assignor's own; the leader sends every member the owner and
 * standbys of every partition, by URL, after its standbys ({@link PartitionOwners}).
 */
public class StandbyAssignor extends CooperativeStickyAssignor implements Configurable {

    /** The assignor's name in the group protocol. */
    public static final String NAME = "millrace-cooperative-standby";

    /** Consumer property: how many standby copies of each partition. */
    public static final String REPLICAS_CONFIG = "millrace.standby.replicas";

    /** Consumer property: the {@link Listener} object that hears the member's standbys. */
    public static final String LISTENER_CONFIG = "millrace.standby.listener";

    /** Consumer property: a {@code Supplier<String>} of this instance's advertised query URL. */
    public static final String QUERY_URL_CONFIG = "millrace.query.url";

    /** Consumer property: a {@code Consumer<PartitionOwners>} that hears each assignment's owners. */
    public static final String OWNERS_LISTENER_CONFIG = "millrace.query.owners-listener";

    /** Ends the user data this assignor appends, so that data of other versions is told apart. */
    private static final int MAGIC = 0x4d51_0001;

    private int replicas;

    private Supplier<String> queryUrl = () -> null;

    private Consumer<PartitionOwners> ownersListener = (owners) -> {
    };

    private Listener listener = (standbys, actives) -> {
    };

    @Override
    public void configure(Map<String, ?> configs) {
        Object replicas = configs.get(REPLICAS_CONFIG);
        this.replicas = (replicas != null) ? Integer.parseInt(replicas.toString()) : 0;
        if (configs.get(LISTENER_CONFIG) instanceof Listener configured) {
            this.listener = configured;
        }
        if (configs.get(QUERY_URL_CONFIG) instanceof Supplier<?> url) {
            this.queryUrl = () -> (String) url.get();
        }
        if (configs.get(OWNERS_LISTENER_CONFIG) instanceof Consumer<?> owners) {
            @SuppressWarnings("unchecked")
            Consumer<PartitionOwners> listener = (Consumer<PartitionOwners>) owners;
            this.ownersListener = listener;
        }
    }

    @Override
    public ByteBuffer subscriptionUserData(Set<String> topics) {
        ByteBuffer sticky = super.subscriptionUserData(topics);
        byte[] url = Objects.toString(this.queryUrl.get(), "").getBytes(StandardCharsets.UTF_8);
        int stickyBytes = (sticky != null) ? sticky.remaining() : 0;
        ByteBuffer data = ByteBuffer.allocate(stickyBytes + url.length + 2 + 4);
        if (sticky != null) {
            data.put(sticky.duplicate());
        }
        data.put(url).putShort((short) url.length).putInt(MAGIC);
        data.flip();
        return data;
    }

    /**
     * The query URL a member advertised, read from the end of its subscription's user data.
     * @param data the user data, not consumed
     * @return the URL, or {@code null} if it advertised none
     */
    static String advertisedUrl(ByteBuffer data) {
        if (data == null || data.remaining() < 6) {
            return null;
        }
        int end = data.limit();
        if (data.getInt(end - 4) != MAGIC) {
            return null;
        }
        int length = data.getShort(end - 6) & 0xffff;
        if (length == 0 || end - 6 - length < data.position()) {
            return null;
        }
        byte[] url = new byte[length];
        data.duplicate().position(end - 6 - length).get(url);
        return new String(url, StandardCharsets.UTF_8);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
        Map<String, String> urls = new HashMap<>();
        Set<String> topics = new java.util.TreeSet<>();
        groupSubscription.groupSubscription().forEach((member, subscription) -> {
            urls.put(member, advertisedUrl(subscription.userData()));
            topics.addAll(subscription.topics());
        });
        GroupAssignment actives = super.assign(metadata, groupSubscription);
        Map<String, List<Integer>> standbys = place(actives.groupAssignment(), this.replicas);
        Integer partitions = (topics.size() == 1) ? metadata.partitionCountForTopic(topics.iterator().next()) : null;
        byte[] owners = (partitions != null) ? encodeOwners(partitions, actives.groupAssignment(), standbys, urls)
                : new byte[0];
        Map<String, Assignment> assignments = new HashMap<>();
        actives.groupAssignment().forEach((member, assignment) -> assignments.put(member,
                new Assignment(assignment.partitions(), encode(standbys.getOrDefault(member, List.of()), owners))));
        return new GroupAssignment(assignments);
    }

    /**
     * The owner and standbys of every partition, by advertised URL: the partition count, the distinct URLs, then
     * per partition the owner's URL index ({@code -1} for none) and its standbys' indexes.
     */
    static byte[] encodeOwners(int partitions, Map<String, Assignment> actives, Map<String, List<Integer>> standbys,
            Map<String, String> urls) {
        List<String> distinct = new ArrayList<>(new java.util.TreeSet<>(
                urls.values().stream().filter(Objects::nonNull).toList()));
        int[] owner = new int[partitions];
        Arrays.fill(owner, -1);
        List<List<Integer>> copies = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            copies.add(new ArrayList<>());
        }
        actives.forEach((member, assignment) -> {
            int index = distinct.indexOf(urls.get(member));
            for (TopicPartition partition : assignment.partitions()) {
                if (partition.partition() < partitions) {
                    owner[partition.partition()] = index;
                }
            }
        });
        standbys.forEach((member, kept) -> {
            int index = distinct.indexOf(urls.get(member));
            for (int partition : kept) {
                if (index >= 0 && partition < partitions && !copies.get(partition).contains(index)) {
                    copies.get(partition).add(index);
                }
            }
        });
        List<byte[]> encodedUrls = distinct.stream().map((url) -> url.getBytes(StandardCharsets.UTF_8)).toList();
        int size = 4 + 4 + encodedUrls.stream().mapToInt((url) -> 2 + url.length).sum() + 4;
        for (List<Integer> copy : copies) {
            size += 8 + 4 * copy.size();
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.putInt(partitions).putInt(encodedUrls.size());
        encodedUrls.forEach((url) -> buffer.putShort((short) url.length).put(url));
        for (int partition = 0; partition < partitions; partition++) {
            buffer.putInt(owner[partition]).putInt(copies.get(partition).size());
            copies.get(partition).forEach(buffer::putInt);
        }
        buffer.putInt(MAGIC);
        return buffer.array();
    }

    /**
     * The owners an assignment carries after its standbys.
     * @param data the assignment's user data, not consumed
     * @return the owners, or {@code null} if the leader sent none
     */
    static PartitionOwners decodeOwners(ByteBuffer data) {
        if (data == null || data.remaining() < 4) {
            return null;
        }
        ByteBuffer buffer = data.duplicate();
        try {
            int standbys = buffer.getInt();
            buffer.position(buffer.position() + 4 * standbys);
            if (buffer.remaining() < 12 || buffer.getInt(buffer.limit() - 4) != MAGIC) {
                return null;
            }
            int partitions = buffer.getInt();
            List<String> urls = new ArrayList<>();
            for (int i = buffer.getInt(); i > 0; i--) {
                byte[] url = new byte[buffer.getShort() & 0xffff];
                buffer.get(url);
                urls.add(new String(url, StandardCharsets.UTF_8));
            }
            List<String> owners = new ArrayList<>();
            List<List<String>> copies = new ArrayList<>();
            for (int partition = 0; partition < partitions; partition++) {
                int owner = buffer.getInt();
                owners.add((owner >= 0) ? urls.get(owner) : null);
                List<String> copy = new ArrayList<>();
                for (int i = buffer.getInt(); i > 0; i--) {
                    copy.add(urls.get(buffer.getInt()));
                }
                copies.add(copy);
            }
            return new PartitionOwners(partitions, owners, copies, 0);
        }
        catch (RuntimeException ex) {
            // Another version's data: no owners rather than a failed assignment.
            return null;
        }
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
        PartitionOwners owners = decodeOwners(assignment.userData());
        if (owners != null) {
            this.ownersListener.accept(owners);
        }
    }

    static ByteBuffer encode(List<Integer> partitions) {
        return encode(partitions, new byte[0]);
    }

    static ByteBuffer encode(List<Integer> partitions, byte[] owners) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * partitions.size() + owners.length);
        buffer.putInt(partitions.size());
        partitions.forEach(buffer::putInt);
        buffer.put(owners);
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
