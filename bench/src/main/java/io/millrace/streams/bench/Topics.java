package io.millrace.streams.bench;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the benchmark's topics up front, so that no contender spends its measured time creating them.
 */
final class Topics implements AutoCloseable {

    private final Admin admin;

    Topics(String bootstrapServers) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /**
     * Creates topics unless they exist.
     * @param names the topics
     * @param partitions their partition count
     */
    void create(Collection<String> names, int partitions) {
        List<NewTopic> topics = names.stream()
                .map((name) -> new NewTopic(name, Optional.of(partitions), Optional.empty()))
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
    }

    @Override
    public void close() {
        this.admin.close(Duration.ofSeconds(5));
    }
}
