package io.millrace.streams.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import io.millrace.streams.ingress.HttpIngressHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /streams/{name}/records} when no broker answers: a port nothing listens on. Sends then wait for
 * metadata that never comes, the worst a slow broker can do to the ingress.
 */
class HttpIngressBrokerDownIntegrationTests {

    private static final int MAX_IN_FLIGHT = 4;

    private static final int CLIENTS = 40;

    private static final int MAX_REQUEST_SIZE = 5000;

    /** Sends wait for the broker far longer than any test runs: whoever holds a permit holds it to the end. */
    private static ConfigurableApplicationContext stuck;

    /** Sends give up after a second: permits come back. */
    private static ConfigurableApplicationContext failing;

    /** The stuck requests: their clients are daemon threads, abandoned when the class ends. */
    private static final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS, (task) -> {
        Thread thread = new Thread(task, "ingress-client");
        thread.setDaemon(true);
        return thread;
    });

    @BeforeAll
    static void start() {
        stuck = start("--millrace.http-ingress.max-in-flight=" + MAX_IN_FLIGHT,
                "--spring.kafka.producer.properties[max.block.ms]=600000",
                "--spring.kafka.producer.properties[max.request.size]=" + MAX_REQUEST_SIZE);
        failing = start("--millrace.http-ingress.max-in-flight=1",
                "--spring.kafka.producer.properties[max.block.ms]=1000");
    }

    private static ConfigurableApplicationContext start(String... properties) {
        List<String> args = new java.util.ArrayList<>(List.of("--server.port=0", "--server.shutdown=immediate",
                "--spring.kafka.bootstrap-servers=localhost:" + unusedPort(), "--millrace.application-id=ingress-down",
                "--millrace.topics.create=false", "--millrace.http-ingress.enabled=true",
                "--millrace.streams.notes.input=ingress-down-notes", "--millrace.streams.notes.schema=string",
                "--millrace.streams.notes.enabled=false"));
        args.addAll(List.of(properties));
        return new SpringApplicationBuilder(HttpIngressIntegrationTests.IngressApplication.class)
            .web(WebApplicationType.SERVLET)
            .run(args.toArray(String[]::new));
    }

    @AfterAll
    static void stop() {
        clients.shutdownNow();
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { stuck, failing }) {
            if (context != null) {
                context.close();
            }
        }
    }

    @Test
    void manyConcurrentPostsHoldAtMostMaxInFlightAndTheRestAreToldToComeBackLater() {
        RestClient http = client(stuck);
        ConcurrentLinkedQueue<ResponseEntity<String>> answered = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> posts = IntStream.range(0, CLIENTS)
            .mapToObj((n) -> CompletableFuture.runAsync(() -> answered.add(post(http, "note " + n)), clients))
            .toList();

        await().atMost(Duration.ofSeconds(60)).until(() -> answered.size() >= CLIENTS - MAX_IN_FLIGHT);
        HttpIngressHandler handler = stuck.getBean(HttpIngressHandler.class);
        assertThat(handler.inFlight()).isEqualTo(MAX_IN_FLIGHT);
        assertThat(answered).hasSize(CLIENTS - MAX_IN_FLIGHT).allSatisfy((response) -> {
            assertThat(response.getStatusCode().value()).isEqualTo(503);
            assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
            assertThat(response.getBody()).contains(MAX_IN_FLIGHT + " records already wait for the broker");
        });
        assertThat(posts.stream().filter(CompletableFuture::isDone)).hasSize(CLIENTS - MAX_IN_FLIGHT);
    }

    @Test
    void withoutMaxBodySizeTheLimitIsTheProducersMaxRequestSize() {
        ResponseEntity<String> response = post(client(stuck), "x".repeat(MAX_REQUEST_SIZE + 1));

        assertThat(response.getStatusCode().value()).isEqualTo(413);
        assertThat(response.getBody()).contains("larger than " + MAX_REQUEST_SIZE + " bytes");
    }

    @Test
    void aSendTheBrokerNeverTookAnswers503AndGivesItsPermitBack() {
        RestClient http = client(failing);
        for (int attempt = 1; attempt <= 3; attempt++) {
            // One permit: were it kept, the second post would be refused as busy, not failed by the producer.
            ResponseEntity<String> response = post(http, "attempt " + attempt);

            assertThat(response.getStatusCode().value()).as("attempt %d", attempt).isEqualTo(503);
            assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).as("attempt %d", attempt)
                .isEqualTo("1");
            assertThat(response.getBody()).as("attempt %d", attempt).contains("TimeoutException");
        }
        assertThat(failing.getBean(HttpIngressHandler.class).inFlight()).isZero();
    }

    private static RestClient client(ConfigurableApplicationContext context) {
        return RestClient.builder()
            .baseUrl("http://localhost:" + context.getEnvironment().getProperty("local.server.port"))
            .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
            })
            .build();
    }

    private static ResponseEntity<String> post(RestClient http, String body) {
        return http.post().uri("/streams/notes/records").contentType(MediaType.TEXT_PLAIN).body(body).retrieve()
            .toEntity(String.class);
    }

    private static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
