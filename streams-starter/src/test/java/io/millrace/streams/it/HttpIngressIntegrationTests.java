package io.millrace.streams.it;

import java.io.IOException;
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

    private static final int MAX_BODY_SIZE = 64 * 1024;

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
                "--millrace.streams.notes.input=ingress-notes", "--millrace.streams.notes.schema=string",
                "--millrace.http-ingress.max-body-size=" + MAX_BODY_SIZE + "B");
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

    @Test
    void aBodyAsLargeAsTheLimitIsTakenAndOneByteMoreIsRefusedWith413AndNotProduced() {
        int before = TestKafka.readAll("ingress-notes").size();
        ResponseEntity<String> tooLarge = post("/streams/notes/records?key=too-large", "y".repeat(MAX_BODY_SIZE + 1));
        ResponseEntity<String> largest = post("/streams/notes/records?key=largest", "x".repeat(MAX_BODY_SIZE));

        assertThat(tooLarge.getStatusCode().value()).isEqualTo(413);
        assertThat(tooLarge.getBody()).contains("larger than " + MAX_BODY_SIZE + " bytes");
        assertThat(largest.getStatusCode().value()).isEqualTo(202);
        assertThat(TestKafka.utf8(written(JSON.readTree(largest.getBody())).value())).hasSize(MAX_BODY_SIZE);
        List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readAll("ingress-notes");
        assertThat(records).hasSize(before + 1);
        assertThat(records).extracting((record) -> TestKafka.utf8(record.key())).doesNotContain("too-large");
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeTheBodyIsSent() throws IOException {
        try (RawHttp raw = RawHttp.connect(port())) {
            // 20 MB announced, not one byte of it sent: only the headers can have been read.
            raw.write("POST /streams/notes/records HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: " + (20 * 1024 * 1024) + "\r\n\r\n");

            assertThat(raw.statusLine()).startsWith("HTTP/1.1 413");
        }
    }

    @Test
    void aChunkedBodyIsRefusedAsSoonAsItPassesTheLimitWithoutWaitingForItsEnd() throws IOException {
        int before = TestKafka.readAll("ingress-notes").size();
        try (RawHttp raw = RawHttp.connect(port())) {
            raw.write("POST /streams/notes/records?key=endless HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n");
            // A body that never ends: an ingress that buffers it whole never answers.
            raw.writeChunksUntilClosed();

            assertThat(raw.statusLine()).startsWith("HTTP/1.1 413");
        }
        assertThat(TestKafka.readAll("ingress-notes")).hasSize(before);
    }

    private static int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
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
