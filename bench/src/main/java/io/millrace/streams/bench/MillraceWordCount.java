package io.millrace.streams.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

/**
 * Millrace counting words: the sample {@code word-count} stream as shipped (JSON in and out), or the raw stream of
 * {@link MillraceRawWordCountApplication}; at-least-once or exactly-once; defaults otherwise (1 consumer client,
 * 1 worker, RocksDB table in a new state directory per run, commits every 1 s, or 100 ms exactly-once).
 */
final class MillraceWordCount implements WordCountContender {

    private final boolean raw;

    private final boolean exactlyOnce;

    private final Map<String, Object> properties;

    MillraceWordCount(String input, ClientSettings clients, boolean raw, boolean exactlyOnce) {
        this.raw = raw;
        this.exactlyOnce = exactlyOnce;
        this.properties = new LinkedHashMap<>(clients.springKafka());
        String stream = "millrace.streams." + stream();
        if (raw) {
            this.properties.put("bench.wordcount.input", input);
        }
        else {
            this.properties.put(stream + ".input", input);
        }
        this.properties.put(stream + ".dead-letter-topic", "millrace-wc-dlt");
        this.properties.put(stream + ".guarantee", exactlyOnce ? "exactly-once" : "at-least-once");
    }

    private String stream() {
        return this.raw ? MillraceRawWordCountApplication.STREAM : MillraceWordCountApplication.STREAM;
    }

    @Override
    public String name() {
        return "wc-millrace" + (this.raw ? "-raw" : "") + (this.exactlyOnce ? "-eos" : "");
    }

    @Override
    public String description() {
        return "Millrace, " + (this.raw ? "raw word count (key counted, 8-byte output, like Kafka Streams)"
                : "the sample word-count stream as shipped (JSON in and out)") + ", "
                + (this.exactlyOnce ? "exactly-once" : "at-least-once");
    }

    @Override
    public String output() {
        return this.raw ? MillraceRawWordCountApplication.OUTPUT : MillraceWordCountApplication.OUTPUT;
    }

    @Override
    public String group(String runId) {
        return runId + "-" + stream();
    }

    @Override
    public long count(byte[] value) {
        if (this.raw) {
            return ByteBuffer.wrap(value).getLong();
        }
        String json = new String(value, StandardCharsets.UTF_8);
        return Long.parseLong(json.replaceAll(".*\"count\"\\s*:\\s*(\\d+).*", "$1"));
    }

    @Override
    public boolean exactlyOnce() {
        return this.exactlyOnce;
    }

    @Override
    public boolean everyUpdate() {
        return true;
    }

    @Override
    public AutoCloseable start(String runId) throws IOException {
        Path stateDir = Files.createTempDirectory("bench-millrace-wc");
        Map<String, Object> properties = new LinkedHashMap<>(this.properties);
        properties.put("millrace.state-dir", stateDir.toString());
        ConfigurableApplicationContext context = MillraceContender.run(
                this.raw ? MillraceRawWordCountApplication.class : MillraceWordCountApplication.class, runId,
                properties);
        return () -> {
            context.close();
            FileSystemUtils.deleteRecursively(stateDir);
        };
    }
}
