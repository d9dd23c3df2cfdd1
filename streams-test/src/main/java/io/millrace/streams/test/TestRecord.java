package io.millrace.streams.test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A record in one of the driver's topics, as a consumer would read it.
 *
 * @param topic the topic
 * @param partition the partition
 * @param offset its offset in the partition
 * @param timestamp its timestamp
 * @param keyBytes the key, {@code null} for none
 * @param valueBytes the value, {@code null} for a tombstone
 * @param headers the headers
 */
public record TestRecord(String topic, int partition, long offset, long timestamp, byte[] keyBytes,
        byte[] valueBytes, Headers headers) {

    /**
     * The key as UTF-8 text.
     * @return the key, or {@code null}
     */
    public String key() {
        return (this.keyBytes != null) ? new String(this.keyBytes, StandardCharsets.UTF_8) : null;
    }

    /**
     * The value as UTF-8 text: JSON for the JSON schemas.
     * @return the value, or {@code null}
     */
    public String value() {
        return (this.valueBytes != null) ? new String(this.valueBytes, StandardCharsets.UTF_8) : null;
    }

    /**
     * The last header of a name, as UTF-8 text.
     * @param name the header
     * @return its value, or {@code null} if there is no such header
     */
    public String header(String name) {
        Header header = this.headers.lastHeader(name);
        return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8)
                : null;
    }

    /**
     * Every header name, in order.
     * @return the names
     */
    public List<String> headerNames() {
        List<String> names = new ArrayList<>();
        this.headers.forEach((header) -> names.add(header.key()));
        return names;
    }

    @Override
    public String toString() {
        return this.topic + "-" + this.partition + "@" + this.offset + " " + key() + " -> " + value();
    }
}
