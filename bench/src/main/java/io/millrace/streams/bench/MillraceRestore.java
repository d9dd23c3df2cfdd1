package io.millrace.streams.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.context.ConfigurableApplicationContext;

import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.table.TablePartitionView;

/**
 * Millrace restoring the table of {@link MillraceRestoreApplication} from the seeded changelog, with the starter's
 * defaults (RocksDB, shared block cache and write buffers, restore consumer max.poll.records 10000).
 */
final class MillraceRestore implements RestoreContender {

    private final Map<String, Object> properties;

    private final boolean restart;

    private final StateDir stateDir;

    MillraceRestore(ClientSettings clients, String input, boolean restart, StateDir stateDir) {
        this.properties = new LinkedHashMap<>(clients.springKafka());
        this.properties.put("spring.kafka.consumer.properties.interceptor.classes",
                RestoreFetchInterceptor.class.getName());
        this.properties.put("bench.restore.input", input);
        this.restart = restart;
        this.stateDir = stateDir;
    }

    @Override
    public String name() {
        return this.restart ? "millrace-restart" : "millrace-restore";
    }

    @Override
    public String description() {
        return this.restart ? "Millrace, restart with the state directory and checkpoint of its full restore"
                : "Millrace, empty state directory: full restore (RocksDB, starter defaults, restore consumer "
                        + "max.poll.records 10000)";
    }

    @Override
    public Running start(RestoreProbe probe) throws Exception {
        Path directory = this.restart ? this.stateDir.reuse() : this.stateDir.fresh();
        Map<String, Object> properties = new LinkedHashMap<>(this.properties);
        properties.put("millrace.state-dir", directory.toString());
        ConfigurableApplicationContext context = MillraceContender.run(MillraceRestoreApplication.class,
                RestoreScenario.APPLICATION_ID, properties,
                (application) -> application.getBeanFactory().registerSingleton("restoreProbe", probe));
        return new Running() {

            @Override
            public long restored() {
                return context.getBean(StreamManager.class).stream(MillraceRestoreApplication.STREAM).orElseThrow()
                        .tables().stream().mapToLong(TablePartitionView::restored).sum();
            }

            @Override
            public void close() {
                context.close();
            }
        };
    }
}
