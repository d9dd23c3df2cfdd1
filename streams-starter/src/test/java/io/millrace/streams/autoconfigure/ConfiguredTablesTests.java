package io.millrace.streams.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

import jakarta.validation.constraints.NotNull;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import io.millrace.streams.processor.BatchInputProcessor;
import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.processor.StreamProcessor;
import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.schema.JsonSchema;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.schema.StreamSchema;
import io.millrace.streams.table.StreamTable;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.TableDefinition.StoreType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tables through the auto-configuration: {@link StreamTable} on input processors and
 * {@code millrace.streams.<name>.tables.<table>.*} ({@link ConfiguredTables}). No broker: the streams only wait for
 * their input topic.
 */
class ConfiguredTablesTests {

    private static final AutoConfigurations MILLRACE = AutoConfigurations.of(KafkaAutoConfiguration.class,
            JacksonAutoConfiguration.class, ValidationAutoConfiguration.class, MillraceAutoConfiguration.class);

    @TempDir
    static Path stateDir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(MILLRACE)
        .withPropertyValues("spring.kafka.bootstrap-servers=localhost:" + unusedPort(),
                "spring.application.name=zoo", "millrace.state-dir=" + stateDir,
                "spring.kafka.admin.properties[default.api.timeout.ms]=500",
                "spring.kafka.admin.properties[request.timeout.ms]=500")
        .withBean("counter", Counter.class)
        .withBean("out", CountOut.class);

    @Test
    void theTablesOfStreamTableAnnotationsBelongToTheirStream() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(tables(context.getBean(StreamManager.class))).satisfiesExactly((counts) -> {
                assertThat(counts.name()).isEqualTo("counts");
                assertThat(counts.keySchema()).isSameAs(Schemas.string());
                assertThat(counts.valueSchema()).isSameAs(Schemas.longs());
                assertThat(counts.store()).isNull();
                assertThat(counts.changelogTopic("zoo")).isEqualTo("zoo-counts-changelog");
            }, (seen) -> {
                assertThat(seen.name()).isEqualTo("seen");
                assertThat(seen.keySchema()).isSameAs(Schemas.longs());
                assertThat(seen.valueSchema()).isInstanceOf(JsonSchema.class);
                assertThat(seen.valueSchema().type()).isEqualTo(Sighting.class);
            });
        });
    }

    @Test
    void aLongInATableIsJson() {
        this.contextRunner.run((context) -> {
            TableDefinition<?, ?> counts = tables(context.getBean(StreamManager.class)).get(0);
            @SuppressWarnings("unchecked")
            TableDefinition<String, Long> typed = (TableDefinition<String, Long>) counts;
            assertThat(new String(typed.valueSchema().encode(42L))).isEqualTo("42");
            assertThat(typed.valueSchema().decode("7".getBytes())).isEqualTo(7L);
        });
    }

    @Test
    void propertiesOverrideTheStoreAndTheSchemasOfAnAnnotatedTable() {
        this.contextRunner.withPropertyValues("millrace.streams.counting.tables.counts.store=memory",
                "millrace.streams.counting.tables.seen.key-schema=string",
                "millrace.streams.counting.tables.seen.value-schema=bytes").run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(tables(context.getBean(StreamManager.class))).satisfiesExactly((counts) -> {
                        assertThat(counts.store()).isEqualTo(StoreType.MEMORY);
                        assertThat(counts.keySchema()).isSameAs(Schemas.string());
                        assertThat(counts.valueSchema().type()).isEqualTo(Long.class);
                    }, (seen) -> {
                        assertThat(seen.store()).isNull();
                        assertThat(seen.keySchema()).isSameAs(Schemas.string());
                        assertThat(seen.valueSchema()).isSameAs(Schemas.bytes());
                    });
                });
    }

    @Test
    void aTableDeclaredInConfigurationJoinsTheAnnotatedOnesWithAStringKeyByDefault() {
        this.contextRunner.withPropertyValues("millrace.streams.counting.tables.totals.value-schema=json:"
                + Sighting.class.getName(), "millrace.streams.counting.tables.totals.store=rocksdb").run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(tables(context.getBean(StreamManager.class))).extracting(TableDefinition::name)
                        .containsExactly("counts", "seen", "totals");
                    TableDefinition<?, ?> totals = tables(context.getBean(StreamManager.class)).get(2);
                    assertThat(totals.keySchema()).isSameAs(Schemas.string());
                    assertThat(totals.valueSchema().type()).isEqualTo(Sighting.class);
                    assertThat(totals.store()).isEqualTo(StoreType.ROCKSDB);
                });
    }

    @Test
    void aTableDeclaredInConfigurationWithoutAValueSchemaFailsTheStartupNamingTheProperty() {
        this.contextRunner.withPropertyValues("millrace.streams.counting.tables.totals.store=memory")
            .run((context) -> {
                assertThat(context).hasFailed();
                assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                    .hasMessageContaining("millrace.streams.counting.tables.totals.value-schema")
                    .hasMessageContaining("'totals'")
                    .hasMessageContaining("'counting'");
            });
    }

    @Test
    void anUnknownSchemaOfATableFailsTheStartupNamingTheProperty() {
        this.contextRunner.withPropertyValues("millrace.streams.counting.tables.counts.value-schema=nonsense")
            .run((context) -> {
                assertThat(context).hasFailed();
                assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                    .hasMessageContaining("millrace.streams.counting.tables.counts.value-schema")
                    .hasMessageContaining("nonsense");
            });
    }

    @Test
    void aProgrammaticTableKeepsItsDefinitionAndAnnotatedOnesJoinIt() {
        TableDefinition<String, String> names = TableDefinition.of("names", Schemas.string(), Schemas.string())
            .withStore(StoreType.MEMORY);
        StreamDefinition declared = StreamDefinition.builder("echo")
            .input("shouts", Schemas.string(), (String value, StreamContext context) -> value)
            .output("echoes", Schemas.string(), (OutputProcessor<String, String>) (value) -> value)
            .table(names)
            .build();
        this.contextRunner.withBean("echo", StreamDefinition.class, () -> declared).run((context) -> {
            assertThat(context).hasNotFailed();
            StreamDefinition echo = context.getBean(StreamManager.class).definitions().stream()
                .filter((definition) -> definition.name().equals("echo")).findFirst().orElseThrow();
            assertThat(echo.tables()).containsExactly(names);
        });
    }

    @Test
    void aTableNameUsedByTwoStreamsFailsTheStartupNamingBoth() {
        this.contextRunner.withBean("otherCounter", OtherCounter.class).withBean("otherOut", OtherOut.class)
            .run((context) -> {
                assertThat(context).hasFailed();
                assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                    .hasMessageContaining("Table 'counts'")
                    .hasMessageContaining("'counting'")
                    .hasMessageContaining("'recounting'");
            });
    }

    @Test
    void aBatchInputProcessorWithATableFailsTheStartup() {
        new ApplicationContextRunner().withConfiguration(MILLRACE)
            .withPropertyValues("spring.kafka.bootstrap-servers=localhost:" + unusedPort(),
                    "spring.application.name=zoo", "millrace.state-dir=" + stateDir)
            .withBean("batch", BatchCounter.class)
            .withBean("out", BatchOut.class)
            .run((context) -> {
                assertThat(context).hasFailed();
                assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                    .hasMessageContaining("'batching'")
                    .hasMessageContaining("BatchInputProcessor");
            });
    }

    @Test
    void tablesWithWorkersOfNoOrderingFailTheStartup() {
        this.contextRunner.withPropertyValues("millrace.streams.counting.workers=4",
                "millrace.streams.counting.ordering=none").run((context) -> {
                    assertThat(context).hasFailed();
                    assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                        .hasMessageContaining("ordering none");
                });
    }

    private static List<TableDefinition<?, ?>> tables(StreamManager manager) {
        return manager.definitions().stream().filter((definition) -> definition.name().equals("counting"))
            .findFirst().orElseThrow().tables();
    }

    private static String unusedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return String.valueOf(socket.getLocalPort());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    @StreamSchema
    record Sighting(@NotNull String where) {
    }

    @StreamProcessor(stream = "counting", input = "fruit")
    @StreamTable(name = "counts", key = String.class, value = Long.class)
    @StreamTable(name = "seen", key = Long.class, value = Sighting.class)
    static class Counter implements InputProcessor<String, String> {

        @Override
        public String ingest(String fruit, StreamContext context) {
            context.<String, Long>table("counts").merge(fruit, 1L, Long::sum);
            return fruit;
        }
    }

    @StreamProcessor(stream = "counting", output = "counted")
    static class CountOut implements OutputProcessor<String, String> {

        @Override
        public String transform(String fruit) {
            return fruit;
        }
    }

    @StreamProcessor(stream = "recounting", input = "more-fruit")
    @StreamTable(name = "counts", value = Long.class)
    static class OtherCounter implements InputProcessor<String, String> {

        @Override
        public String ingest(String fruit, StreamContext context) {
            return fruit;
        }
    }

    @StreamProcessor(stream = "recounting", output = "recounted")
    static class OtherOut implements OutputProcessor<String, String> {

        @Override
        public String transform(String fruit) {
            return fruit;
        }
    }

    @StreamProcessor(stream = "batching", input = "batches")
    @StreamTable(name = "batch-counts", value = Long.class)
    static class BatchCounter implements BatchInputProcessor<String, String> {

        @Override
        public List<String> ingestBatch(List<String> fruit, StreamContext context) {
            return fruit;
        }
    }

    @StreamProcessor(stream = "batching", output = "batched")
    static class BatchOut implements OutputProcessor<String, String> {

        @Override
        public String transform(String fruit) {
            return fruit;
        }
    }
}
