package io.millrace.streams.it;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import io.millrace.streams.ingress.HttpIngressHandler;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /streams/{name}/records} on a real port, producing to a real broker.
 */
class HttpIngressIntegrationTests {

    private static final JsonMapper JSON = new JsonMapper();

    private static ConfigurableApplicationContext context;

    private static RestClient http;

    @BeforeAll
    static void start() {
        TestKafka.createTopic("ingress-orders", 2);
        TestKafka.createTopic("ingress-notes", 1);
        context = new SpringApplicationBuilder(IngressApplication.class).web(WebApplicationType.SERVLET).run(
                "--server.port=0", "--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                "--millrace.application-id=ingress-test", "--millrace.http-ingress.enabled=true",
                "--millrace.streams.orders.input=ingress-orders",
                "--millrace.streams.orders.schema=json:" + Payload.class.getName(),
                "--millrace.streams.notes.input=ingress-notes", "--millrace.streams.notes.schema=string");
        http = RestClient.builder()
            .baseUrl("http://localhost:" + context.getEnvironment().getProperty("local.server.port"))
            .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
            })
            .build();
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void aValidBodyIsProducedToTheStreamsInputTopicKeyedByTheQueryAndTheResponseSaysWhere() {
        String body = "{\"id\": 1, \"kind\": \"fine\", \"extra\": true}";
        ResponseEntity<String> response = post("/streams/orders/records?key=order-1", body);

        assertThat(response.getStatusCode().value()).isEqualTo(202);
        JsonNode accepted = JSON.readTree(response.getBody());
        assertThat(accepted.get("topic").asString()).isEqualTo("ingress-orders");
        ConsumerRecord<byte[], byte[]> record = written(accepted);
        assertThat(TestKafka.utf8(record.key())).isEqualTo("order-1");
        assertThat(TestKafka.utf8(record.value())).as("the body unchanged").isEqualTo(body);
    }

    @Test
    void theKeyMayComeInAHeaderAndWithoutAnyKeyTheRecordHasNone() {
        ResponseEntity<String> keyed = http.post().uri("/streams/notes/records")
            .header(HttpIngressHandler.KEY_HEADER, "note-7")
            .contentType(MediaType.TEXT_PLAIN)
            .body("remember the milk")
            .retrieve()
            .toEntity(String.class);
        ResponseEntity<String> keyless = post("/streams/notes/records", "and the eggs");

        assertThat(keyed.getStatusCode().value()).isEqualTo(202);
        assertThat(keyless.getStatusCode().value()).isEqualTo(202);
        ConsumerRecord<byte[], byte[]> first = written(JSON.readTree(keyed.getBody()));
        ConsumerRecord<byte[], byte[]> second = written(JSON.readTree(keyless.getBody()));
        assertThat(TestKafka.utf8(first.key())).isEqualTo("note-7");
        assertThat(TestKafka.utf8(first.value())).isEqualTo("remember the milk");
        assertThat(second.key()).isNull();
        assertThat(TestKafka.utf8(second.value())).isEqualTo("and the eggs");
    }

    @Test
    void anInvalidBodyIsRefusedWithTheSchemasViolationsAndNotProduced() {
        int before = TestKafka.readAll("ingress-orders").size();
        ResponseEntity<String> response = post("/streams/orders/records?key=bad", "{\"id\": \"5\", \"kind\": \" \"}");

        assertThat(response.getStatusCode().value()).isEqualTo(400);
        JsonNode violations = JSON.readTree(response.getBody()).get("violations");
        assertThat(violations.isArray()).isTrue();
        assertThat(violations.toString()).contains("id");
        assertThat(post("/streams/orders/records", "").getStatusCode().value()).as("an empty body").isEqualTo(400);
        // A valid record after the invalid ones: everything before it in the topic was there before the test.
        ResponseEntity<String> valid = post("/streams/orders/records?key=good", "{\"id\": 2, \"kind\": \"fine\"}");
        assertThat(valid.getStatusCode().value()).isEqualTo(202);
        List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readAll("ingress-orders");
        assertThat(records).hasSize(before + 1);
        assertThat(records).extracting((record) -> TestKafka.utf8(record.key())).doesNotContain("bad");
    }

    @Test
    void anUnknownStreamIsNotFound() {
        ResponseEntity<String> response = post("/streams/nope/records", "{}");

        assertThat(response.getStatusCode().value()).isEqualTo(404);
        assertThat(response.getBody()).contains("No stream 'nope'");
    }

    private static ResponseEntity<String> post(String path, String body) {
        return http.post().uri(path).contentType(MediaType.APPLICATION_JSON).body(body).retrieve()
            .toEntity(String.class);
    }

    /** The record at the partition and offset of a 202 response. */
    private static ConsumerRecord<byte[], byte[]> written(JsonNode accepted) {
        String topic = accepted.get("topic").asString();
        int partition = accepted.get("partition").asInt();
        long offset = accepted.get("offset").asLong();
        return TestKafka.readUntil(topic, (records) -> records.stream()
            .anyMatch((record) -> record.partition() == partition && record.offset() == offset), Duration.ofSeconds(30))
            .stream()
            .filter((record) -> record.partition() == partition && record.offset() == offset)
            .findFirst()
            .orElseThrow();
    }

    /** No beans: both streams are defined in configuration. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class IngressApplication {
    }
}
