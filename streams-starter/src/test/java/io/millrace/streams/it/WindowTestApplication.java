package io.millrace.streams.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.TestTables;
import io.millrace.streams.table.Windowed;
import io.millrace.streams.table.Windows;
import io.millrace.streams.test.TestKafka;

/**
 * A windowed count against a real broker, for the windowed-table integration tests: stream {@code windowed} reads
 * words from {@code test.input}, filed under the record's timestamp (its event time), counts them in the windowed
 * table {@code win-counts} (tumbling 10 s, grace 5 s unless configured), and sends one
 * {@code word[start,end)=count} record per closed window to {@code test.output}, keyed by the word.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class WindowTestApplication {

    static final String STREAM = "windowed";

    static final String TABLE = "win-counts";

    @Bean
    StreamDefinition windowedStream(Environment environment) {
        OutputProcessor<Windowed<String, Long>, String> result = (window) -> window.key() + "[" + window.windowStart()
                + "," + window.windowEnd() + ")=" + window.value();
        return StreamDefinition.builder(STREAM)
            .input(environment.getRequiredProperty("test.input"), Schemas.string(), new WindowCounter())
            .table(TableDefinition.of(TABLE, Schemas.string(), TestTables.LONGS)
                .withWindows(Windows.tumbling(Duration.ofSeconds(10)).withGrace(Duration.ofSeconds(5))))
            .closedWindows(TABLE, environment.getRequiredProperty("test.output"), Schemas.string(), result)
            .build();
    }

    /** Counts each word in the windows of its record's timestamp; no output per record. */
    static class WindowCounter implements InputProcessor<String, String> {

        @Override
        public String ingest(String word, StreamContext context) {
            context.<String, Long>windowedTable(TABLE).merge(word, 1L, Long::sum);
            return null;
        }
    }

    /**
     * The topics and application of one test.
     *
     * @param application the application id
     * @param input the input topic
     * @param output the output topic
     */
    record Scenario(String application, String input, String output) {

        static Scenario create(String name, int partitions) {
            Scenario scenario = new Scenario("windows-" + name, "windows-" + name + "-in", "windows-" + name + "-out");
            TestKafka.createTopic(scenario.input(), partitions);
            return scenario;
        }

        String deadLetters() {
            return this.input + "-dlt";
        }

        String changelog() {
            return this.application + "-" + TABLE + "-changelog";
        }

        ConfigurableApplicationContext start(Path stateDir, String... more) {
            List<String> args = new ArrayList<>(List.of("--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                    "--millrace.application-id=" + this.application, "--millrace.state-dir=" + stateDir,
                    "--test.input=" + this.input, "--test.output=" + this.output));
            args.addAll(List.of(more));
            return new SpringApplicationBuilder(WindowTestApplication.class).web(WebApplicationType.NONE)
                .run(args.toArray(String[]::new));
        }

        /**
         * Sends words to one partition, each {@code word@timestamp}, in order.
         * @param partition the input partition
         * @param words the words with their timestamps
         */
        void send(int partition, String... words) {
            try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer()) {
                for (String word : words) {
                    String[] parts = word.split("@");
                    producer.send(new ProducerRecord<>(this.input, partition, Long.parseLong(parts[1]),
                            TestKafka.utf8(parts[0]), TestKafka.utf8(parts[0])));
                }
                producer.flush();
            }
        }
    }
}
