package io.millrace.streams.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import io.millrace.streams.metrics.StreamsMetrics;
import io.millrace.streams.processor.BatchInputProcessor;
import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.KeySelector;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.processor.StreamProcessor;
import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.runtime.Rekey;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.schema.StreamSchema;
import io.millrace.streams.table.StreamTable;
import io.millrace.streams.table.TableDefinition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Re-keyed streams from annotations and definitions: the input processor implementing {@link KeySelector} and the
 * {@code rekeyed = true} processor make one stream of two stages; one without the other, or types that do not follow
 * on, fail the startup naming the beans. No broker needed.
 */
class RekeyedStreamsTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, JacksonAutoConfiguration.class,
                ValidationAutoConfiguration.class, MillraceAutoConfiguration.class))
        .withPropertyValues("spring.kafka.bootstrap-servers=localhost:" + unusedPort(), "spring.application.name=zoo",
                "spring.kafka.admin.properties[default.api.timeout.ms]=500",
                "spring.kafka.admin.properties[request.timeout.ms]=500");

    @Test
    void aKeySelectingInputAndARekeyedProcessorMakeARekeyedStream() {
        this.contextRunner.withBean("parse", Parse.class).withBean("count", Count.class)
            .withBean("totals", Totals.class)
            .withPropertyValues("millrace.streams.words.repartition.partitions=6")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                StreamManager manager = context.getBean(StreamManager.class);
                assertThat(manager.definitions()).singleElement().satisfies((definition) -> {
                    assertThat(definition.rekeyed()).isTrue();
                    assertThat(definition.inputProcessor()).isSameAs(context.getBean(Parse.class));
                    assertThat(definition.rekey().key()).isSameAs(context.getBean(Parse.class));
                    assertThat(definition.rekey().processor()).isSameAs(context.getBean(Count.class));
                    assertThat(definition.rekey().schema().type()).isEqualTo(String.class);
                    assertThat(definition.rekey().partitions()).isEqualTo(6);
                    assertThat(definition.outputTopics()).containsExactly("totals");
                    // @StreamTable on the re-keyed processor declares the stream's tables.
                    assertThat(definition.tables()).extracting(TableDefinition::name).containsExactly("word-counts");
                });
                assertThat(manager.stream("words")).hasValueSatisfying((view) -> {
                    assertThat(view.rekeyed()).isTrue();
                    assertThat(view.input()).isEqualTo("words");
                    assertThat(view.outputs()).containsExactly("totals");
                    assertThat(view.stages()).hasSize(2);
                    assertThat(view.stages().get(0).input()).isEqualTo("words");
                    assertThat(view.stages().get(0).group()).isEqualTo("zoo-words");
                    assertThat(view.stages().get(0).outputs()).containsExactly("zoo-words-repartition");
                    assertThat(view.stages().get(0).processor()).isEqualTo(Parse.class.getName());
                    assertThat(view.stages().get(1).input()).isEqualTo("zoo-words-repartition");
                    assertThat(view.stages().get(1).group()).isEqualTo("zoo-words-repartition");
                    assertThat(view.stages().get(1).outputs()).containsExactly("totals");
                    assertThat(view.stages().get(1).processor()).isEqualTo(Count.class.getName());
                });
                assertThat(manager.stageStats("words")).hasSize(2);
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                try (StreamsMetrics metrics = new StreamsMetrics(manager)) {
                    metrics.bindTo(registry);
                    assertThat(registry.get(StreamsMetrics.CONSUMED).tag("stream", "words").functionCounter().count())
                        .isZero();
                    for (String stage : List.of("1", "2")) {
                        assertThat(registry.get(StreamsMetrics.STAGE_CONSUMED).tags("stream", "words", "stage", stage)
                            .functionCounter().count()).isZero();
                        assertThat(registry.get(StreamsMetrics.STAGE_PROCESSED).tags("stream", "words", "stage", stage)
                            .functionCounter()).isNotNull();
                        assertThat(registry.get(StreamsMetrics.STAGE_DEAD_LETTERED)
                            .tags("stream", "words", "stage", stage).functionCounter()).isNotNull();
                        assertThat(registry.get(StreamsMetrics.STAGE_LAG).tags("stream", "words", "stage", stage)
                            .gauge()).isNotNull();
                    }
                }
            });
    }

    @Test
    void aKeySelectorWithoutARekeyedProcessorFailsTheStartup() {
        this.contextRunner.withBean("parse", Parse.class).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                .hasMessageContaining("Stream 'words' re-keys its input (bean 'parse' implements KeySelector) but "
                        + "has no re-keyed processor")
                .hasMessageContaining("@StreamProcessor(stream = \"words\", rekeyed = true)");
        });
    }

    @Test
    void aRekeyedProcessorWithoutAKeySelectorFailsTheStartup() {
        this.contextRunner.withBean("plain", PlainInput.class).withBean("count", Count.class).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                .hasMessageContaining("Stream 'words' has a re-keyed processor (bean 'count') but its input "
                        + "processor (bean 'plain') does not implement KeySelector");
        });
    }

    @Test
    void twoRekeyedProcessorsFailTheStartup() {
        this.contextRunner.withBean("parse", Parse.class).withBean("count", Count.class)
            .withBean("other", OtherCount.class).run((context) -> {
                assertThat(context).hasFailed();
                assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                    .hasMessageContaining("Stream 'words' has 2 re-keyed processors")
                    .hasMessageContaining("count")
                    .hasMessageContaining("other");
            });
    }

    @Test
    void aRekeyedProcessorTakingAnotherTypeThanTheInputReturnsFailsTheStartup() {
        this.contextRunner.withBean("parse", Parse.class).withBean("wrong", WordRekeyed.class).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                .hasMessageContaining("Re-keyed processor of stream 'words' (bean 'wrong') takes " + Word.class.getName()
                        + " but the input processor (bean 'parse') returns java.lang.String");
        });
    }

    @Test
    void anOutputTakingTheFirstStagesTypeFailsTheStartup() {
        this.contextRunner.withBean("parse", Parse.class).withBean("count", Count.class)
            .withBean("echo", Echo.class).run((context) -> {
                assertThat(context).hasFailed();
                assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                    .hasMessageContaining("Output 'echo' of stream 'words' (bean 'echo') takes java.lang.String but "
                            + "the re-keyed processor returns " + Word.class.getName());
            });
    }

    @Test
    void aRekeyedProcessorWithAnInputTopicFailsTheStartup() {
        this.contextRunner.withBean("both", Both.class).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                .hasMessageContaining("Bean 'both'")
                .hasMessageContaining("needs exactly one of input, output or rekeyed = true");
        });
    }

    @Test
    void aRekeyedDefinitionTakesNeitherABatchInputProcessorNorAStrategy() {
        Rekey<String> rekey = new Rekey<>((value) -> value, Schemas.string(), new PlainInput());
        BatchInputProcessor<String, String> batch = (values, context) -> values;
        assertThatIllegalArgumentException().isThrownBy(() -> StreamDefinition.builder("words")
            .input("words", Schemas.string(), batch).rekey(rekey).build())
            .withMessageContaining("must be an InputProcessor, not a BatchInputProcessor");
        StreamDefinition definition = StreamDefinition.builder("words").input("words", Schemas.string(),
                new PlainInput()).rekey(rekey).build();
        assertThat(definition.rekeyed()).isTrue();
        assertThat(definition.rekey().partitions()).isZero();
        assertThatIllegalArgumentException().isThrownBy(() -> definition.withStrategy((resources) -> null))
            .withMessageContaining("takes no strategy");
        assertThatIllegalArgumentException().isThrownBy(() -> rekey.withPartitions(-1));
        assertThat(definition.withRekey(null).rekeyed()).isFalse();
        assertThat(Rekey.topic("zoo", "words")).isEqualTo("zoo-words-repartition");
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
    record Word(String text, long count) {
    }

    @StreamProcessor(stream = "words", input = "words")
    static class Parse implements InputProcessor<String, String>, KeySelector<String> {

        @Override
        public String ingest(String value, StreamContext context) {
            return value.trim();
        }

        @Override
        public String key(String value) {
            return value.toLowerCase();
        }
    }

    @StreamProcessor(stream = "words", input = "words")
    static class PlainInput implements InputProcessor<String, String> {

        @Override
        public String ingest(String value, StreamContext context) {
            return value;
        }
    }

    @StreamProcessor(stream = "words", rekeyed = true)
    @StreamTable(name = "word-counts", value = Long.class)
    static class Count implements InputProcessor<String, Word> {

        @Override
        public Word ingest(String value, StreamContext context) {
            return new Word(value, context.<String, Long>table("word-counts").merge(value, 1L, Long::sum));
        }
    }

    @StreamProcessor(stream = "words", rekeyed = true)
    static class OtherCount extends Count {
    }

    @StreamProcessor(stream = "words", rekeyed = true)
    static class WordRekeyed implements InputProcessor<Word, Word> {

        @Override
        public Word ingest(Word value, StreamContext context) {
            return value;
        }
    }

    @StreamProcessor(stream = "words", output = "totals")
    static class Totals implements OutputProcessor<Word, Word> {

        @Override
        public Word transform(Word value) {
            return value;
        }
    }

    @StreamProcessor(stream = "words", output = "echo")
    static class Echo implements OutputProcessor<String, String> {

        @Override
        public String transform(String value) {
            return value;
        }
    }

    @StreamProcessor(stream = "words", input = "words", rekeyed = true)
    static class Both extends Count {
    }

}
