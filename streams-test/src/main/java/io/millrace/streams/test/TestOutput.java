package io.millrace.streams.test;

import java.util.List;

import io.millrace.streams.schema.Schema;

/**
 * What the streams wrote to one topic, in the order they wrote it: records with keys and headers, or values decoded
 * with the topic's schema (the schema of the output that writes it).
 */
public final class TestOutput {

    private final TestTopics.Topic topic;

    private final Schema<?> schema;

    private int read;

    TestOutput(TestTopics.Topic topic, Schema<?> schema) {
        this.topic = topic;
        this.schema = schema;
    }

    /**
     * Every record of the topic, in the order written.
     * @return the records
     */
    public List<TestRecord> records() {
        return List.copyOf(this.topic.all());
    }

    /**
     * The records written since the last call on this output (all of them on the first).
     * @return the records
     */
    public List<TestRecord> readRecords() {
        List<TestRecord> all = this.topic.all();
        List<TestRecord> fresh = List.copyOf(all.subList(this.read, all.size()));
        this.read = all.size();
        return fresh;
    }

    /**
     * The keys, as UTF-8 text.
     * @return the keys in order
     */
    public List<String> keys() {
        return this.topic.all().stream().map(TestRecord::key).toList();
    }

    /**
     * The values decoded with the topic's schema.
     * @param <T> the schema's type
     * @return the values in order
     */
    @SuppressWarnings("unchecked")
    public <T> List<T> values() {
        if (this.schema == null) {
            throw new IllegalStateException("No output of the driver's streams writes " + this.topic.name()
                    + ", so it has no schema: read its records");
        }
        return this.topic.all().stream().map((record) -> (T) this.schema.decode(record.valueBytes())).toList();
    }

    /**
     * The values decoded with the topic's schema, as a type.
     * @param type the type
     * @param <T> the type
     * @return the values in order
     */
    public <T> List<T> values(Class<T> type) {
        return this.<Object>values().stream().map(type::cast).toList();
    }

    /**
     * The values as UTF-8 text.
     * @return the texts in order
     */
    public List<String> texts() {
        return this.topic.all().stream().map(TestRecord::value).toList();
    }

    /**
     * How many records the topic holds.
     * @return the count
     */
    public int size() {
        return this.topic.all().size();
    }
}
