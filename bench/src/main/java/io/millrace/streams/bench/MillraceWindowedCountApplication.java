package io.millrace.streams.bench;

import java.nio.ByteBuffer;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.Windowed;
import io.millrace.streams.table.Windows;

/**
 * Windowed count doing what Kafka Streams' {@code groupByKey().windowedBy(..).count().suppress(untilWindowCloses)}
 * does: the value is not decoded (the key is counted), the record timestamp is the event time, a windowed table of
 * {@code String} to {@code Long} (tumbling 10 s, grace 1 s), no output per record, and an output of closed windows:
 * one record per key and window, keyed by the key, the 8-byte window start then the 8-byte count.
 *
 * <p>Keyed input. For the re-keyed variant of issue 12, count the value ({@code new String(value, UTF_8)}) behind
 * the re-keying step once Millrace has one.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class MillraceWindowedCountApplication {

    static final String STREAM = "windowed-count";

    static final String TABLE = "window-counts";

    static final String OUTPUT = "millrace-window-counts";

    @Bean
    StreamDefinition windowedCount(Environment environment) {
        OutputProcessor<Windowed<String, Long>, byte[]> result = (window) -> ByteBuffer.allocate(2 * Long.BYTES)
                .putLong(window.windowStart()).putLong(window.value()).array();
        return StreamDefinition.builder(STREAM)
                .input(environment.getRequiredProperty("bench.windowed.input"), Schemas.bytes(),
                        (byte[] value, StreamContext context) -> {
                            context.<String, Long>windowedTable(TABLE).merge(context.keyAsString(), 1L, Long::sum);
                            return null;
                        })
                .table(TableDefinition.of(TABLE, Schemas.string(), LongSchemas.decimal())
                        .withWindows(Windows.tumbling(WindowedRecords.SIZE).withGrace(WindowedRecords.GRACE)))
                .closedWindows(TABLE, OUTPUT, Schemas.bytes(), result)
                .build();
    }
}
