package io.millrace.streams.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import io.millrace.streams.processor.Emitter;
import io.millrace.streams.processor.FlatOutputProcessor;
import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.Output;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.processor.StreamProcessor;
import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.schema.Schema;
import io.millrace.streams.schema.SchemaException;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.schema.StreamSchema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for streams defined in {@code millrace.streams.*} alone: {@link ConfiguredStreams}, with
 * {@link ConfiguredSchemas} and {@link ConfiguredProcessorClasses}.
 */
class ConfiguredStreamsTests {

    private static final String SHOUT_CLASS = Shout.class.getName();

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, JacksonAutoConfiguration.class,
                ValidationAutoConfiguration.class, MillraceAutoConfiguration.class))
        .withPropertyValues("spring.kafka.bootstrap-servers=localhost:" + unusedPort(),
                "spring.kafka.admin.properties[default.api.timeout.ms]=500",
                "spring.kafka.admin.properties[request.timeout.ms]=500")
        .withBean("tag", Tag.class)
        .withBean("upper", Upper.class)
        .withBean("numbers", Numbers.class);

    @Test
    void aStreamWithAnInputAndNoProcessorsPassesItsInputThroughWithTheInputSchema() {
        this.contextRunner.withPropertyValues("millrace.streams.audit.input=audit-in",
                "millrace.streams.audit.schema=string", "millrace.streams.audit.outputs.audit-out.partitioner=hash")
            .run((context) -> {
                StreamDefinition audit = definition(context, "audit");
                assertThat(audit.input()).isEqualTo("audit-in");
                assertThat(audit.inputSchema()).isSameAs(Schemas.string());
                assertThat(ingest(audit, "hello")).isEqualTo("hello");
                assertThat(audit.outputs()).singleElement().satisfies((output) -> {
                    assertThat(output.topic()).isEqualTo("audit-out");
                    assertThat(output.schema()).isSameAs(Schemas.string());
                    assertThat(emitted(output, "hello")).containsExactly("hello");
                    assertThat(output.partitioner().partition("audit-out", key("k"), key("v"))).isNull();
                });
            });
    }

    @Test
    void aStreamThatNamesNoSchemaAndNoProcessorMovesBytes() {
        this.contextRunner.withPropertyValues("millrace.streams.copy.input=raw",
                "millrace.streams.copy.outputs.copied.partitioner=hash")
            .run((context) -> {
                StreamDefinition copy = definition(context, "copy");
                assertThat(copy.inputSchema()).isSameAs(Schemas.bytes());
                assertThat(copy.outputs().get(0).schema()).isSameAs(Schemas.bytes());
            });
    }

    @Test
    void processorBeansAreNamedAndEachOutputsSchemaFollowsTheTypeItReceives() {
        this.contextRunner.withPropertyValues("millrace.streams.audit.input=audit-in",
                "millrace.streams.audit.schema=string", "millrace.streams.audit.processor=tag",
                "millrace.streams.audit.outputs.shouted.processor=upper",
                "millrace.streams.audit.outputs.tagged.partitioner=hash",
                "millrace.streams.audit.outputs.numbered.processor=numbers",
                "millrace.streams.audit.outputs.numbered.schema=json:" + Numbered.class.getName())
            .run((context) -> {
                StreamDefinition audit = definition(context, "audit");
                assertThat(audit.inputProcessor()).isSameAs(context.getBean("tag"));
                assertThat(audit.outputTopics()).containsExactly("shouted", "tagged", "numbered");
                assertThat(emitted(audit.outputs().get(0), "hi")).containsExactly("HI");
                assertThat(audit.outputs().get(1).schema()).isSameAs(Schemas.string());
                assertThat(encode(audit.outputs().get(1).schema(), ingest(audit, "hi"))).isEqualTo(key("[tenant] hi"));
                assertThat(audit.outputs().get(2).schema().type()).isEqualTo(Numbered.class);
                assertThat(emitted(audit.outputs().get(2), "a b")).hasSize(2);
            });
    }

    @Test
    void aJsonSchemaNamesItsClassAndPassThroughOutputsEncodeWithIt() {
        this.contextRunner.withPropertyValues("millrace.streams.zoo.input=animals",
                "millrace.streams.zoo.schema=json:" + Animal.class.getName(),
                "millrace.streams.zoo.outputs.copy.partitioner=hash")
            .run((context) -> {
                StreamDefinition zoo = definition(context, "zoo");
                Schema<?> schema = zoo.inputSchema();
                assertThat(schema.type()).isEqualTo(Animal.class);
                assertThat(schema.decode(key("{\"id\": 1, \"name\": \"bat\"}"))).isEqualTo(new Animal(1L, "bat"));
                assertThatExceptionOfType(SchemaException.class)
                    .isThrownBy(() -> schema.decode(key("{\"id\": 1, \"name\": \" \"}")))
                    .satisfies((ex) -> assertThat(ex.violations()).anyMatch((violation) -> violation.contains("name")));
                assertThat(zoo.outputs().get(0).schema()).isSameAs(schema);
            });
    }

    @Test
    void aSchemaBeanIsNamedByItsBeanName() {
        this.contextRunner.withBean("csv", CsvSchema.class)
            .withPropertyValues("millrace.streams.rows.input=rows", "millrace.streams.rows.schema=csv")
            .run((context) -> assertThat(definition(context, "rows").inputSchema()).isSameAs(context.getBean("csv")));
    }

    @Test
    void aProcessorNamedByItsClassNameBecomesAnInjectedBeanOfThatName() {
        this.contextRunner.withPropertyValues("millrace.streams.loud.input=quiet",
                "millrace.streams.loud.schema=string", "millrace.streams.loud.processor=" + SHOUT_CLASS)
            .run((context) -> {
                assertThat(context).hasNotFailed().hasBean(SHOUT_CLASS);
                Shout shout = context.getBean(SHOUT_CLASS, Shout.class);
                assertThat(shout.schemas).isSameAs(context.getBean(SchemaResolver.class));
                assertThat(definition(context, "loud").inputProcessor()).isSameAs(shout);
            });
    }

    @Test
    void theStreamsPropertiesReachItsSettings() {
        this.contextRunner.withPropertyValues("millrace.streams.audit.input=audit-in",
                "millrace.streams.audit.properties.tenant=acme")
            .run((context) -> assertThat(StreamSettingsMapper
                .byName(context.getBean(MillraceProperties.class).getStreams())
                .apply("audit")
                .properties()).containsExactly(Map.entry("tenant", "acme")));
    }

    @Test
    void anUnknownProcessorBeanFailsTheStartupNamingTheProperty() {
        assertFailure("millrace.streams.audit.processor: no bean named 'nope'", "millrace.streams.audit.input=in",
                "millrace.streams.audit.processor=nope");
    }

    @Test
    void aClassNameOfNoClassFailsTheStartupPointingAtTheClasspath() {
        assertFailure("millrace.streams.audit.processor: no bean named 'com.acme.Missing' and no class of that name "
                + "(is its jar on the classpath or in loader.path?)", "millrace.streams.audit.input=in",
                "millrace.streams.audit.processor=com.acme.Missing");
    }

    @Test
    void anInputProcessorBeanOfTheWrongTypeFailsTheStartupNamingItsClass() {
        assertFailure("millrace.streams.audit.processor: bean 'upper' is a " + Upper.class.getName()
                + ", which does not implement " + InputProcessor.class.getName(), "millrace.streams.audit.input=in",
                "millrace.streams.audit.processor=upper");
    }

    @Test
    void anOutputProcessorBeanOfTheWrongTypeFailsTheStartupNamingTheOutput() {
        assertFailure("millrace.streams.audit.outputs.out.processor: bean 'tag' is a " + Tag.class.getName()
                + ", which does not implement " + OutputProcessor.class.getName() + " or "
                + FlatOutputProcessor.class.getName(), "millrace.streams.audit.input=in",
                "millrace.streams.audit.schema=string", "millrace.streams.audit.outputs.out.processor=tag");
    }

    @Test
    void anUnknownSchemaFailsTheStartupListingTheFormsOfASchema() {
        assertFailure("millrace.streams.audit.schema: unknown schema 'xml'; use string, bytes, json:<fully qualified "
                + "class name>, or the name of a Schema bean", "millrace.streams.audit.input=in",
                "millrace.streams.audit.schema=xml");
    }

    @Test
    void aJsonSchemaOfNoClassFailsTheStartup() {
        assertFailure("millrace.streams.audit.outputs.out.schema: no class com.acme.Missing for the JSON schema",
                "millrace.streams.audit.input=in", "millrace.streams.audit.outputs.out.schema=json:com.acme.Missing");
    }

    @Test
    void aSchemaNamingABeanThatIsNoSchemaFailsTheStartup() {
        assertFailure("millrace.streams.audit.schema: bean 'tag' is a " + Tag.class.getName()
                + ", which does not implement " + Schema.class.getName(), "millrace.streams.audit.input=in",
                "millrace.streams.audit.schema=tag");
    }

    @Test
    void aProcessorTakingWhatTheSchemaDoesNotDecodeFailsTheStartup() {
        assertFailure("millrace.streams.audit.processor: bean 'tag' takes java.lang.String but the input schema "
                + "decodes byte[]", "millrace.streams.audit.input=in", "millrace.streams.audit.schema=bytes",
                "millrace.streams.audit.processor=tag");
    }

    @Test
    void anOutputOfATypeWithoutASchemaFailsTheStartupNamingTheType() {
        assertFailure("millrace.streams.audit.outputs.numbered.schema: no schema for type " + Numbered.class.getName(),
                "millrace.streams.audit.input=in", "millrace.streams.audit.schema=string",
                "millrace.streams.audit.outputs.numbered.processor=numbers");
    }

    @Test
    void anOutputSchemaThatCannotEncodeTheOutputsValuesFailsTheStartup() {
        assertFailure("millrace.streams.audit.outputs.out.schema: encodes byte[] but the output's values are "
                + "java.lang.String", "millrace.streams.audit.input=in", "millrace.streams.audit.schema=string",
                "millrace.streams.audit.outputs.out.schema=bytes");
    }

    @Test
    void anEntryForAnUnknownStreamWithoutAnInputFailsTheStartupSayingHowToDefineOne() {
        assertFailure("millrace.streams.audit configures an unknown stream 'audit'; known streams: []. To define a "
                + "stream in configuration, set millrace.streams.audit.input", "millrace.streams.audit.schema=string");
    }

    @Test
    void namingAProcessorForAnAnnotatedStreamFailsTheStartup() {
        this.contextRunner.withBean("pingIngest", PingIngest.class)
            .withBean("pingOut", PingOut.class)
            .withPropertyValues("millrace.streams.ping.outputs.pong.processor=upper")
            .run((context) -> assertThat(context).getFailure().rootCause()
                .isInstanceOf(InvalidStreamsException.class)
                .hasMessageContaining("millrace.streams.ping.outputs.pong.processor: stream 'ping' is defined by "
                        + "annotated processors or a StreamDefinition bean"));
    }

    private void assertFailure(String message, String... properties) {
        this.contextRunner.withPropertyValues(properties).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                .hasMessageContaining(message);
        });
    }

    private static StreamDefinition definition(AssertableApplicationContext context, String name) {
        assertThat(context).hasNotFailed();
        return context.getBean(StreamManager.class).definitions().stream()
            .filter((definition) -> definition.name().equals(name))
            .findFirst()
            .orElseThrow();
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static Object ingest(StreamDefinition definition, Object value) {
        return ((InputProcessor) definition.inputProcessor()).ingest(value, null);
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static byte[] encode(Schema schema, Object value) {
        return schema.encode(value);
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static List<Object> emitted(Output<?, ?> output, Object value) {
        List<Object> values = new ArrayList<>();
        ((FlatOutputProcessor) output.processor()).process(value, null, (key, emitted) -> values.add(emitted));
        return values;
    }

    private static byte[] key(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
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
    record Animal(@NotNull Long id, @NotBlank String name) {
    }

    /** No {@code @StreamSchema}: it has a schema only when one is named. */
    record Numbered(int index, String word) {
    }

    /** Prefixes every value with the tenant. */
    static class Tag implements InputProcessor<String, String> {

        @Override
        public String ingest(String value, StreamContext context) {
            return "[tenant] " + value;
        }
    }

    static class Upper implements OutputProcessor<String, String> {

        @Override
        public String transform(String value) {
            return value.toUpperCase();
        }
    }

    /** One record per word. */
    static class Numbers implements FlatOutputProcessor<String, Numbered> {

        @Override
        public void process(String value, StreamContext context, Emitter<Numbered> emitter) {
            String[] words = value.split(" ");
            for (int i = 0; i < words.length; i++) {
                emitter.emit(new Numbered(i, words[i]));
            }
        }
    }

    /** Created from its class name; takes a bean to show it is injected. */
    static class Shout implements InputProcessor<String, String> {

        final SchemaResolver schemas;

        Shout(SchemaResolver schemas) {
            this.schemas = schemas;
        }

        @Override
        public String ingest(String value, StreamContext context) {
            return value.toUpperCase();
        }
    }

    static class CsvSchema implements Schema<String[]> {

        @Override
        public Class<String[]> type() {
            return String[].class;
        }

        @Override
        public String[] decode(byte[] data) {
            return Schemas.string().decode(data).split(",");
        }

        @Override
        public byte[] encode(String[] value) {
            return Schemas.string().encode(String.join(",", value));
        }
    }

    @StreamProcessor(stream = "ping", input = "ping")
    static class PingIngest implements InputProcessor<String, String> {

        @Override
        public String ingest(String value, StreamContext context) {
            return value;
        }
    }

    @StreamProcessor(stream = "ping", output = "pong")
    static class PingOut implements OutputProcessor<String, String> {

        @Override
        public String transform(String value) {
            return value;
        }
    }
}
