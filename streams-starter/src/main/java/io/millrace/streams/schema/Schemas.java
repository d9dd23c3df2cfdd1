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

    /**
     * A schema for a {@code Long} as a JSON number: decimal ASCII digits, exactly what the JSON schema of
     * {@code Long} writes, so either reads what the other wrote; parsed without a JSON parser (what tables of
     * counts use for their values). Whitespace around the number is allowed, as in JSON; anything else, a number out
     * of range, and a null value (a tombstone) are invalid.
     * @return the long schema
     */
    public static Schema<Long> longs() {
        return LongSchema.INSTANCE;
    }

    private static SchemaException failure(String message, String violation, Throwable cause) {
        SchemaException exception = new SchemaException(message, List.of(violation));
        if (cause != null) {
            exception.initCause(cause);
        }
        return exception;
    }

    private static boolean isAscii(byte[] data) {
        for (byte b : data) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isSurrogate(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static final class LongSchema implements Schema<Long> {

        static final LongSchema INSTANCE = new LongSchema();

        @Override
        public Class<Long> type() {
            return Long.class;
        }

        @Override
        public Long decode(byte[] data) {
            if (data == null) {
                throw failure("Cannot decode Long", "value is null (a tombstone)", null);
            }
            int start = 0;
            int end = data.length;
            while (start < end && isJsonWhitespace(data[start])) {
                start++;
            }
            while (end > start && isJsonWhitespace(data[end - 1])) {
                end--;
            }
            boolean negative = start < end && data[start] == '-';
            int digits = negative ? start + 1 : start;
            if (digits == end || (data[digits] == '0' && end - digits > 1)) {
                throw invalid(data);
            }
            long value = 0;
            for (int i = digits; i < end; i++) {
                int digit = data[i] - '0';
                if (digit < 0 || digit > 9) {
                    throw invalid(data);
                }
                // Accumulate negatively: Long.MIN_VALUE has no positive counterpart.
                if (value < (Long.MIN_VALUE + digit) / 10) {
                    throw invalid(data);
                }
                value = value * 10 - digit;
            }
            if (!negative) {
                if (value == Long.MIN_VALUE) {
                    throw invalid(data);
                }
                value = -value;
            }
            return value;
        }

        private static boolean isJsonWhitespace(byte b) {
            return b == ' ' || b == '\t' || b == '\n' || b == '\r';
        }

        private static SchemaException invalid(byte[] data) {
            String text = new String(data, 0, Math.min(data.length, 40), StandardCharsets.UTF_8);
            return failure("Cannot decode Long", "value is not a JSON integer in the range of a long: '" + text + "'",
                    null);
        }

        @Override
        public byte[] encode(Long value) {
            if (value == null) {
                throw failure("Cannot encode Long", "value is null", null);
            }
            return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public String toString() {
            return "Schemas.longs()";
        }
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
            if (isAscii(data)) {
                // The common case (keys, words, ids): ASCII is valid UTF-8 and decodes as Latin-1, without a decoder.
                return new String(data, StandardCharsets.ISO_8859_1);
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
            if (!hasSurrogate(value)) {
                // Without surrogates every char encodes: getBytes is exact, and much faster than an encoder.
                return value.getBytes(StandardCharsets.UTF_8);
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
