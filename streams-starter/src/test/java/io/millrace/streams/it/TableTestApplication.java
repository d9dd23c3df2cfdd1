package io.millrace.streams.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.table.Table;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.TablePartition;
import io.millrace.streams.table.TablePartitionView;
import io.millrace.streams.table.TestTables;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One instance of a counting stream with a RocksDB table, for the table integration tests: stream {@code counting}
 * reads words (key and value the word) from {@code test.input}, adds one to the word's count in table
 * {@code counts}, and sends {@code word=count} keyed by the word to {@code test.output}. A value
 * {@code poison:<word>} adds one to the word's count, then fails; {@code huge:<word>} adds one, then makes an
 * output larger than the producer's {@code max.request.size}; {@code big:<word>} one of 30,000 bytes, which only a
 * topic with a smaller {@code max.message.bytes} refuses.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TableTestApplication {

    static final String STREAM = "counting";

    static final String TABLE = "counts";

    static final String POISON = "poison:";

    static final String HUGE = "huge:";

    static final String BIG = "big:";

    @Bean
    StreamDefinition countingStream(Environment environment) {
        return StreamDefinition.builder(STREAM)
            .input(environment.getRequiredProperty("test.input"), Schemas.string(), new Counter())
            .output(environment.getRequiredProperty("test.output"), Schemas.string(),
                    (OutputProcessor<String, String>) (count) -> count)
            .table(TableDefinition.of(TABLE, Schemas.string(), TestTables.LONGS)
                .withStore(TableDefinition.StoreType.ROCKSDB))
            .build();
    }

    /** Counts each word; a poisoned word is counted, then the record fails. */
    static class Counter implements InputProcessor<String, String> {

        @Override
        public String ingest(String word, StreamContext context) {
            Table<String, Long> counts = context.table(TABLE);
            boolean poisoned = word.startsWith(POISON);
            String key = Scenario.key(word);
            long count = counts.merge(key, 1L, Long::sum);
            if (poisoned) {
                throw new IllegalStateException("poisoned after counting " + key + " to " + count);
            }
            if (word.startsWith(HUGE)) {
                return key + "=" + count + " " + "x".repeat(1_100_000);
            }
            if (word.startsWith(BIG)) {
                return key + "=" + count + " " + "x".repeat(30_000);
            }
            return key + "=" + count;
        }
    }

    /**
     * The topics and application of one test.
     *
     * @param application the application id: consumer group {@code <application>-counting}, changelog
     * {@code <application>-counts-changelog}
     * @param input the input topic
     * @param output the output topic
     * @param partitions the input's partition count
     */
    record Scenario(String application, String input, String output, int partitions) {

        static Scenario create(String name, int partitions) {
            Scenario scenario = new Scenario("tables-" + name, "tables-" + name + "-in", "tables-" + name + "-out",
                    partitions);
            TestKafka.createTopic(scenario.input(), partitions);
            return scenario;
        }

        String changelog() {
            return this.application + "-" + TABLE + "-changelog";
        }

        String deadLetters() {
            return this.input + "-dlt";
        }

        ConfigurableApplicationContext start(Path stateDir, String... more) {
            return start(stateDir, List.of(), more);
        }

        ConfigurableApplicationContext start(Path stateDir, List<ApplicationListener<?>> listeners, String... more) {
            List<String> args = new ArrayList<>(List.of("--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                    "--millrace.application-id=" + this.application, "--millrace.state-dir=" + stateDir,
                    "--test.input=" + this.input, "--test.output=" + this.output));
            args.addAll(List.of(more));
            SpringApplication application = new SpringApplicationBuilder(TableTestApplication.class)
                .web(WebApplicationType.NONE)
                .build();
            listeners.forEach(application::addListeners);
            return application.run(args.toArray(String[]::new));
        }

        /** Sends each word as one record, key and value the word, in order. */
        void send(List<String> words) {
            TestKafka.send(this.input, words.stream().map((word) -> new String[] { key(word), word }).toList());
        }

        static String key(String word) {
            if (word.startsWith(POISON)) {
                return word.substring(POISON.length());
            }
            if (word.startsWith(BIG)) {
                return word.substring(BIG.length());
            }
            return word.startsWith(HUGE) ? word.substring(HUGE.length()) : word;
        }

        /**
         * Waits until the instance owns the given number of table partitions, all restored.
         * @param context the instance
         * @param partitions how many
         * @return the partitions, by partition number
         */
        static Map<Integer, TablePartitionView> awaitActive(ConfigurableApplicationContext context, int partitions) {
            StreamManager manager = context.getBean(StreamManager.class);
            Map<Integer, TablePartitionView> views = new TreeMap<>();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                views.clear();
                StreamView stream = manager.stream(STREAM).orElseThrow();
                assertThat(stream.error()).isNull();
                List<TablePartitionView> active = stream.tables().stream()
                    .filter((table) -> table.role() == TablePartition.Role.ACTIVE).toList();
                assertThat(active).hasSize(partitions);
                active.forEach((table) -> views.put(table.partition(), table));
            });
            return views;
        }

        /**
         * Reads the output until it holds {@code records} records.
         * @param records how many
         * @return the counts emitted per word, in order
         */
        Map<String, List<Long>> awaitOutputs(int records) {
            List<ConsumerRecord<byte[], byte[]>> read = TestKafka.readUntil(this.output,
                    (all) -> all.size() >= records, Duration.ofSeconds(60));
            return counts(read);
        }

        /**
         * Everything the output holds now.
         * @return the counts emitted per word, in order
         */
        Map<String, List<Long>> outputs() {
            return counts(TestKafka.readAll(this.output));
        }

        private static Map<String, List<Long>> counts(List<ConsumerRecord<byte[], byte[]>> records) {
            Map<String, List<Long>> counts = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                String[] wordCount = TestKafka.utf8(record.value()).split("=");
                assertThat(TestKafka.utf8(record.key())).isEqualTo(wordCount[0]);
                counts.computeIfAbsent(wordCount[0], (word) -> new ArrayList<>()).add(Long.valueOf(wordCount[1]));
            }
            return counts;
        }

        /**
         * The last value of each key in the changelog (read committed).
         * @return word to count
         */
        Map<String, Long> changelogContents() {
            Map<String, Long> contents = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> record : TestKafka.readAll(changelog())) {
                contents.put(TestKafka.utf8(record.key()), Long.valueOf(TestKafka.utf8(record.value())));
            }
            return contents;
        }
    }

    /**
     * Words to send: word {@code w<i>} {@code (i + 1) * times} times, interleaved.
     * @param words how many different words
     * @param times the multiplier
     * @return the words in sending order
     */
    static List<String> words(int words, int times) {
        List<String> sent = new ArrayList<>();
        for (int round = 0; round < words * times; round++) {
            for (int i = 0; i < words; i++) {
                if (round < (i + 1) * times) {
                    sent.add("w" + i);
                }
            }
        }
        return sent;
    }

    /**
     * How often each word occurs.
     * @param sent the words
     * @return word to occurrences
     */
    static Map<String, Long> tally(List<String> sent) {
        Map<String, Long> tally = new TreeMap<>();
        sent.forEach((word) -> tally.merge(word, 1L, Long::sum));
        return tally;
    }

    /**
     * The counts a word must have been emitted with: 1 to its total, each once, in order.
     * @param totals word to total
     * @return word to 1..total
     */
    static Map<String, List<Long>> exactly(Map<String, Long> totals) {
        Map<String, List<Long>> expected = new LinkedHashMap<>();
        totals.forEach((word, total) -> expected.put(word, LongStream.rangeClosed(1, total).boxed().toList()));
        return new TreeMap<>(expected);
    }

    /**
     * The sum of per-partition values.
     * @param values partition to value
     * @return the sum
     */
    static long sum(Map<Integer, Long> values) {
        return values.values().stream().mapToLong(Long::longValue).sum();
    }
}
