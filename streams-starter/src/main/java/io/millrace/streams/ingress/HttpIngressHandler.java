package io.millrace.streams.ingress;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

import io.millrace.streams.runtime.KafkaClients;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.schema.SchemaException;

/**
 * Accepts records over HTTP, like Bruco's http source: {@code POST /streams/{name}/records} decodes the body with
 * the stream's input schema and, if it is valid, produces the body unchanged to the stream's input topic, keyed by
 * the {@code key} query parameter or the {@code X-Record-Key} header.
 *
 * <p>Answers 202 with where the record was written once the broker acknowledged it, 400 with the schema's
 * violations, 404 for an unknown stream, 503 when the broker did not take the record.
 *
 * <p>A functional endpoint rather than a {@code @Controller}: an annotated controller is a component, and an
 * application that scans {@code io.millrace.streams} (as the streams service does for the samples) would get the
 * ingress whether it enabled it or not.
 */
public class HttpIngressHandler implements DisposableBean {

    /** The path of the records of a stream. */
    public static final String PATH = "/streams/{name}/records";

    /** The header that carries the record key when the query has none. */
    public static final String KEY_HEADER = "X-Record-Key";

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final StreamManager manager;

    private final KafkaClients clients;

    private Producer<byte[], byte[]> producer;

    /**
     * Creates the handler.
     * @param manager knows the streams, their input topics and schemas
     * @param clients makes the producer, on the first record
     */
    public HttpIngressHandler(StreamManager manager, KafkaClients clients) {
        this.manager = manager;
        this.clients = clients;
    }

    /**
     * The route to this handler, for Spring MVC's {@code RouterFunctionMapping}.
     * @return {@code POST /streams/{name}/records}
     */
    public RouterFunction<ServerResponse> routes() {
        return RouterFunctions.route().POST(PATH, this::post).build();
    }

    /**
     * Produces one record to a stream's input topic. Does not block: the response follows the broker's
     * acknowledgement.
     * @param request the request; its body is the record value, none being an empty value, never a tombstone
     * @return the response, once the broker answered
     * @throws Exception if the body cannot be read
     */
    public ServerResponse post(ServerRequest request) throws Exception {
        String name = request.pathVariable("name");
        Optional<StreamDefinition> stream = this.manager.definitions().stream()
            .filter((definition) -> definition.name().equals(name))
            .findFirst();
        if (stream.isEmpty()) {
            return ServerResponse.status(HttpStatus.NOT_FOUND).body(new Failure("No stream '" + name + "'"));
        }
        byte[] body = request.body(byte[].class);
        byte[] value = (body != null) ? body : new byte[0];
        try {
            stream.get().inputSchema().decode(value);
        }
        catch (SchemaException ex) {
            return ServerResponse.badRequest().body(new Rejected(ex.violations()));
        }
        String key = request.param("key").orElseGet(() -> request.headers().firstHeader(KEY_HEADER));
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(stream.get().input(),
                (key != null) ? key.getBytes(StandardCharsets.UTF_8) : null, value);
        CompletableFuture<ServerResponse> response = new CompletableFuture<>();
        try {
            producer().send(record, (metadata, exception) -> response.complete((exception != null)
                    ? unavailable(exception)
                    : ServerResponse.accepted().body(new Accepted(metadata.topic(), metadata.partition(),
                            metadata.offset()))));
        }
        catch (RuntimeException ex) {
            // send() throws rather than calls back when, say, the topic's metadata never arrived.
            response.complete(unavailable(ex));
        }
        return ServerResponse.async(response);
    }

    private static ServerResponse unavailable(Exception exception) {
        return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE).body(new Failure(exception.toString()));
    }

    private synchronized Producer<byte[], byte[]> producer() {
        if (this.producer == null) {
            // Made on first use: an application that never receives a record over HTTP needs no producer.
            this.producer = this.clients.producer("millrace-http-ingress", Map.of());
        }
        return this.producer;
    }

    @Override
    public synchronized void destroy() {
        if (this.producer != null) {
            this.clients.close(this.producer, CLOSE_TIMEOUT);
            this.producer = null;
        }
    }

    /**
     * Where an accepted record was written.
     * @param topic the stream's input topic
     * @param partition the partition
     * @param offset the offset
     */
    public record Accepted(String topic, int partition, long offset) {
    }

    /**
     * Why a body was refused.
     * @param violations what the schema found wrong, one sentence each
     */
    public record Rejected(List<String> violations) {
    }

    /**
     * Why a request failed.
     * @param error the reason
     */
    public record Failure(String error) {
    }
}
