package io.millrace.streams.schema;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The built-in schemas for values that are not JSON messages.
 */
public final class Schemas {

    private Schemas() {
    }

    /**
     * A schema that passes bytes through unchanged; only a null value (a tombstone) is invalid.
     * @return the bytes schema
     */
    public static Schema<byte[]> bytes() {
        return BytesSchema.INSTANCE;
    }

    /**
     * A schema for UTF-8 text; a null value (a tombstone) and malformed UTF-8 are invalid.
     * @return the string schema
     */
    public static Schema<String> string() {
        return StringSchema.INSTANCE;
    }

    private static SchemaException failure(String message, String violation, Throwable cause) {
        SchemaException exception = new SchemaException(message, List.of(violation));
        if (cause != null) {
            exception.initCause(cause);
        }
        return exception;
    }

    private static final class BytesSchema implements Schema<byte[]> {

        static final BytesSchema INSTANCE = new BytesSchema();

        @Override
        public Class<byte[]> type() {
            return byte[].class;
        }

        @Override
        public byte[] decode(byte[] data) {
            if (data == null) {
                throw failure("Cannot decode bytes", "value is null (a tombstone)", null);
            }
            return data;
        }

        @Override
        public byte[] encode(byte[] value) {
            if (value == null) {
                throw failure("Cannot encode bytes", "value is null", null);
            }
            return value;
        }

        @Override
        public String toString() {
            return "Schemas.bytes()";
        }
    }

    private static final class StringSchema implements Schema<String> {

        static final StringSchema INSTANCE = new StringSchema();

        @Override
        public Class<String> type() {
            return String.class;
        }

        @Override
        public String decode(byte[] data) {
            if (data == null) {
                throw failure("Cannot decode String", "value is null (a tombstone)", null);
            }
            // new String(bytes, UTF_8) would replace malformed input with U+FFFD; a decoder per call because
            // CharsetDecoder is not thread-safe.
            try {
                return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data))
                    .toString();
            }
            catch (CharacterCodingException ex) {
                throw failure("Cannot decode String", "value is not valid UTF-8: " + ex.getMessage(), ex);
            }
        }

        @Override
        public byte[] encode(String value) {
            if (value == null) {
                throw failure("Cannot encode String", "value is null", null);
            }
            // getBytes would write '?' for a lone surrogate; failing keeps encode the inverse of decode.
            try {
                ByteBuffer buffer = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return bytes;
            }
            catch (CharacterCodingException ex) {
                throw failure("Cannot encode String", "value is not valid Unicode: " + ex.getMessage(), ex);
            }
        }

        @Override
        public String toString() {
            return "Schemas.string()";
        }
    }
}
