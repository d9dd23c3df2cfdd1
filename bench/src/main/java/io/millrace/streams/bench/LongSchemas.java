package io.millrace.streams.bench;

import java.nio.ByteBuffer;

import io.millrace.streams.schema.Schema;

/**
 * A {@code Long} as eight big-endian bytes (Kafka's {@code LongSerializer}, what Kafka Streams' {@code count()}
 * writes). Millrace's tables of {@code Long} use the built-in {@code Schemas.longs()} (decimal text, the JSON of a
 * number), as a user's would.
 */
final class LongSchemas {

    private LongSchemas() {
    }

    static Schema<Long> bigEndian() {
        return BigEndian.INSTANCE;
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
