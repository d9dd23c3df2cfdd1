package io.millrace.streams.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;

import io.millrace.streams.processor.BatchInputProcessor;
import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.strategy.RetryPolicy;
import io.millrace.streams.strategy.worker.Ordering;
import io.millrace.streams.table.TableDefinition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * What {@link StreamManager} refuses of streams with tables, before anything runs.
 */
class StreamManagerTablesTests {

    private static final TableDefinition<String, String> COUNTS = TableDefinition.of("counts", Schemas.string(),
            Schemas.string());

    @Test
    void aStreamWithTablesAndABatchInputProcessorIsRefused() {
        BatchInputProcessor<String, String> batch = (values, context) -> values;
        StreamDefinition stream = stream("fruit", "in", batch, COUNTS);
        assertThatExceptionOfType(InvalidStreamsException.class)
            .isThrownBy(() -> manager(List.of(stream), StreamSettings.Workers.ONE))
            .withMessageContaining("'fruit'")
            .withMessageContaining("BatchInputProcessor");
    }

    @Test
    void aBatchInputProcessorWithoutTablesIsAccepted() {
        BatchInputProcessor<String, String> batch = (values, context) -> values;
        StreamManager manager = manager(List.of(stream("fruit", "in", batch)), StreamSettings.Workers.ONE);
        assertThat(manager.definitions()).hasSize(1);
    }

    @Test
    void aStreamWithTablesAndSeveralWorkersWithoutOrderingIsRefused() {
        assertThatExceptionOfType(InvalidStreamsException.class)
            .isThrownBy(() -> manager(List.of(stream("fruit", "in", passThrough(), COUNTS)),
                    new StreamSettings.Workers(2, Ordering.NONE, false)))
            .withMessageContaining("'fruit'")
            .withMessageContaining("ordering none");
    }

    @Test
    void aStreamWithTablesAndSeveralOrderedWorkersOrOneUnorderedWorkerIsAccepted() {
        for (StreamSettings.Workers workers : List.of(new StreamSettings.Workers(2, Ordering.KEY, false),
                new StreamSettings.Workers(2, Ordering.PARTITION, false),
                new StreamSettings.Workers(1, Ordering.NONE, false))) {
            StreamManager manager = manager(List.of(stream("fruit", "in", passThrough(), COUNTS)), workers);
            assertThat(manager.definitions()).singleElement()
                .satisfies((definition) -> assertThat(definition.tables()).containsExactly(COUNTS));
        }
    }

    @Test
    void severalUnorderedWorkersWithoutTablesAreAccepted() {
        StreamManager manager = manager(List.of(stream("fruit", "in", passThrough())),
                new StreamSettings.Workers(4, Ordering.NONE, false));
        assertThat(manager.definitions()).hasSize(1);
    }

    @Test
    void oneTableNameInTwoStreamsIsRefusedNamingBoth() {
        assertThatExceptionOfType(InvalidStreamsException.class)
            .isThrownBy(() -> manager(List.of(stream("fruit", "in", passThrough(), COUNTS),
                    stream("veg", "other", passThrough(), TableDefinition.of("counts", Schemas.string(),
                            Schemas.bytes()))), StreamSettings.Workers.ONE))
            .withMessageContaining("Table 'counts'")
            .withMessageContaining("'fruit'")
            .withMessageContaining("'veg'");
    }

    @Test
    void addingAStreamWhoseTableNameIsTakenIsRefusedAndChangesNothing() {
        StreamManager manager = manager(List.of(stream("fruit", "in", passThrough(), COUNTS)),
                StreamSettings.Workers.ONE);
        assertThatExceptionOfType(InvalidStreamsException.class)
            .isThrownBy(() -> manager.addStream(stream("veg", "other", passThrough(), COUNTS)))
            .withMessageContaining("Table 'counts'");
        assertThat(manager.definitions()).extracting(StreamDefinition::name).containsExactly("fruit");
        assertThat(manager.stream("veg")).isEmpty();
        manager.addStream(stream("veg", "other", passThrough(),
                TableDefinition.of("veg-counts", Schemas.string(), Schemas.string())));
        assertThat(manager.definitions()).extracting(StreamDefinition::name).containsExactly("fruit", "veg");
    }

    @Test
    void oneTableNameTwiceInOneStreamIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> stream("fruit", "in", passThrough(), COUNTS,
                TableDefinition.of("counts", Schemas.string(), Schemas.bytes())))
            .withMessageContaining("'counts' twice");
    }

    @Test
    void aStreamWithTablesShowsNoTablePartitionsBeforeItRuns() {
        StreamManager manager = manager(List.of(stream("fruit", "in", passThrough(), COUNTS)),
                StreamSettings.Workers.ONE);
        assertThat(manager.stream("fruit").orElseThrow().tables()).isEmpty();
        assertThat(manager.stream("fruit").orElseThrow().restoring()).isEmpty();
    }

    private static InputProcessor<String, String> passThrough() {
        return (value, context) -> value;
    }

    private static StreamDefinition stream(String name, String input, InputProcessor<String, String> processor,
            TableDefinition<?, ?>... tables) {
        StreamDefinition.Builder builder = StreamDefinition.builder(name).input(input, Schemas.string(), processor)
            .output(name + "-out", Schemas.string(), (OutputProcessor<String, String>) (value) -> value);
        for (TableDefinition<?, ?> table : tables) {
            builder.table(table);
        }
        return builder.build();
    }

    private static StreamManager manager(List<StreamDefinition> streams, StreamSettings.Workers workers) {
        StreamSettings settings = new StreamSettings(true, Guarantee.AT_LEAST_ONCE, 1, 10, null, Duration.ofSeconds(1),
                10, RetryPolicy.NONE, Duration.ofSeconds(2), Map.of(), Map.of(), Map.of(), workers,
                StreamSettings.Batch.DEFAULT);
        return new StreamManager(streams, (name) -> settings, new NoKafkaClients(), "app", true, Clock.systemUTC());
    }

    /** Clients that no refused or unstarted stream should ever reach. */
    private static final class NoKafkaClients implements KafkaClients {

        @Override
        public Consumer<byte[], byte[]> consumer(String groupId, String clientId, Map<String, Object> overrides) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Producer<byte[], byte[]> producer(String clientId, Map<String, Object> overrides) {
            throw new UnsupportedOperationException();
        }

        @Override
        public OptionalInt partitions(String topic) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void createTopic(String topic, int partitions, Map<String, String> config) {
            throw new UnsupportedOperationException();
        }
    }
}
