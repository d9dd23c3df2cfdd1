package io.millrace.streams.strategy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The Micrometer {@link Observation} of one record's way through a stream, from the moment it enters the pipeline to
 * the broker's acknowledgement of its outputs or its dead letter; it exists only when an {@link ObservationRegistry}
 * that is not a no-op is configured (Boot's tracing is on).
 *
 * <p>Like spring-kafka's listener and template observations: the record's observation ({@value #NAME}) has a
 * {@link ReceiverContext} whose carrier is the input record, so a tracer continues the trace context in its headers
 * ({@code traceparent}, {@code b3}, ...); its outputs are sent under a child observation ({@value #SEND_NAME}) with a
 * {@link SenderContext} whose carrier is the output records, so the tracer writes the send's trace context into every
 * output's headers and into the dead letter, replacing the headers copied from the input. The next stream continues
 * the same trace. Changelog writes get no trace headers.
 *
 * <p>Used on the poll thread only: started by the consumer loop, stopped by {@code Produce}.
 */
public final class RecordObservation {

    /** The name of a record's observation. */
    public static final String NAME = "millrace.record";

    /** The name of the observation of the sends of a record's outputs or dead letter. */
    public static final String SEND_NAME = "millrace.record.send";

    private final ObservationRegistry registry;

    private final String stream;

    private final Observation receive;

    private Observation send;

    private boolean stopped;

    private RecordObservation(ObservationRegistry registry, String stream, Observation receive) {
        this.registry = registry;
        this.stream = stream;
        this.receive = receive;
    }

    /**
     * Whether records are observed with this registry.
     * @param registry the registry, or {@code null}
     * @return {@code false} for none and for {@link ObservationRegistry#NOOP}
     */
    public static boolean enabled(ObservationRegistry registry) {
        return registry != null && !registry.isNoop();
    }

    /**
     * Starts the observation of a record entering a stream's pipeline; its parent is the trace context in the
     * record's headers, if any.
     * @param registry the registry
     * @param stream the stream's name
     * @param record the input record
     * @return the started observation
     */
    public static RecordObservation start(ObservationRegistry registry, String stream,
            ConsumerRecord<byte[], byte[]> record) {
        ReceiverContext<ConsumerRecord<byte[], byte[]>> context = new ReceiverContext<>(
                (carrier, key) -> lastHeader(carrier.headers(), key));
        context.setCarrier(record);
        context.setRemoteServiceName("kafka");
        Observation receive = Observation.createNotStarted(NAME, () -> context, registry)
            .contextualName(record.topic() + " process")
            .lowCardinalityKeyValue("millrace.stream", stream)
            .lowCardinalityKeyValue("messaging.system", "kafka")
            .lowCardinalityKeyValue("messaging.destination.name", record.topic())
            .start();
        return new RecordObservation(registry, stream, receive);
    }

    private static String lastHeader(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8)
                : null;
    }

    /**
     * Starts the observation of the sends of the record's outputs (or its dead letter), a child of the record's, and
     * writes its trace context into their headers. Call before sending them. A send observation already open (outputs
     * that failed, now dead-lettered) is stopped first.
     * @param records the records about to be sent
     */
    public void sending(List<ProducerRecord<byte[], byte[]>> records) {
        stopSend(null);
        SenderContext<List<ProducerRecord<byte[], byte[]>>> context = new SenderContext<>(
                (carrier, key, value) -> {
                    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                    for (ProducerRecord<byte[], byte[]> record : carrier) {
                        if (!(record instanceof Callback)) {
                            // The input's trace headers were copied into the output: this send's replace them.
                            record.headers().remove(key);
                            record.headers().add(key, bytes);
                        }
                    }
                });
        context.setCarrier(records);
        context.setRemoteServiceName("kafka");
        this.send = Observation.createNotStarted(SEND_NAME, () -> context, this.registry)
            .parentObservation(this.receive)
            .contextualName(this.stream + " send")
            .lowCardinalityKeyValue("millrace.stream", this.stream)
            .lowCardinalityKeyValue("messaging.system", "kafka")
            .start();
    }

    /**
     * Stops the record's observations once its fate is final: sent and acknowledged, filtered, or dead-lettered.
     * @param invalid why the record was dead-lettered, or {@code null}
     */
    public void stop(InvalidMessage invalid) {
        if (this.stopped) {
            return;
        }
        this.stopped = true;
        stopSend(null);
        this.receive.lowCardinalityKeyValue("millrace.outcome", (invalid != null) ? "dead-lettered" : "completed");
        if (invalid != null) {
            this.receive.error(invalid);
        }
        this.receive.stop();
    }

    /**
     * Stops the record's observations with an error: the record was dropped before its fate was final (its pipeline
     * was terminated or failed); it will be consumed again. Stopping twice does nothing.
     * @param reason why
     */
    public void abandon(Throwable reason) {
        if (this.stopped) {
            return;
        }
        this.stopped = true;
        stopSend(reason);
        this.receive.lowCardinalityKeyValue("millrace.outcome", "abandoned");
        this.receive.error(reason);
        this.receive.stop();
    }

    private void stopSend(Throwable error) {
        Observation open = this.send;
        if (open != null) {
            this.send = null;
            if (error != null) {
                open.error(error);
            }
            open.stop();
        }
    }
}
