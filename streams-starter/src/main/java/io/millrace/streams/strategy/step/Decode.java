package io.millrace.streams.strategy.step;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.millrace.streams.schema.Schema;
import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.ProcessingStrategy;

/**
 * Decodes and validates each record's value with the stream's input schema; a value that fails becomes an
 * invalid message bound for the dead-letter topic.
 *
 * @param <T> the decoded type
 */
public final class Decode<T> extends ForwardingStep<ConsumerRecord<byte[], byte[]>, T> {

    private final Schema<T> schema;

    public Decode(Schema<T> schema, ProcessingStrategy<T> next) {
        super(next);
        this.schema = schema;
    }

    @Override
    Message<T> process(Message<ConsumerRecord<byte[], byte[]>> message) {
        if (!message.hasPayload()) {
            return message.withoutPayload();
        }
        try {
            return message.withPayload(this.schema.decode(message.payload().value()));
        }
        catch (RuntimeException ex) {
            // A user schema may throw anything; any failure to decode is the record's fault, not the stream's.
            return message.invalid(new InvalidMessage(InvalidMessage.Reason.INVALID_INPUT, ex));
        }
    }
}
