package io.millrace.streams.bench;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.table.Table;
import io.millrace.streams.table.TableDefinition;

/**
 * Word count doing what Kafka Streams' {@code groupByKey().count()} does, with nothing more: the value is not
 * decoded (the key is the word), the table holds {@code String} to {@code Long} (decimal, as a {@code Long} table
 * does), and the output is the count as 8 bytes, Kafka's {@code LongSerializer} layout. The framework's cost alone.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class MillraceRawWordCountApplication {

    static final String STREAM = "word-count-raw";

    static final String TABLE = "raw-counts";

    static final String OUTPUT = "millrace-raw-word-counts";

    @Bean
    StreamDefinition rawWordCount(Environment environment) {
        OutputProcessor<Long, Long> count = (value) -> value;
        return StreamDefinition.builder(STREAM)
                .input(environment.getRequiredProperty("bench.wordcount.input"), Schemas.bytes(),
                        (byte[] value, io.millrace.streams.processor.StreamContext context) -> {
                            Table<String, Long> counts = context.table(TABLE);
                            return counts.merge(context.keyAsString(), 1L, Long::sum);
                        })
                .output(OUTPUT, LongSchemas.bigEndian(), count)
                .table(TableDefinition.of(TABLE, Schemas.string(), Schemas.longs()))
                .build();
    }
}
