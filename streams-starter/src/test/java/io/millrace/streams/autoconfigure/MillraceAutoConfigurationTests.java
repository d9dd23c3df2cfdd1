package io.millrace.streams.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import tools.jackson.databind.json.JsonMapper;

import io.millrace.streams.actuate.StreamsEndpoint;
import io.millrace.streams.health.StreamsHealthIndicator;
import io.millrace.streams.metrics.StreamsMetrics;
import io.millrace.streams.processor.Emitter;
import io.millrace.streams.processor.FlatOutputProcessor;
import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.processor.StreamProcessor;
import io.millrace.streams.runtime.Guarantee;
import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.runtime.KafkaClients;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.schema.Schema;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.schema.StreamSchema;
import io.millrace.streams.strategy.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tests for {@link MillraceAutoConfiguration} and the endpoint, health and metrics auto-configurations beside it.
 *
 * <p>A context starts its {@link StreamManager}, whose streams then look for their input topic; Kafka points at a
 * local port nothing listens on, so nothing here needs a broker.
 */
class MillraceAutoConfigurationTests {

    private static final String BOOTSTRAP_SERVERS = "spring.kafka.bootstrap-servers=localhost:" + unusedPort();

    private static final AutoConfigurations MILLRACE = AutoConfigurations.of(KafkaAutoConfiguration.class,
            JacksonAutoConfiguration.class, ValidationAutoConfiguration.class, MillraceAutoConfiguration.class);

    private static final AutoConfigurations ACTUATOR = AutoConfigurations.of(StreamsEndpointAutoConfiguration.class,
            StreamsHealthAutoConfiguration.class, StreamsMetricsAutoConfiguration.class);

    /**
     * Without a broker, a stream's look-up of its input topic stays pending until the admin client's API timeout,
     * and closing the context waits for it (see {@link #aContextWithAStartedStreamClosesQuicklyWithoutABroker}); a
     * short timeout keeps these tests quick.
     */
    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(MILLRACE)
        .withPropertyValues(BOOTSTRAP_SERVERS, "spring.application.name=zoo",
                "spring.kafka.admin.properties[default.api.timeout.ms]=500",
                "spring.kafka.admin.properties[request.timeout.ms]=500");

    @Test
    void aValidAnnotatedStreamGetsAStreamManagerWithItsInputAndOutputs() {
        animals().withBean("names", Names.class).run((context) -> {
            assertThat(context).hasNotFailed()
                .hasSingleBean(StreamManager.class)
                .hasSingleBean(SpringKafkaClients.class)
                .hasSingleBean(SchemaResolver.class);
            StreamManager manager = context.getBean(StreamManager.class);
            assertThat(manager.isRunning()).isTrue();
            assertThat(manager.definitions()).singleElement().satisfies((definition) -> {
                assertThat(definition.name()).isEqualTo("animals");
                assertThat(definition.input()).isEqualTo("animals");
                assertThat(definition.outputTopics()).containsExactlyInAnyOrder("aquatic", "names");
                assertThat(definition.inputProcessor()).isSameAs(context.getBean(AnimalIngest.class));
                assertThat(definition.inputSchema().type()).isEqualTo(Animal.class);
            });
            assertThat(manager.stream("animals")).hasValueSatisfying((view) -> {
                assertThat(view.deadLetterTopic()).isEqualTo("animals-dlt");
                assertThat(view.guarantee()).isEqualTo(Guarantee.AT_LEAST_ONCE);
                assertThat(view.concurrency()).isEqualTo(1);
            });
        });
    }

    @Test
    void theOutputsOfAStreamEncodeWithTheSchemaOfTheirType() {
        animals().run((context) -> {
            StreamDefinition definition = context.getBean(StreamManager.class).definitions().get(0);
            assertThat(definition.outputs()).singleElement()
                .satisfies((output) -> assertThat(output.schema().type()).isEqualTo(Summary.class));
        });
    }

    @Test
    void theContextStartsWithoutABrokerAndClosesWithinTheShutdownBound() {
        AtomicLong refreshed = new AtomicLong();
        long start = System.nanoTime();
        new ApplicationContextRunner().withConfiguration(MILLRACE)
            .withPropertyValues(BOOTSTRAP_SERVERS)
            .withBean("animalIngest", AnimalIngest.class)
            .withBean("aquatic", Aquatic.class)
            .run((context) -> {
                refreshed.set(System.nanoTime());
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(StreamManager.class).isRunning()).isTrue();
            });
        long closed = System.nanoTime();
        // Measured on a 2-core machine: refresh about 1-3 s (class loading), close about 5 s.
        assertThat(Duration.ofNanos(refreshed.get() - start)).isLessThan(Duration.ofSeconds(15));
        assertThat(Duration.ofNanos(closed - refreshed.get())).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aContextWithAStartedStreamClosesQuicklyWithoutABroker() {
        // The look-up pending when the context closes would last the admin client's API timeout: ten minutes here, so
        // that a close waiting for it fails the bound, which is far above what a close that abandons it takes.
        ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(MILLRACE)
            .withPropertyValues(BOOTSTRAP_SERVERS, "spring.kafka.admin.properties[default.api.timeout.ms]=600000")
            .withBean("animalIngest", AnimalIngest.class)
            .withBean("aquatic", Aquatic.class);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> runner.run((context) -> await()
            .atMost(Duration.ofSeconds(30)).until(MillraceAutoConfigurationTests::aStreamLooksUpItsInput)));
    }

    @Test
    void aClockBeanIsTheClockEveryStreamReads() {
        Clock fixed = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        animals().withBean(Clock.class, () -> fixed).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(StreamManager.class).clock()).isSameAs(fixed);
        });
    }

    @Test
    void withoutAClockBeanStreamsReadTheSystemClock() {
        animals().run((context) -> assertThat(context.getBean(StreamManager.class).clock())
            .isEqualTo(Clock.systemUTC()));
    }

    @Test
    void aUserDefinedStreamManagerMakesOursBackOff() {
        StreamManager custom = new StreamManager(List.of(), (name) -> StreamSettings.DEFAULTS, new FakeKafkaClients(),
                "custom", false, Clock.systemUTC());
        animals().withBean(StreamManager.class, () -> custom).run((context) -> {
            assertThat(context).hasNotFailed().hasSingleBean(StreamManager.class);
            assertThat(context.getBean(StreamManager.class)).isSameAs(custom);
            assertThat(custom.definitions()).isEmpty();
        });
    }

    @Test
    void userDefinedKafkaClientsMakeOursBackOffAndRunTheStreams() {
        FakeKafkaClients clients = new FakeKafkaClients();
        animals().withBean(KafkaClients.class, () -> clients).run((context) -> {
            assertThat(context).hasNotFailed().hasSingleBean(KafkaClients.class)
                .doesNotHaveBean(SpringKafkaClients.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> clients.lookups.get() > 0);
            assertThat(clients.lookedUp).isEqualTo("animals");
        });
    }

    @Test
    void aUserDefinedSchemaResolverMakesOursBackOffAndResolvesTheStreamsTypes() {
        SchemaResolver custom = new SchemaResolver(List.of(new PlainSchema()), new JsonMapper(), null);
        this.contextRunner.withBean("animalIngest", AnimalIngest.class)
            .withBean("plain", PlainOutput.class)
            .withBean(SchemaResolver.class, () -> custom)
            .run((context) -> {
                assertThat(context).hasNotFailed().hasSingleBean(SchemaResolver.class);
                assertThat(context.getBean(SchemaResolver.class)).isSameAs(custom);
                assertThat(context.getBean(StreamManager.class).definitions().get(0).outputs()).singleElement()
                    .satisfies((output) -> assertThat(output.schema()).isInstanceOf(PlainSchema.class));
            });
    }

    @Test
    void aSchemaBeanGivesAnUnannotatedTypeItsSchema() {
        this.contextRunner.withBean("animalIngest", AnimalIngest.class)
            .withBean("plain", PlainOutput.class)
            .withBean("plainSchema", PlainSchema.class)
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(StreamManager.class).definitions().get(0).outputs().get(0).schema())
                    .isSameAs(context.getBean(PlainSchema.class));
            });
    }

    @Test
    void aStreamDefinitionBeanRunsBesideTheAnnotatedStreams() {
        StreamDefinition declared = StreamDefinition.builder("echo")
            .input("shouts", Schemas.string(), (String value, StreamContext context) -> value)
            .output("echoes", Schemas.string(), (OutputProcessor<String, String>) (value) -> value)
            .build();
        animals().withBean("echo", StreamDefinition.class, () -> declared).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(StreamManager.class).definitions()).extracting(StreamDefinition::name)
                .containsExactly("animals", "echo");
        });
    }

    @Test
    void theInputTopicOfAStreamCanBeOverridden() {
        animals().withPropertyValues("millrace.streams.animals.input=other").run((context) -> {
            assertThat(context).hasNotFailed();
            StreamManager manager = context.getBean(StreamManager.class);
            assertThat(manager.definitions().get(0).input()).isEqualTo("other");
            assertThat(manager.stream("animals").map(StreamView::input)).hasValue("other");
            assertThat(manager.stream("animals").map(StreamView::deadLetterTopic)).hasValue("other-dlt");
        });
    }

    @Test
    void streamPropertiesReachTheStreamsSettings() {
        animals().withPropertyValues("millrace.streams.animals.guarantee=at-least-once",
                "millrace.streams.animals.concurrency=3", "millrace.streams.animals.dead-letter-topic=graveyard",
                "millrace.streams.animals.max-in-flight=77", "millrace.streams.animals.commit.interval=250ms",
                "millrace.streams.animals.commit.records=50", "millrace.streams.animals.retry.max-attempts=5",
                "millrace.streams.animals.retry.backoff=10ms", "millrace.streams.animals.retry.multiplier=3",
                "millrace.streams.animals.retry.max-backoff=2s", "millrace.streams.animals.shutdown-timeout=3s",
                "millrace.streams.animals.properties.color=blue",
                "millrace.streams.animals.consumer[max.poll.records]=10",
                "millrace.streams.animals.producer[linger.ms]=5")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                // Seen through the manager's public API:
                StreamView view = context.getBean(StreamManager.class).stream("animals").orElseThrow();
                assertThat(view.guarantee()).isEqualTo(Guarantee.AT_LEAST_ONCE);
                assertThat(view.concurrency()).isEqualTo(3);
                assertThat(view.deadLetterTopic()).isEqualTo("graveyard");
                // The rest is not public: read it from the mapping that the auto-configuration hands the manager.
                StreamSettings settings = StreamSettingsMapper
                    .byName(context.getBean(MillraceProperties.class).getStreams())
                    .apply("animals");
                assertThat(settings.enabled()).isTrue();
                assertThat(settings.maxInFlight()).isEqualTo(77);
                assertThat(settings.commitInterval()).isEqualTo(Duration.ofMillis(250));
                assertThat(settings.commitRecords()).isEqualTo(50);
                assertThat(settings.retry()).isEqualTo(new RetryPolicy(5, Duration.ofMillis(10), 3,
                        Duration.ofSeconds(2)));
                assertThat(settings.shutdownTimeout()).isEqualTo(Duration.ofSeconds(3));
                assertThat(settings.properties()).containsExactly(Map.entry("color", "blue"));
                assertThat(settings.consumer()).containsExactly(Map.entry("max.poll.records", "10"));
                assertThat(settings.producer()).containsExactly(Map.entry("linger.ms", "5"));
            });
    }

    @Test
    void aStreamWithoutPropertiesGetsTheDefaults() {
        animals().run((context) -> {
            StreamSettings settings = StreamSettingsMapper
                .byName(context.getBean(MillraceProperties.class).getStreams())
                .apply("animals");
            assertThat(settings.guarantee()).isEqualTo(Guarantee.AT_LEAST_ONCE);
            assertThat(settings.concurrency()).isEqualTo(1);
            assertThat(settings.deadLetterTopicFor("animals")).isEqualTo("animals-dlt");
            assertThat(settings.retry().maxAttempts()).isEqualTo(3);
            assertThat(settings.enabled()).isTrue();
        });
    }

    @Test
    void aStreamWithNoInputProcessorFailsTheStartupNamingItsOutputs() {
        this.contextRunner.withBean("aquatic", Aquatic.class).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                .hasMessageContaining("Stream 'animals' has no input processor")
                .hasMessageContaining("[aquatic]");
        });
    }

    @Test
    void aStreamWithTwoInputProcessorsFailsTheStartupNamingBoth() {
        animals().withBean("otherIngest", OtherAnimalIngest.class).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                .hasMessageContaining("Stream 'animals' has 2 input processors")
                .hasMessageContaining("animalIngest")
                .hasMessageContaining("otherIngest");
        });
    }

    @Test
    void anOutputTypeWithoutASchemaFailsTheStartupNamingTheOutputAndType() {
        this.contextRunner.withBean("animalIngest", AnimalIngest.class).withBean("plain", PlainOutput.class)
            .run((context) -> {
                assertThat(context).hasFailed();
                assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                    .hasMessageContaining("Output 'plain' of stream 'animals' (bean 'plain')")
                    .hasMessageContaining("no schema for type " + Plain.class.getName());
            });
    }

    @Test
    void anOutputTakingATypeTheInputProcessorDoesNotReturnFailsTheStartup() {
        animals().withBean("shouts", StringOutput.class).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                .hasMessageContaining("(bean 'shouts') takes java.lang.String but the input processor returns "
                        + Animal.class.getName());
        });
    }

    @Test
    void aProcessorWithBothAnInputAndAnOutputFailsTheStartup() {
        this.contextRunner.withBean("both", Both.class).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                .hasMessageContaining("Bean 'both'")
                .hasMessageContaining("needs exactly one of input, output or rekeyed = true");
        });
    }

    @Test
    void retriesThatCouldOutlastHalfOfSpringKafkasMaxPollIntervalFailTheStartupUnlessTheStreamRaisesIt() {
        // The default policy backs off 300 ms per processor call: two calls or more exceed half of 1 s.
        ApplicationContextRunner runner = animals()
            .withPropertyValues("spring.kafka.consumer.properties[max.poll.interval.ms]=1000");
        runner.run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                .hasMessageContaining("Stream 'animals': a failing record can back off for")
                .hasMessageContaining("max.poll.interval.ms (1000)");
        });
        runner.withPropertyValues("millrace.streams.animals.consumer[max.poll.interval.ms]=300000")
            .run((context) -> assertThat(context).hasNotFailed());
    }

    @Test
    void settingsForAnUnknownStreamFailTheStartup() {
        animals().withPropertyValues("millrace.streams.unknown.enabled=true").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                .hasMessageContaining("millrace.streams.unknown configures an unknown stream 'unknown'")
                .hasMessageContaining("[animals]");
        });
    }

    @Test
    void twoStreamsFeedingEachOtherFailTheStartupNamingTheCycle() {
        this.contextRunner.withBean("pingIngest", PingIngest.class)
            .withBean("pingOutput", PingOutput.class)
            .withBean("pongIngest", PongIngest.class)
            .withBean("pongOutput", PongOutput.class)
            .run((context) -> {
                assertThat(context).hasFailed();
                assertThat(context).getFailure().rootCause().isInstanceOf(InvalidStreamsException.class)
                    .hasMessageContaining("Streams form a cycle")
                    .satisfies((ex) -> assertThat(ex.getMessage()).containsAnyOf("ping -> pong -> ping",
                            "pong -> ping -> pong"));
            });
    }

    @Test
    void exactlyOnceCommitsEveryHundredMillisecondsUnlessConfigured() {
        MillraceProperties.Stream stream = new MillraceProperties.Stream();
        assertThat(StreamSettingsMapper.settings(stream).commitInterval()).isEqualTo(Duration.ofSeconds(1));
        stream.setGuarantee(Guarantee.EXACTLY_ONCE);
        assertThat(StreamSettingsMapper.settings(stream).commitInterval()).isEqualTo(Duration.ofMillis(100));
        stream.getCommit().setInterval(Duration.ofSeconds(2));
        assertThat(StreamSettingsMapper.settings(stream).commitInterval()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theAutoConfigurationsAreRegisteredForBoot() {
        List<String> candidates = ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
            .getCandidates();
        assertThat(candidates).contains(MillraceAutoConfiguration.class.getName(),
                StreamsEndpointAutoConfiguration.class.getName(), StreamsHealthAutoConfiguration.class.getName(),
                StreamsMetricsAutoConfiguration.class.getName());
    }

    @Test
    void theEndpointHealthIndicatorAndMetricsAppearWithActuator() {
        animals().withConfiguration(ACTUATOR)
            .withPropertyValues("management.endpoints.web.exposure.include=streams")
            .run((context) -> {
                assertThat(context).hasNotFailed()
                    .hasSingleBean(StreamsEndpoint.class)
                    .hasSingleBean(StreamsHealthIndicator.class)
                    .hasBean("streamsHealthIndicator")
                    .hasSingleBean(StreamsMetrics.class);
                assertThat(context.getBean(StreamsEndpoint.class).streams().streams()).extracting(StreamView::name)
                    .containsExactly("animals");
                assertThat(context.getBean(StreamsHealthIndicator.class).health(true).getStatus())
                    .isEqualTo(Status.UP);
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                context.getBean(StreamsMetrics.class).bindTo(registry);
                assertThat(registry.find(StreamsMetrics.CONSUMED).tag("stream", "animals").functionCounter())
                    .isNotNull();
                assertThat(registry.find(StreamsMetrics.PRODUCED).tag("topic", "aquatic").functionCounter())
                    .isNotNull();
            });
    }

    @Test
    void theEndpointIsLeftOutUnlessExposed() {
        animals().withConfiguration(ACTUATOR).run((context) -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(StreamsEndpoint.class)
                .hasSingleBean(StreamsHealthIndicator.class);
        });
    }

    @Test
    void theHealthIndicatorCanBeDisabled() {
        animals().withConfiguration(ACTUATOR).withPropertyValues("management.health.streams.enabled=false")
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(StreamsHealthIndicator.class)
                .hasSingleBean(StreamsMetrics.class));
    }

    @Test
    void withoutActuatorOnTheClasspathThereIsNoEndpointAndWithoutHealthNoHealthIndicator() {
        animals().withConfiguration(ACTUATOR)
            .withPropertyValues("management.endpoints.web.exposure.include=streams")
            .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate.endpoint.annotation",
                    "org.springframework.boot.health.contributor"))
            .run((context) -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(StreamsEndpoint.class)
                .doesNotHaveBean(StreamsHealthIndicator.class)
                .hasSingleBean(StreamsMetrics.class));
    }

    /** Whether a stream's starter thread waits in {@link KafkaClients#partitions} for the broker's answer. */
    private static boolean aStreamLooksUpItsInput() {
        return Thread.getAllStackTraces().entrySet().stream()
            .filter((thread) -> thread.getKey().getName().startsWith("millrace-")
                    && thread.getKey().getState() == Thread.State.TIMED_WAITING)
            .flatMap((thread) -> Arrays.stream(thread.getValue()))
            .anyMatch((frame) -> frame.getClassName().equals(SpringKafkaClients.class.getName())
                    && frame.getMethodName().equals("partitions"));
    }

    private ApplicationContextRunner animals() {
        return this.contextRunner.withBean("animalIngest", AnimalIngest.class).withBean("aquatic", Aquatic.class);
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

    @StreamSchema
    record Summary(Long id, String name) {
    }

    /** A type with neither {@code @StreamSchema} nor a built-in schema. */
    record Plain(String text) {
    }

    @StreamProcessor(stream = "animals", input = "animals")
    static class AnimalIngest implements InputProcessor<Animal, Animal> {

        @Override
        public Animal ingest(Animal animal, StreamContext context) {
            return animal;
        }
    }

    @StreamProcessor(stream = "animals", input = "animals")
    static class OtherAnimalIngest implements InputProcessor<Animal, Animal> {

        @Override
        public Animal ingest(Animal animal, StreamContext context) {
            return animal;
        }
    }

    @StreamProcessor(stream = "animals", output = "aquatic")
    static class Aquatic implements OutputProcessor<Animal, Summary> {

        @Override
        public Summary transform(Animal animal) {
            return new Summary(animal.id(), animal.name());
        }
    }

    @StreamProcessor(stream = "animals", output = "names")
    static class Names implements FlatOutputProcessor<Animal, String> {

        @Override
        public void process(Animal animal, StreamContext context, Emitter<String> emitter) {
            emitter.emit(animal.name());
        }
    }

    @StreamProcessor(stream = "animals", output = "plain")
    static class PlainOutput implements OutputProcessor<Animal, Plain> {

        @Override
        public Plain transform(Animal animal) {
            return new Plain(animal.name());
        }
    }

    @StreamProcessor(stream = "animals", output = "shouts")
    static class StringOutput implements OutputProcessor<String, String> {

        @Override
        public String transform(String value) {
            return value;
        }
    }

    @StreamProcessor(stream = "animals", input = "animals", output = "aquatic")
    static class Both implements InputProcessor<Animal, Animal> {

        @Override
        public Animal ingest(Animal animal, StreamContext context) {
            return animal;
        }
    }

    @StreamProcessor(stream = "ping", input = "a")
    static class PingIngest implements InputProcessor<String, String> {

        @Override
        public String ingest(String value, StreamContext context) {
            return value;
        }
    }

    @StreamProcessor(stream = "ping", output = "b")
    static class PingOutput implements OutputProcessor<String, String> {

        @Override
        public String transform(String value) {
            return value;
        }
    }

    @StreamProcessor(stream = "pong", input = "b")
    static class PongIngest implements InputProcessor<String, String> {

        @Override
        public String ingest(String value, StreamContext context) {
            return value;
        }
    }

    @StreamProcessor(stream = "pong", output = "a")
    static class PongOutput implements OutputProcessor<String, String> {

        @Override
        public String transform(String value) {
            return value;
        }
    }

    /** A hand-written schema for {@link Plain}. */
    static class PlainSchema implements Schema<Plain> {

        @Override
        public Class<Plain> type() {
            return Plain.class;
        }

        @Override
        public Plain decode(byte[] data) {
            return new Plain(Schemas.string().decode(data));
        }

        @Override
        public byte[] encode(Plain value) {
            return Schemas.string().encode(value.text());
        }
    }

    /** Kafka clients whose input topic never appears; remembers the look-ups. */
    static class FakeKafkaClients implements KafkaClients {

        final AtomicInteger lookups = new AtomicInteger();

        volatile String lookedUp;

        @Override
        public Consumer<byte[], byte[]> consumer(String groupId, String clientId, Map<String, Object> overrides) {
            throw new UnsupportedOperationException("no consumer expected");
        }

        @Override
        public Producer<byte[], byte[]> producer(String clientId, Map<String, Object> overrides) {
            throw new UnsupportedOperationException("no producer expected");
        }

        @Override
        public OptionalInt partitions(String topic) {
            this.lookedUp = topic;
            this.lookups.incrementAndGet();
            return OptionalInt.empty();
        }

        @Override
        public void createTopic(String topic, int partitions, Map<String, String> config) {
            throw new UnsupportedOperationException("no topic expected");
        }
    }
}
