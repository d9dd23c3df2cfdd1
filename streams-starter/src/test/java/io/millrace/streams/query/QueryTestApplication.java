package io.millrace.streams.query;

import java.time.Duration;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.Windows;

/**
 * One instance of a stream with three tables, for the query tests: stream {@code tally} reads words (key and value
 * the word, event time the record's timestamp) from {@code test.input}, counts each word in {@code tallies}, each
 * word length in {@code lengths} (keyed by a number) and each word in tumbling 10 s windows in {@code windows}, and
 * passes the word on to {@code test.output}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class QueryTestApplication {

    static final String STREAM = "tally";

    static final String TALLIES = "tallies";

    static final String LENGTHS = "lengths";

    static final String WINDOWS = "windows";

    static final String SESSIONS = "sessions";

    @Bean
    StreamDefinition tallyStream(Environment environment) {
        return StreamDefinition.builder(STREAM)
            .input(environment.getRequiredProperty("test.input"), Schemas.string(), new Tally())
            .output(environment.getRequiredProperty("test.output"), Schemas.string(),
                    (OutputProcessor<String, String>) (word) -> word)
            .table(TableDefinition.of(TALLIES, Schemas.string(), Schemas.longs()))
            .table(TableDefinition.of(LENGTHS, Schemas.longs(), Schemas.longs()))
            .table(TableDefinition.of(WINDOWS, Schemas.string(), Schemas.longs())
                .withWindows(Windows.tumbling(Duration.ofSeconds(10)).withGrace(Duration.ofHours(1))))
            .table(TableDefinition.of(SESSIONS, Schemas.string(), Schemas.longs())
                .withWindows(Windows.session(Duration.ofSeconds(5)).withGrace(Duration.ofHours(1))))
            .build();
    }

    /** Counts the word, its length and its window. */
    static class Tally implements InputProcessor<String, String> {

        @Override
        public String ingest(String word, StreamContext context) {
            context.<String, Long>table(TALLIES).merge(word, 1L, Long::sum);
            context.<Long, Long>table(LENGTHS).merge((long) word.length(), 1L, Long::sum);
            context.<String, Long>windowedTable(WINDOWS).merge(word, 1L, Long::sum);
            context.<String, Long>windowedTable(SESSIONS).merge(word, 1L, Long::sum);
            return word;
        }
    }
}
