package io.millrace.streams.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.KeySelector;
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
 * <p>Keyed input, or ({@code bench.windowed.rekeyed}) re-keyed: a first stage whose {@code KeySelector} takes the
 * value (the counted key) as the new key, sending each record to the repartition topic, and a second stage that
 * counts the re-keyed records ({@link StreamContext#keyAsString()} is now the counted key) with the same table and
 * output: what {@code @StreamProcessor(rekeyed = true)} builds (README, "Re-keying").
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
        InputProcessor<byte[], byte[]> count = (byte[] value, StreamContext context) -> {
            context.<String, Long>windowedTable(TABLE).merge(context.keyAsString(), 1L, Long::sum);
            return null;
        };
        String input = environment.getRequiredProperty("bench.windowed.input");
        StreamDefinition.Builder builder = StreamDefinition.builder(STREAM);
        if (environment.getProperty("bench.windowed.rekeyed", Boolean.class, false)) {
            KeySelector<byte[]> byValue = (value) -> new String(value, StandardCharsets.UTF_8);
            builder.input(input, Schemas.bytes(), (byte[] value, StreamContext context) -> value)
                .rekey(byValue, Schemas.bytes(), count);
        }
        else {
            builder.input(input, Schemas.bytes(), count);
        }
        return builder
                .table(TableDefinition.of(TABLE, Schemas.string(), Schemas.longs())
                        .withWindows(Windows.tumbling(WindowedRecords.SIZE).withGrace(WindowedRecords.GRACE)))
                .closedWindows(TABLE, environment.getProperty("bench.windowed.output", OUTPUT), Schemas.bytes(),
                        result)
                .build();
    }
}
