package io.millrace.streams.app.generator;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SampleTrafficGenerator}.
 */
class SampleTrafficGeneratorTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final List<MockProducer<String, String>> producers = new ArrayList<>();

    private RuntimeException sendException;

    private final SampleGeneratorProperties properties = new SampleGeneratorProperties();

    private final SampleTrafficGenerator generator = new SampleTrafficGenerator(this.properties, this::newProducer,
            Clock.systemUTC(), new Random(7));

    @AfterEach
    void stopGenerator() {
        this.generator.stop();
    }

    @Test
    void producesValidAnimalsAndSentencesWhenNothingShouldBeInvalid() {
        this.properties.setRate(200);
        this.properties.setInvalidRatio(0);
        this.generator.start();
        assertThat(this.generator.isRunning()).isTrue();
        await().atMost(TIMEOUT).until(() -> count("animals") >= 50 && count("sentences") >= 50);
        this.generator.stop();
        assertThat(history()).allSatisfy((record) -> {
            if (record.topic().equals("animals")) {
                assertThat(SampleSchemas.isValidAnimal(record.value())).as(record.value()).isTrue();
            }
            else {
                assertThat(record.topic()).isEqualTo("sentences");
                assertThat(SampleSchemas.isValidSentence(record.value())).as(record.value()).isTrue();
            }
        });
    }

    @Test
    void producesOnlyInvalidRecordsAtRatioOne() {
        this.properties.setRate(200);
        this.properties.setInvalidRatio(1);
        this.generator.start();
        await().atMost(TIMEOUT).until(() -> count("animals") >= 50 && count("sentences") >= 50);
        this.generator.stop();
        assertThat(history()).noneMatch((record) -> SampleSchemas.isValidAnimal(record.value())
                || SampleSchemas.isValidSentence(record.value()));
    }

    @Test
    void stopClosesTheProducerAndStartMakesANewOne() {
        this.properties.setRate(200);
        this.generator.start();
        await().atMost(TIMEOUT).until(() -> count("animals") > 0);
        this.generator.stop();
        assertThat(this.generator.isRunning()).isFalse();
        assertThat(this.producers).singleElement().satisfies((producer) -> assertThat(producer.closed()).isTrue());

        this.generator.start();
        assertThat(this.producers).hasSize(2);
        await().atMost(TIMEOUT).until(() -> !this.producers.get(1).history().isEmpty());
    }

    @Test
    void keepsProducingAfterSendsFail() {
        this.properties.setRate(200);
        this.sendException = new KafkaException("Broker gone");
        this.generator.start();
        MockProducer<String, String> producer = this.producers.get(0);
        await().atMost(TIMEOUT).during(Duration.ofMillis(200)).until(() -> producer.history().isEmpty());
        setSendException(producer, null);
        await().atMost(TIMEOUT).until(() -> !producer.history().isEmpty());
    }

    private MockProducer<String, String> newProducer() {
        MockProducer<String, String> producer = new MockProducer<>(true, null, new StringSerializer(),
                new StringSerializer());
        producer.sendException = this.sendException;
        this.producers.add(producer);
        return producer;
    }

    private static void setSendException(MockProducer<String, String> producer, RuntimeException exception) {
        // MockProducer reads the field in its synchronized send().
        synchronized (producer) {
            producer.sendException = exception;
        }
    }

    private List<ProducerRecord<String, String>> history() {
        return this.producers.stream().flatMap((producer) -> producer.history().stream()).toList();
    }

    private long count(String topic) {
        return history().stream().filter((record) -> record.topic().equals(topic)).count();
    }

}
