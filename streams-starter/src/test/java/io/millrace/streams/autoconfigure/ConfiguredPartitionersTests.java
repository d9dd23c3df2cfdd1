package io.millrace.streams.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import io.millrace.streams.processor.Partitioner;
import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.runtime.KafkaClients;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConfiguredPartitioners}: {@code millrace.streams.<name>.outputs.<topic>.partitioner} on streams
 * defined in configuration and on annotated ones.
 */
class ConfiguredPartitionersTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, JacksonAutoConfiguration.class,
                ValidationAutoConfiguration.class, MillraceAutoConfiguration.class))
        .withPropertyValues("spring.kafka.bootstrap-servers=localhost:" + unusedPort(),
                "spring.kafka.admin.properties[default.api.timeout.ms]=500",
                "spring.kafka.admin.properties[request.timeout.ms]=500");

    @Test
    void aManualPartitionerSendsEveryRecordToItsPartition() {
        this.contextRunner.withPropertyValues("millrace.streams.audit.input=audit-in",
                "millrace.streams.audit.outputs.audit-out.partitioner=manual",
                "millrace.streams.audit.outputs.audit-out.partition=2")
            .run((context) -> assertThat(definition(context, "audit").outputs().get(0).partitioner()
                .partition("audit-out", key("a"), key("b"))).isEqualTo(2));
    }

    @Test
    void aRandomPartitionerPicksAmongThePartitionsOfTheOutputTopic() {
        this.contextRunner.withBean(KafkaClients.class, () -> new PartitionCounts(Map.of("spread", 4)))
            .withPropertyValues("millrace.streams.audit.input=audit-in",
                    "millrace.streams.audit.outputs.spread.partitioner=random")
            .run((context) -> {
                Partitioner partitioner = definition(context, "audit").outputs().get(0).partitioner();
                List<Integer> partitions = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    partitions.add(partitioner.partition("spread", key("same"), key("v")));
                }
                assertThat(partitions).containsOnly(0, 1, 2, 3).contains(0, 1, 2, 3);
            });
    }

    @Test
    void theOutputsOfAnAnnotatedStreamTakeTheirConfiguredPartitioner() {
        this.contextRunner.withBean("pingIngest", ConfiguredStreamsTests.PingIngest.class)
            .withBean("pingOut", ConfiguredStreamsTests.PingOut.class)
            .withPropertyValues("millrace.streams.ping.outputs.pong.partitioner=manual",
                    "millrace.streams.ping.outputs.pong.partition=1")
            .run((context) -> {
                StreamDefinition ping = definition(context, "ping");
                assertThat(ping.inputProcessor()).isSameAs(context.getBean("pingIngest"));
                assertThat(ping.outputs().get(0).partitioner().partition("pong", null, key("v"))).isEqualTo(1);
            });
    }

    @Test
    void aManualPartitionerWithoutAPartitionFailsTheStartup() {
        assertFailure("millrace.streams.audit.outputs.out.partition: the manual partitioner needs the partition",
                "millrace.streams.audit.input=in", "millrace.streams.audit.outputs.out.partitioner=manual");
    }

    @Test
    void aNegativePartitionFailsTheStartup() {
        assertFailure("millrace.streams.audit.outputs.out.partition: -1 is not a partition",
                "millrace.streams.audit.input=in", "millrace.streams.audit.outputs.out.partitioner=manual",
                "millrace.streams.audit.outputs.out.partition=-1");
    }

    @Test
    void aPartitionWithoutTheManualPartitionerFailsTheStartup() {
        assertFailure("millrace.streams.audit.outputs.out.partition: a partition is set but the partitioner is hash",
                "millrace.streams.audit.input=in", "millrace.streams.audit.outputs.out.partition=3");
    }

    @Test
    void configuringAnOutputAStreamDoesNotHaveFailsTheStartupListingItsOutputs() {
        this.contextRunner.withBean("pingIngest", ConfiguredStreamsTests.PingIngest.class)
            .withBean("pingOut", ConfiguredStreamsTests.PingOut.class)
            .withPropertyValues("millrace.streams.ping.outputs.pang.partitioner=random")
            .run((context) -> assertThat(context).getFailure().rootCause()
                .isInstanceOf(InvalidStreamsException.class)
                .hasMessageContaining("millrace.streams.ping.outputs.pang: stream 'ping' has no output 'pang'; "
                        + "its outputs: [pong]"));
    }

    private void assertFailure(String message, String... properties) {
        this.contextRunner.withPropertyValues(properties).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                .hasMessageContaining(message);
        });
    }

    private static StreamDefinition definition(AssertableApplicationContext context, String name) {
        assertThat(context).hasNotFailed();
        return context.getBean(StreamManager.class).definitions().stream()
            .filter((definition) -> definition.name().equals(name))
            .findFirst()
            .orElseThrow();
    }

    private static byte[] key(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String unusedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return String.valueOf(socket.getLocalPort());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Kafka clients that know partition counts and never find a stream's input, so no stream runs. */
    record PartitionCounts(Map<String, Integer> counts) implements KafkaClients {

        @Override
        public Consumer<byte[], byte[]> consumer(String groupId, String clientId, Map<String, Object> overrides) {
            throw new UnsupportedOperationException("no consumer expected");
        }

        @Override
        public Producer<byte[], byte[]> producer(String clientId, Map<String, Object> overrides) {
            throw new UnsupportedOperationException("no producer expected");
        }

        @Override
        public OptionalInt partitions(String topic) {
            Integer count = this.counts.get(topic);
            return (count != null) ? OptionalInt.of(count) : OptionalInt.empty();
        }

        @Override
        public void createTopic(String topic, int partitions, Map<String, String> config) {
            throw new UnsupportedOperationException("no topic expected");
        }
    }
}
