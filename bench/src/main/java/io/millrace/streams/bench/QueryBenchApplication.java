package io.millrace.streams.bench;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.table.Table;
import io.millrace.streams.table.TableDefinition;

/**
 * One instance of the queries scenario: stream {@code lookups} reads {@code key -> decimal number} records from
 * {@code bench.queries.input} and puts each in table {@code values} ({@code String} to {@code Long}); no output. Run
 * as a servlet web application with {@code millrace.queries.enabled=true}, it answers
 * {@code GET /streams/lookups/tables/values/{key}}.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class QueryBenchApplication {

    static final String STREAM = "lookups";

    static final String TABLE = "values";

    @Bean
    StreamDefinition lookups(Environment environment) {
        return StreamDefinition.builder(STREAM)
                .input(environment.getRequiredProperty("bench.queries.input"), Schemas.string(),
                        (String value, StreamContext context) -> {
                            Table<String, Long> values = context.table(TABLE);
                            values.put(context.keyAsString(), Long.parseLong(value));
                            return null;
                        })
                .table(TableDefinition.of(TABLE, Schemas.string(), Schemas.longs()))
                .build();
    }
}
