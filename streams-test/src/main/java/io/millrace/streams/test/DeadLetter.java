package io.millrace.streams.test;

import java.nio.ByteBuffer;

import org.apache.kafka.common.header.Header;

import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.strategy.InvalidMessage;

/**
 * A record of a dead-letter topic, with what its headers say: why it was dead-lettered and where it came from.
 *
 * @param record the dead-letter record: the original key, value and headers, plus the reason headers
 */
public record DeadLetter(TestRecord record) {

    /**
     * Where in the pipeline the record failed ({@value DeadLetters#REASON}).
     * @return the reason
     */
    public InvalidMessage.Reason reason() {
        return InvalidMessage.Reason.valueOf(this.record.header(DeadLetters.REASON));
    }

    /**
     * The failure's class name ({@value DeadLetters#EXCEPTION_FQCN}).
     * @return the class name
     */
    public String exception() {
        return this.record.header(DeadLetters.EXCEPTION_FQCN);
    }

    /**
     * The root cause's class name ({@value DeadLetters#EXCEPTION_CAUSE_FQCN}).
     * @return the class name
     */
    public String cause() {
        return this.record.header(DeadLetters.EXCEPTION_CAUSE_FQCN);
    }

    /**
     * The failure's message ({@value DeadLetters#EXCEPTION_MESSAGE}).
     * @return the message
     */
    public String message() {
        return this.record.header(DeadLetters.EXCEPTION_MESSAGE);
    }

    /**
     * The stream that dead-lettered it ({@value DeadLetters#STREAM}).
     * @return the stream
     */
    public String stream() {
        return this.record.header(DeadLetters.STREAM);
    }

    /**
     * The topic the original record was read from.
     * @return the topic
     */
    public String originalTopic() {
        return this.record.header(DeadLetters.ORIGINAL_TOPIC);
    }

    /**
     * The original record's offset.
     * @return the offset
     */
    public long originalOffset() {
        Header header = this.record.headers().lastHeader(DeadLetters.ORIGINAL_OFFSET);
        return ByteBuffer.wrap(header.value()).getLong();
    }

    /**
     * The original key as UTF-8 text.
     * @return the key, or {@code null}
     */
    public String key() {
        return this.record.key();
    }

    /**
     * The original value as UTF-8 text.
     * @return the value, or {@code null}
     */
    public String value() {
        return this.record.value();
    }

    @Override
    public String toString() {
        return reason() + " " + this.record + ": " + message();
    }
}
