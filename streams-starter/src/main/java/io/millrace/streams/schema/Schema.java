package io.millrace.streams.schema;

/**
 * Decodes, validates and encodes one message type.
 *
 * <p>Implementations must be thread-safe: one instance serves every consumer client and worker of a stream.
 * A failure to decode or to validate is reported as a {@link SchemaException}, which the pipeline turns into a
 * dead letter; it never stops the stream.
 *
 * @param <T> the message type
 */
public interface Schema<T> {

    /**
     * The type this schema decodes to and encodes from.
     * @return the message type
     */
    Class<T> type();

    /**
     * Decodes and validates a record value.
     * @param data the raw value, possibly {@code null} (a tombstone)
     * @return the decoded, valid message, never {@code null}
     * @throws SchemaException if the value cannot be decoded or is invalid
     */
    T decode(byte[] data);

    /**
     * Validates and encodes a message.
     * @param value the message
     * @return the encoded bytes
     * @throws SchemaException if the message is invalid or cannot be encoded
     */
    byte[] encode(T value);
}
