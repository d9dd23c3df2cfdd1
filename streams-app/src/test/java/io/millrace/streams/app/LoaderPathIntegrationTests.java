package io.millrace.streams.app;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import io.millrace.streams.processor.InputProcessor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged service, started as {@code java -Dloader.path=<dir> -jar streams-app.jar}, runs a stream defined in
 * configuration whose processor is a class compiled into a jar of that directory, and nowhere else.
 */
class LoaderPathIntegrationTests {

    private static final Duration STARTUP = Duration.ofSeconds(120);

    private static final String PROCESSOR = "com.acme.plugins.Shout";

    private static final String SOURCE = """
            package com.acme.plugins;

            import io.millrace.streams.processor.InputProcessor;
            import io.millrace.streams.processor.StreamContext;

            public class Shout implements InputProcessor<String, String> {

                @Override
                public void init(StreamContext context) {
                    context.attributes().put("suffix", context.properties().getOrDefault("suffix", ""));
                }

                @Override
                public String ingest(String value, StreamContext context) {
                    return value.toUpperCase() + context.attributes().get("suffix");
                }
            }
            """;

    @TempDir
    Path dir;

    private Process process;

    @AfterEach
    void stopProcess() throws InterruptedException {
        if (this.process != null) {
            this.process.destroy();
            if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
                this.process.destroyForcibly();
            }
        }
    }

    @Test
    void theRepackagedJarStartsThroughThePropertiesLauncher() throws IOException {
        try (JarFile jar = new JarFile(appJar().toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue(Attributes.Name.MAIN_CLASS))
                .isEqualTo("org.springframework.boot.loader.launch.PropertiesLauncher");
        }
    }

    @Test
    void aProcessorClassInAJarOfTheLoaderPathRunsAStreamDefinedInConfiguration() throws Exception {
        Path plugins = Files.createDirectories(this.dir.resolve("plugins"));
        pluginJar(plugins.resolve("shout.jar"));
        int port = unusedPort();
        Path log = this.dir.resolve("app.log");
        this.process = start(log, "-Dloader.path=" + plugins, port);
        String bootstrapServers = awaitBootstrapServers(port, log);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic("shout-in", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }

        // In through the HTTP ingress, out of the stream's output topic.
        HttpResponse<String> accepted = await().atMost(Duration.ofSeconds(60))
            .until(() -> post(port, "/streams/shout/records?key=k1", "hello"),
                    (response) -> response.statusCode() == 202);
        assertThat(accepted.body()).contains("\"topic\":\"shout-in\"");

        ConsumerRecord<String, String> shouted = readFirst(bootstrapServers, "shout-out");
        assertThat(shouted.key()).isEqualTo("k1");
        assertThat(shouted.value()).isEqualTo("HELLO!");
    }

    @Test
    void withoutTheLoaderPathTheClassIsMissingAndTheStartupFailsNamingIt() throws Exception {
        Path log = this.dir.resolve("app.log");
        this.process = start(log, "-Dloader.path=" + Files.createDirectories(this.dir.resolve("empty")),
                unusedPort());

        assertThat(this.process.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS)).as("exits").isTrue();
        assertThat(this.process.exitValue()).isNotZero();
        assertThat(Files.readString(log)).contains("millrace.streams.shout.processor: no bean named '" + PROCESSOR
                + "' and no class of that name");
    }

    private Process start(Path log, String loaderPath, int port) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), loaderPath, "-jar", appJar().toString(), "--server.port=" + port,
                "--millrace.embedded-broker.port=0",
                "--millrace.embedded-broker.log-dir=" + this.dir.resolve("broker"),
                "--millrace.samples.generator.enabled=false",
                "--millrace.streams.shout.input=shout-in",
                "--millrace.streams.shout.schema=string",
                "--millrace.streams.shout.processor=" + PROCESSOR,
                "--millrace.streams.shout.properties.suffix=!",
                "--millrace.streams.shout.outputs.shout-out.schema=string"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits for the service to answer over HTTP, then asks its info endpoint where the embedded broker is. */
    private String awaitBootstrapServers(int port, Path log) throws IOException, InterruptedException {
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!this.process.isAlive()) {
                throw new IllegalStateException("The service exited:\n" + Files.readString(log));
            }
            try {
                return get(port, "/actuator/health").statusCode() > 0;
            }
            catch (IOException ex) {
                return false;
            }
        });
        String info = get(port, "/actuator/info").body();
        return new JsonMapper().readTree(info).get("embeddedBroker").get("bootstrapServers").asString();
    }

    /** Compiles {@link #SOURCE} against the starter's classes and jars it, as a plug-in author would. */
    private void pluginJar(Path jar) throws IOException, URISyntaxException {
        Path sources = Files.createDirectories(this.dir.resolve("src/com/acme/plugins"));
        Path source = Files.writeString(sources.resolve("Shout.java"), SOURCE);
        Path classes = Files.createDirectories(this.dir.resolve("classes"));
        String starter = Path.of(InputProcessor.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int status = compiler.run(null, null, null, "--release", "17", "-classpath", starter, "-d", classes.toString(),
                source.toString());
        assertThat(status).as("javac exit status").isZero();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest);
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                jarOut.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                jarOut.write(Files.readAllBytes(file));
                jarOut.closeEntry();
            }
        }
    }

    /** The jar {@code package} built before failsafe runs this test. */
    private static Path appJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter((file) -> file.getFileName().toString().matches("streams-app-.*\\.jar"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No streams-app jar in target: run ./mvnw verify"));
        }
    }

    private static ConsumerRecord<String, String> readFirst(String bootstrapServers, String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringDeserializer(),
                new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                if (consumer.assignment().isEmpty()) {
                    if (consumer.partitionsFor(topic, Duration.ofSeconds(5)).isEmpty()) {
                        return false;
                    }
                    consumer.assign(List.of(partition));
                    consumer.seekToBeginning(List.of(partition));
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return !records.isEmpty();
            });
            return records.get(0);
        }
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(int port, String path, String body)
            throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
