package io.millrace.streams.app.generator;

import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/**
 * The sample traffic generator and its topics, unless
 * {@code millrace.samples.generator.enabled} is false.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = SampleGeneratorProperties.PREFIX + ".enabled", matchIfMissing = true)
@EnableConfigurationProperties(SampleGeneratorProperties.class)
class SampleGeneratorConfiguration {

    // Boot's KafkaAdmin creates NewTopic beans when the context is refreshed, before any
    // lifecycle bean, the generator included, starts.

    @Bean
    NewTopic sampleAnimalsTopic(SampleGeneratorProperties properties) {
        return TopicBuilder.name(SampleRecords.ANIMALS_TOPIC).partitions(properties.getPartitions()).build();
    }

    @Bean
    NewTopic sampleSentencesTopic(SampleGeneratorProperties properties) {
        return TopicBuilder.name(SampleRecords.SENTENCES_TOPIC).partitions(properties.getPartitions()).build();
    }

    @Bean
    SampleTrafficGenerator sampleTrafficGenerator(SampleGeneratorProperties properties,
            KafkaProperties kafkaProperties, ObjectProvider<KafkaConnectionDetails> connectionDetails) {
        Map<String, Object> config = producerConfig(kafkaProperties, connectionDetails.getIfAvailable());
        return new SampleTrafficGenerator(properties, () -> new KafkaProducer<>(config));
    }

    /**
     * Boot's producer configuration ({@code spring.kafka.producer.*}, connection details),
     * with string serializers and without a transactional id: the generator sends plain
     * records even when the application's producers are transactional.
     */
    static Map<String, Object> producerConfig(KafkaProperties kafkaProperties,
            KafkaConnectionDetails connectionDetails) {
        Map<String, Object> config = kafkaProperties.buildProducerProperties();
        if (connectionDetails != null) {
            KafkaConnectionDetails.Configuration producer = connectionDetails.getProducer();
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, producer.getBootstrapServers());
            if (producer.getSecurityProtocol() != null) {
                config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, producer.getSecurityProtocol());
            }
        }
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "millrace-sample-generator");
        // A missing topic or broker shows up as failed sends in the next report, not as a
        // minute of silence.
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return config;
    }

}
