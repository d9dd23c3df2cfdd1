package io.millrace.streams.strategy.worker;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.table.ContextTable;
import io.millrace.streams.table.Table;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.TableWrites;
import io.millrace.streams.table.Tables;
import io.millrace.streams.table.ContextWindowedTable;
import io.millrace.streams.table.WindowClosing;
import io.millrace.streams.table.WindowedTable;

/**
 * The {@link StreamContext} of one worker: its attributes live as long as the worker, the record accessors
 * describe the record being processed. Confined to the worker's thread.
 */
public final class WorkerContext implements StreamContext {

    private static final Headers NO_HEADERS = readOnlyEmptyHeaders();

    private final String stream;

    private final Map<String, String> properties;

    private final Logger logger;

    private final Map<String, Object> attributes = new HashMap<>();

    private final Tables tables;

    private final TableWrites writes = new TableWrites();

    private final Map<String, Table<?, ?>> tableViews = new HashMap<>();

    private final Map<String, WindowedTable<?, ?>> windowedViews = new HashMap<>();

    private ConsumerRecord<byte[], byte[]> record;

    /** The record whose event time the input processor gave, and that time. */
    private ConsumerRecord<byte[], byte[]> timedRecord;

    private long eventTime;

    private final boolean windowed;

    /**
     * Creates a worker's context for a stream without tables.
     * @param stream the stream name
     * @param properties the stream's properties
     */
    public WorkerContext(String stream, Map<String, String> properties) {
        this(stream, properties, Tables.NONE);
    }

    /**
     * Creates a worker's context.
     * @param stream the stream name
     * @param properties the stream's properties
     * @param tables the stream's tables in this instance
     */
    public WorkerContext(String stream, Map<String, String> properties, Tables tables) {
        this.stream = stream;
        this.properties = Map.copyOf(properties);
        this.logger = LoggerFactory.getLogger("io.millrace.streams.stream." + stream);
        this.tables = tables;
        this.windowed = WindowClosing.any(tables);
    }

    /**
     * The stream's tables in this instance.
     * @return the tables
     */
    public Tables tables() {
        return this.tables;
    }

    /**
     * Whether the stream has windowed tables: every processed record moves their stream time.
     * @return {@code true} if it has
     */
    public boolean windowed() {
        return this.windowed;
    }

    /**
     * Sets the event time of a record, as its input processor gave it.
     * @param record the record
     * @param eventTime its event time
     */
    public void setEventTime(ConsumerRecord<byte[], byte[]> record, long eventTime) {
        this.timedRecord = record;
        this.eventTime = eventTime;
    }

    /**
     * The table writes of the record in hand.
     * @return the writes
     */
    public TableWrites writes() {
        return this.writes;
    }

    /**
     * Makes a record current, or none.
     * @param record the record being processed, or {@code null}
     */
    public void setRecord(ConsumerRecord<byte[], byte[]> record) {
        this.record = record;
    }

    private static Headers readOnlyEmptyHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.setReadOnly();
        return headers;
    }

    @Override
    public String stream() {
        return this.stream;
    }

    @Override
    public byte[] key() {
        return (this.record != null) ? this.record.key() : null;
    }

    @Override
    public String keyAsString() {
        byte[] key = key();
        return (key != null) ? new String(key, StandardCharsets.UTF_8) : null;
    }

    @Override
    public Headers headers() {
        return (this.record != null) ? this.record.headers() : NO_HEADERS;
    }

    @Override
    public String topic() {
        return (this.record != null) ? this.record.topic() : null;
    }

    @Override
    public int partition() {
        return (this.record != null) ? this.record.partition() : -1;
    }

    @Override
    public long offset() {
        return (this.record != null) ? this.record.offset() : -1;
    }

    @Override
    public long timestamp() {
        return (this.record != null) ? this.record.timestamp() : -1;
    }

    @Override
    public long eventTime() {
        ConsumerRecord<byte[], byte[]> record = this.record;
        if (record == null) {
            return -1;
        }
        return (record == this.timedRecord) ? this.eventTime : record.timestamp();
    }

    @Override
    public Logger logger() {
        return this.logger;
    }

    @Override
    public Map<String, Object> attributes() {
        return this.attributes;
    }

    @Override
    public Map<String, String> properties() {
        return this.properties;
    }

    @Override
    @SuppressWarnings({ "unchecked", "rawtypes" })
    public <K, V> Table<K, V> table(String name) {
        Table<?, ?> view = this.tableViews.get(name);
        if (view == null) {
            TableDefinition<?, ?> definition = this.tables.definition(name);
            if (definition == null) {
                throw new IllegalArgumentException("Stream '" + this.stream + "' has no table '" + name + "'");
            }
            if (definition.windowed()) {
                throw new IllegalArgumentException("Table '" + name + "' of stream '" + this.stream
                        + "' is windowed: use windowedTable(\"" + name + "\")");
            }
            view = new ContextTable(definition, this.tables, this.writes, this::partition);
            this.tableViews.put(name, view);
        }
        return (Table<K, V>) view;
    }

    @Override
    @SuppressWarnings({ "unchecked", "rawtypes" })
    public <K, V> WindowedTable<K, V> windowedTable(String name) {
        WindowedTable<?, ?> view = this.windowedViews.get(name);
        if (view == null) {
            TableDefinition<?, ?> definition = this.tables.definition(name);
            if (definition == null || !definition.windowed()) {
                throw new IllegalArgumentException("Stream '" + this.stream + "' has no windowed table '" + name
                        + "'" + ((definition != null) ? ": it is a plain table, use table(\"" + name + "\")" : ""));
            }
            view = new ContextWindowedTable(definition, this.tables, this.writes, this::partition, this::eventTime);
            this.windowedViews.put(name, view);
        }
        return (WindowedTable<K, V>) view;
    }
}
