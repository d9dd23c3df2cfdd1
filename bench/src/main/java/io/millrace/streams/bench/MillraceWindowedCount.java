package io.millrace.streams.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

/**
 * Millrace counting per key and window: {@link MillraceWindowedCountApplication}, at-least-once or exactly-once;
 * defaults otherwise (1 consumer client, 1 worker, RocksDB table in a new state directory per run, commits every
 * 1 s, or 100 ms exactly-once).
 */
final class MillraceWindowedCount implements WindowedContender {

    private final boolean exactlyOnce;

    private final Map<String, Object> properties;

    private final boolean rekeyed;

    MillraceWindowedCount(String input, ClientSettings clients, boolean exactlyOnce, boolean rekeyed) {
        this.exactlyOnce = exactlyOnce;
        this.rekeyed = rekeyed;
        this.properties = new LinkedHashMap<>(clients.springKafka());
        String stream = "millrace.streams." + MillraceWindowedCountApplication.STREAM;
        this.properties.put("bench.windowed.input", input);
        this.properties.put("bench.windowed.rekeyed", rekeyed);
        this.properties.put("bench.windowed.output", output());
        this.properties.put(stream + ".dead-letter-topic", "millrace-win-dlt");
        this.properties.put(stream + ".guarantee", exactlyOnce ? "exactly-once" : "at-least-once");
    }

    @Override
    public String name() {
        return "win-millrace" + (this.rekeyed ? "-rekeyed" : "") + (this.exactlyOnce ? "-eos" : "");
    }

    @Override
    public String description() {
        return "Millrace, " + (this.rekeyed ? "re-keyed by the value (KeySelector, second stage), " : "")
                + "windowed table (10 s, grace 1 s) + output of closed windows, "
                + (this.exactlyOnce ? "exactly-once" : "at-least-once");
    }

    @Override
    public String output() {
        return MillraceWindowedCountApplication.OUTPUT + (this.rekeyed ? "-rekeyed" : "");
    }

    @Override
    public String group(String runId) {
        return runId + "-" + MillraceWindowedCountApplication.STREAM;
    }

    @Override
    public String repartitionTopic(String runId) {
        // Stage 2's topic and group have one name: <application-id>-<stream>-repartition.
        return this.rekeyed ? group(runId) + "-repartition" : null;
    }

    @Override
    public String repartitionGroup(String runId) {
        return group(runId) + "-repartition";
    }

    @Override
    public Result result(ConsumerRecord<byte[], byte[]> record) {
        ByteBuffer value = ByteBuffer.wrap(record.value());
        return new Result(new String(record.key(), StandardCharsets.UTF_8), value.getLong(), value.getLong());
    }

    @Override
    public boolean exactlyOnce() {
        return this.exactlyOnce;
    }

    @Override
    public boolean finalResults() {
        return true;
    }

    @Override
    public AutoCloseable start(String runId) throws IOException {
        Path stateDir = Files.createTempDirectory("bench-millrace-win");
        Map<String, Object> properties = new LinkedHashMap<>(this.properties);
        properties.put("millrace.state-dir", stateDir.toString());
        ConfigurableApplicationContext context = MillraceContender.run(MillraceWindowedCountApplication.class, runId,
                properties);
        return () -> {
            context.close();
            FileSystemUtils.deleteRecursively(stateDir);
        };
    }
}
