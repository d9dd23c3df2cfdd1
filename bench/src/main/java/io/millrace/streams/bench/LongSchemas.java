package io.millrace.streams.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.millrace.streams.schema.Schema;

/**
 * Two encodings of a {@code Long}: decimal text (what a Millrace table of {@code Long} stores, the JSON of a number)
 * and eight big-endian bytes (Kafka's {@code LongSerializer}, what Kafka Streams' {@code count()} writes).
 */
final class LongSchemas {

    private LongSchemas() {
    }

    static Schema<Long> decimal() {
        return Decimal.INSTANCE;
    }

    static Schema<Long> bigEndian() {
        return BigEndian.INSTANCE;
    }

    private static final class Decimal implements Schema<Long> {

        static final Decimal INSTANCE = new Decimal();

        @Override
        public Class<Long> type() {
            return Long.class;
        }

        @Override
        public Long decode(byte[] data) {
            return Long.parseLong(new String(data, StandardCharsets.US_ASCII));
        }

        @Override
        public byte[] encode(Long value) {
            return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static final class BigEndian implements Schema<Long> {

        static final BigEndian INSTANCE = new BigEndian();

        @Override
        public Class<Long> type() {
            return Long.class;
        }

        @Override
        public Long decode(byte[] data) {
            return ByteBuffer.wrap(data).getLong();
        }

        @Override
        public byte[] encode(Long value) {
            return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
        }
    }
}
