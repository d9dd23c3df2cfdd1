package io.millrace.streams.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.KeySelector;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.processor.StreamProcessor;
import io.millrace.streams.table.StreamTable;
import io.millrace.streams.table.Table;
import io.millrace.streams.test.TestKafka;

/**
 * A re-keyed stream, for the re-keying integration tests: stream {@code rekeying} reads {@code <newKey>:<sequence>}
 * values under random keys, re-keys them by {@code newKey} (a value {@code nokey:..} has none, so is
 * dead-lettered), and its second stage counts each new key in table {@code rekeyed-seen} and sends
 * {@code <newKey>:<sequence>:<input partition>:<timestamp>:<header h>:<count>}, keyed by the new key, to the
 * output.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class RekeyTestApplication {

    static final String STREAM = "rekeying";

    static final String TABLE = "rekeyed-seen";

    static final String NO_KEY = "nokey";

    /** Shared by the tests, which tell their records apart by their new keys' prefix. */
    static final String OUTPUT = "rekeying-out";

    /** Stage 1: the value and its input partition go on, its prefix is the new key. */
    @StreamProcessor(stream = STREAM, input = "rekeying-in")
    static class Parse implements InputProcessor<String, String>, KeySelector<String> {

        @Override
        public String ingest(String value, StreamContext context) {
            return value + ":" + context.partition();
        }

        @Override
        public String key(String value) {
            String key = value.substring(0, value.indexOf(':'));
            return key.equals(NO_KEY) ? null : key;
        }
    }

    /** Stage 2: counts each new key, says what it saw of the record. */
    @StreamProcessor(stream = STREAM, rekeyed = true)
    @StreamTable(name = TABLE, key = String.class, value = Long.class)
    static class Count implements InputProcessor<String, String> {

        @Override
        public String ingest(String value, StreamContext context) {
            Table<String, Long> seen = context.table(TABLE);
            long count = seen.merge(context.keyAsString(), 1L, Long::sum);
            Header header = context.headers().lastHeader("h");
            return value + ":" + context.timestamp() + ":" + ((header != null) ? TestKafka.utf8(header.value())
                    : "-") + ":" + count;
        }
    }

    @StreamProcessor(stream = STREAM, output = OUTPUT)
    static class Out implements OutputProcessor<String, String> {

        @Override
        public String transform(String value) {
            return value;
        }
    }

    /**
     * The topics and application of one test.
     *
     * @param application the application id
     * @param input the input topic
     * @param prefix the prefix of the test's new keys
     */
    record Scenario(String application, String input, String prefix) {

        static Scenario create(String name, int partitions) {
            Scenario scenario = new Scenario("rekey-" + name, "rekey-" + name + "-in", name + ".");
            TestKafka.createTopic(scenario.input(), partitions);
            return scenario;
        }

        String repartition() {
            return this.application + "-" + STREAM + "-repartition";
        }

        String deadLetters() {
            return this.input + "-dlt";
        }

        ConfigurableApplicationContext start(Path stateDir, String... more) {
            List<String> args = new ArrayList<>(List.of("--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                    "--millrace.application-id=" + this.application, "--millrace.state-dir=" + stateDir,
                    "--millrace.streams." + STREAM + ".input=" + this.input));
            args.addAll(List.of(more));
            SpringApplication application = new SpringApplicationBuilder(RekeyTestApplication.class)
                .web(WebApplicationType.NONE)
                .build();
            return application.run(args.toArray(String[]::new));
        }
    }
}
