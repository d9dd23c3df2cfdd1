package io.millrace.streams.bench;

import java.util.Set;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.table.Table;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.TableListener;

/**
 * A Millrace stream with one RocksDB table, {@value RestoreScenario#TABLE} ({@code String} to {@code Long}), whose
 * changelog is the seeded topic ({@code millrace.application-id} is {@value RestoreScenario#APPLICATION_ID}). Its
 * input processor reads the table for each record and tells the {@link RestoreProbe} (a bean the harness
 * registers); a {@link TableListener} tells it when the tables are restored.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class MillraceRestoreApplication {

    static final String STREAM = "restore";

    @Bean
    StreamDefinition restoreStream(Environment environment, RestoreProbe probe) {
        return StreamDefinition.builder(STREAM)
                .input(environment.getRequiredProperty("bench.restore.input"), Schemas.string(), new Probe(probe))
                .table(TableDefinition.of(RestoreScenario.TABLE, Schemas.string(), Schemas.longs()))
                .build();
    }

    @Bean
    TableListener restoreListener(RestoreProbe probe) {
        return new TableListener() {

            @Override
            public void onActivesReady(String stream, Set<Integer> partitions) {
                probe.ready(partitions, 0);
            }
        };
    }

    /** Reads the table for each record, and tells the probe; outputs nothing. */
    private static final class Probe implements InputProcessor<String, Object> {

        private final RestoreProbe probe;

        Probe(RestoreProbe probe) {
            this.probe = probe;
        }

        @Override
        public Object ingest(String value, StreamContext context) {
            Table<String, Long> counts = context.table(RestoreScenario.TABLE);
            counts.get(context.keyAsString());
            this.probe.probe(context.partition(), value);
            return null;
        }
    }
}
