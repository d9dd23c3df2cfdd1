package io.millrace.streams.bench;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the benchmark's topics up front, so that no contender spends its measured time creating them.
 */
final class Topics implements AutoCloseable {

    private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);

    private final Admin admin;

    Topics(String bootstrapServers) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /**
     * Creates topics unless they exist, and waits until every partition has a leader.
     * @param names the topics
     * @param partitions their partition count
     */
    void create(Collection<String> names, int partitions) {
        create(names, partitions, Map.of());
    }

    /**
     * Creates topics with configs unless they exist, and waits until every partition has a leader.
     * @param names the topics
     * @param partitions their partition count
     * @param configs their configs, such as {@code cleanup.policy}
     */
    void create(Collection<String> names, int partitions, Map<String, String> configs) {
        List<NewTopic> topics = names.stream()
                .map((name) -> new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs))
                .toList();
        try {
            this.admin.createTopics(topics).all().get();
        }
        catch (ExecutionException ex) {
            if (!(ex.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create " + names, ex.getCause());
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating " + names, ex);
        }
        awaitLeaders(names);
    }

    /** A topic is created before its partitions have leaders; a producer that comes too soon gets retries. */
    private void awaitLeaders(Collection<String> names) {
        long deadline = System.nanoTime() + LEADER_TIMEOUT.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> topics = this.admin.describeTopics(names).allTopicNames().get();
                boolean led = topics.values().stream().flatMap((topic) -> topic.partitions().stream())
                        .allMatch((partition) -> partition.leader() != null && !partition.leader().isEmpty());
                if (led) {
                    // Metadata names a leader before the leader serves the partition; listing offsets waits for it.
                    Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                    topics.values().forEach((topic) -> topic.partitions().forEach((partition) -> partitions
                            .put(new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest())));
                    this.admin.listOffsets(partitions).all().get();
                    return;
                }
            }
            catch (ExecutionException ex) {
                // Not known everywhere yet: try again.
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + names, ex);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Topics " + names + " have no leaders after " + LEADER_TIMEOUT);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    /**
     * The end offsets of a topic's partitions.
     * @param topic the topic
     * @param partitions its partition count
     * @return partition to end offset
     */
    Map<TopicPartition, Long> endOffsets(String topic, int partitions) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int partition = 0; partition < partitions; partition++) {
            request.put(new TopicPartition(topic, partition), OffsetSpec.latest());
        }
        try {
            Map<TopicPartition, Long> ends = new HashMap<>();
            this.admin.listOffsets(request).all().get()
                    .forEach((partition, info) -> ends.put(partition, info.offset()));
            return ends;
        }
        catch (ExecutionException ex) {
            throw new IllegalStateException("Cannot list the offsets of " + topic, ex.getCause());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while listing the offsets of " + topic, ex);
        }
    }

    /**
     * The offsets a consumer group committed.
     * @param group the group
     * @return partition to committed offset; partitions without one are absent
     */
    Map<TopicPartition, Long> committed(String group) {
        try {
            Map<TopicPartition, Long> committed = new HashMap<>();
            this.admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .forEach((partition, offset) -> {
                        if (offset != null) {
                            committed.put(partition, offset.offset());
                        }
                    });
            return committed;
        }
        catch (ExecutionException ex) {
            throw new IllegalStateException("Cannot list the offsets of group " + group, ex.getCause());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while listing the offsets of group " + group, ex);
        }
    }

    @Override
    public void close() {
        this.admin.close(Duration.ofSeconds(5));
    }
}
