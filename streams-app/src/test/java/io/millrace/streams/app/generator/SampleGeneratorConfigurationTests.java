package io.millrace.streams.app.generator;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SampleGeneratorConfiguration}.
 */
class SampleGeneratorConfigurationTests {

    // No broker here: KafkaAdmin leaves the topics alone, and the generator starts with the
    // context but sends nothing at rate 0.
    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class))
        .withUserConfiguration(SampleGeneratorConfiguration.class)
        .withPropertyValues("spring.kafka.admin.auto-create=false", "millrace.samples.generator.rate=0");

    @Test
    void generatorAndItsTopicsByDefault() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(SampleTrafficGenerator.class);
            assertThat(context.getBean(SampleTrafficGenerator.class).isRunning()).isTrue();
            Collection<NewTopic> topics = context.getBeansOfType(NewTopic.class).values();
            assertThat(topics).extracting(NewTopic::name).containsExactlyInAnyOrder("animals", "sentences");
            assertThat(topics).extracting(NewTopic::numPartitions).containsOnly(3);
        });
    }

    @Test
    void partitionsAreConfigurable() {
        this.contextRunner.withPropertyValues("millrace.samples.generator.partitions=6")
            .run((context) -> assertThat(context.getBeansOfType(NewTopic.class).values())
                .extracting(NewTopic::numPartitions)
                .containsOnly(6));
    }

    @Test
    void nothingWhenDisabled() {
        this.contextRunner.withPropertyValues("millrace.samples.generator.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(SampleTrafficGenerator.class);
            assertThat(context).doesNotHaveBean(NewTopic.class);
        });
    }

    @Test
    void invalidRatioAboveOneIsRejected() {
        this.contextRunner.withPropertyValues("millrace.samples.generator.invalid-ratio=1.5")
            .run((context) -> assertThat(context).hasFailed()
                .getFailure()
                .hasStackTraceContaining("millrace.samples.generator.invalid-ratio"));
    }

    @Test
    void producerUsesStringsAndConnectionDetailsWithoutTransactions() {
        KafkaProperties kafkaProperties = new KafkaProperties();
        kafkaProperties.getProducer().setValueSerializer(ByteArraySerializer.class);
        kafkaProperties.getProducer().getProperties().put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-1");
        KafkaConnectionDetails connectionDetails = () -> List.of("kafka:9093");

        Map<String, Object> config = SampleGeneratorConfiguration.producerConfig(kafkaProperties, connectionDetails);

        assertThat(config).containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, List.of("kafka:9093"))
            .containsEntry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class)
            .containsEntry(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class)
            .doesNotContainKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    }

}
