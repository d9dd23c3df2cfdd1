package io.millrace.streams.ingress;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpHeaders;
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
 * violations, 404 for an unknown stream, 413 for a body larger than {@link Limits#maxBodySize()} (refused from its
 * {@code Content-Length} before it is read, or as soon as a chunked body passes the limit), 503 when the broker did
 * not take the record, and 503 when {@link Limits#maxInFlight()} records already wait for the broker; every 503
 * carries {@code Retry-After} (one second): a slow or absent broker makes clients back off instead of piling up
 * threads and bodies, so the bodies held are at most {@code maxInFlight} times {@code maxBodySize}.
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

    /** Records that may wait for the broker at once when nothing else is configured. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 100;

    /** Seconds a client given a 503 (the ingress full, or the broker did not take the record) should wait. */
    static final String RETRY_AFTER_SECONDS = "1";

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final StreamManager manager;

    private final KafkaClients clients;

    private final int maxBodySize;

    private final Semaphore inFlight;

    private final int maxInFlight;

    private Producer<byte[], byte[]> producer;

    /**
     * Creates the handler with the producer's {@code max.request.size} as the largest body and
     * {@link #DEFAULT_MAX_IN_FLIGHT} records waiting for the broker at most.
     * @param manager knows the streams, their input topics and schemas
     * @param clients makes the producer, on the first record
     */
    public HttpIngressHandler(StreamManager manager, KafkaClients clients) {
        this(manager, clients, new Limits(clients.maxRequestSize(Map.of()), DEFAULT_MAX_IN_FLIGHT));
    }

    /**
     * Creates the handler.
     * @param manager knows the streams, their input topics and schemas
     * @param clients makes the producer, on the first record
     * @param limits the largest body and the most records waiting for the broker
     */
    public HttpIngressHandler(StreamManager manager, KafkaClients clients, Limits limits) {
        this.manager = manager;
        this.clients = clients;
        this.maxBodySize = limits.maxBodySize();
        this.maxInFlight = limits.maxInFlight();
        this.inFlight = new Semaphore(limits.maxInFlight());
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
        long declared = request.servletRequest().getContentLengthLong();
        if (declared > this.maxBodySize) {
            return tooLarge();
        }
        if (!this.inFlight.tryAcquire()) {
            return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .body(new Failure(this.maxInFlight + " records already wait for the broker"));
        }
        CompletableFuture<ServerResponse> response = new CompletableFuture<>();
        // The permit goes back once, when the response is known, whichever way it is known.
        response.whenComplete((answer, failure) -> this.inFlight.release());
        try {
            return send(stream.get(), request, response);
        }
        catch (Exception | Error ex) {
            response.completeExceptionally(ex);
            throw ex;
        }
    }

    private ServerResponse send(StreamDefinition stream, ServerRequest request,
            CompletableFuture<ServerResponse> response) throws Exception {
        byte[] value = BoundedBody.read(request.servletRequest().getInputStream(), this.maxBodySize);
        if (value == null) {
            response.complete(tooLarge());
            return response.join();
        }
        try {
            stream.inputSchema().decode(value);
        }
        catch (SchemaException ex) {
            response.complete(ServerResponse.badRequest().body(new Rejected(ex.violations())));
            return response.join();
        }
        String key = request.param("key").orElseGet(() -> request.headers().firstHeader(KEY_HEADER));
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(stream.input(),
                (key != null) ? key.getBytes(StandardCharsets.UTF_8) : null, value);
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

    private ServerResponse tooLarge() {
        return ServerResponse.status(HttpStatus.CONTENT_TOO_LARGE)
            .body(new Failure("The body is larger than " + this.maxBodySize + " bytes"));
    }

    /**
     * Records sent and not yet answered by the broker, or being read and checked before they are sent.
     * @return at most {@link Limits#maxInFlight()}
     */
    public int inFlight() {
        return this.maxInFlight - this.inFlight.availablePermits();
    }

    private static ServerResponse unavailable(Exception exception) {
        return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
            .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
            .body(new Failure(exception.toString()));
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
     * How much the ingress takes on.
     * @param maxBodySize the largest body in bytes; a larger one is refused with 413 without being read whole
     * @param maxInFlight the most records read, checked or sent and not yet answered at once; past it, 503
     */
    public record Limits(int maxBodySize, int maxInFlight) {

        public Limits {
            if (maxBodySize < 0 || maxInFlight < 1) {
                throw new IllegalArgumentException("max-body-size must not be negative and max-in-flight must be "
                        + "positive");
            }
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
