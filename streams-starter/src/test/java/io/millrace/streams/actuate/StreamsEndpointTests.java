package io.millrace.streams.actuate;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.jackson.EndpointJsonMapper;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.millrace.streams.actuate.StreamsEndpoint.StreamsDescriptor;
import io.millrace.streams.runtime.StreamView;

import static io.millrace.streams.test.StreamViews.active;
import static io.millrace.streams.test.StreamViews.restoring;
import static io.millrace.streams.test.StreamViews.standby;
import static io.millrace.streams.test.StreamViews.stream;
import static io.millrace.streams.test.StreamViews.windowed;
import static io.millrace.streams.test.StreamViews.windows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the JSON of {@link StreamsEndpoint} with hand-built views: every table partition in the view of one
 * stream, tables in a compact form and a restore summary in the list.
 */
class StreamsEndpointTests {

    private final JsonMapper json = JsonMapper.builder().build();

    private final StreamView wordCount = stream("word-count", restoring("word-counts", 0, 800, 1200),
            active("word-counts", 1, 42), standby("word-counts", 2, 7), restoring("totals", 1, 5, 10));

    @Test
    void oneStreamShowsEveryTablePartitionWithItsRestoreProgress() {
        JsonNode view = this.json.valueToTree(this.wordCount);

        assertThat(view.path("tables")).hasSize(4);
        JsonNode first = view.path("tables").get(0);
        assertThat(first.path("table").asString()).isEqualTo("word-counts");
        assertThat(first.path("partition").asInt()).isZero();
        assertThat(first.path("role").asString()).isEqualTo("RESTORING");
        assertThat(first.path("restored").asLong()).isEqualTo(800);
        assertThat(first.path("remaining").asLong()).isEqualTo(1200);
        assertThat(view.path("tables").get(1).path("written").asLong()).isEqualTo(42);
    }

    @Test
    void theListShowsTablesCompactlyWithARestoreSummary() {
        StreamsDescriptor descriptor = new StreamsDescriptor(List.of(this.wordCount, stream("plain")),
                Map.of("word-count", List.of("word-counts", "totals", "unopened"), "plain", List.of()));

        JsonNode streams = this.json.valueToTree(descriptor).path("streams");

        assertThat(streams).hasSize(2);
        JsonNode wordCount = streams.get(0);
        // Every field of the stream's view is there, as in /actuator/streams/{name}.
        assertThat(wordCount.path("name").asString()).isEqualTo("word-count");
        assertThat(wordCount.path("state").asString()).isEqualTo("RUNNING");
        assertThat(wordCount.path("partitions").path("word-count-in-0").path("lag").asLong()).isEqualTo(2);
        assertThat(wordCount.path("topology").path("inputSchema").asString()).isEqualTo("Payload");
        assertThat(this.json.writeValueAsString(descriptor)).contains("\"partitions\":{\"word-count-in-0\"");
        // Tables by name, in declaration order, even without open partitions.
        JsonNode tables = wordCount.path("tables");
        assertThat(tables.propertyNames()).containsExactly("word-counts", "totals", "unopened");
        assertThat(tables.path("word-counts").toString()).isEqualTo("{\"active\":1,\"restoring\":1,\"standby\":1,"
                + "\"written\":42,\"restores\":[{\"partition\":0,\"restored\":800,\"remaining\":1200}]}");
        assertThat(tables.path("unopened").path("active").asInt()).isZero();
        assertThat(tables.path("unopened").path("restores")).isEmpty();
        assertThat(wordCount.path("restore").toString())
            .isEqualTo("{\"restoring\":2,\"restored\":805,\"remaining\":1210}");
        JsonNode plain = streams.get(1);
        assertThat(plain.path("tables")).isEmpty();
        assertThat(plain.path("restore").path("restoring").asInt()).isZero();
        // The Java view is the stream views themselves.
        assertThat(descriptor.streams()).extracting(StreamView::name).containsExactly("word-count", "plain");
    }

    @Test
    void tablesOpenButNotDeclaredStillShow() {
        JsonNode streams = this.json.valueToTree(new StreamsDescriptor(List.of(this.wordCount))).path("streams");

        assertThat(streams.get(0).path("tables").propertyNames()).containsExactly("word-counts", "totals");
    }

    @Test
    void windowedTablePartitionsShowTheirWindowsAsTheActuatorWritesThem() {
        StreamView counts = stream("animal-counts",
                windowed("counts", 1, windows(1_700_000_010_000L, 5, 41, 6, 2, 3, 4096)),
                windowed("counts", 0, windows(null, 0, 0, 0, 0, 0, 0)), active("totals", 0, 42));

        JsonNode tables = endpointJson(counts).path("tables");

        JsonNode busy = tables.get(0).path("windows");
        assertThat(busy.toString()).isEqualTo("{\"streamTime\":1700000010000,\"lastClosedStart\":1699999990000,"
                + "\"open\":5,\"closed\":41,\"late\":6,\"droppedLate\":2,\"segments\":3,\"diskBytes\":4096}");
        // Before any record: no stream time and no closed window (the actuator leaves nulls out), counts at zero.
        JsonNode idle = tables.get(1).path("windows");
        assertThat(idle.has("streamTime")).isFalse();
        assertThat(idle.has("lastClosedStart")).isFalse();
        assertThat(idle.path("open").isNumber()).isTrue();
        assertThat(idle.path("open").asLong()).isZero();
        assertThat(idle.path("segments").asInt()).isZero();
        // A plain table's partition has no windows.
        assertThat(tables.get(2).has("windows")).isFalse();
        // A mapper that writes nulls writes the stream time as null.
        assertThat(this.json.valueToTree(counts).path("tables").get(1).path("windows").path("streamTime").isNull())
            .isTrue();
    }

    @Test
    void theListShowsTheWindowsOfAWindowedTablePerPartition() {
        StreamView counts = stream("animal-counts",
                windowed("counts", 1, windows(1_700_000_010_000L, 5, 41, 6, 2, 3, 4096)),
                windowed("counts", 0, windows(null, 0, 0, 0, 0, 0, 0)), active("totals", 0, 42));

        JsonNode tables = endpointJson(new StreamsDescriptor(List.of(counts),
                Map.of("animal-counts", List.of("counts", "totals")))).path("streams").get(0).path("tables");

        JsonNode windows = tables.path("counts").path("windows");
        assertThat(windows).hasSize(2);
        assertThat(windows.get(0).toString()).isEqualTo("{\"partition\":0,\"role\":\"ACTIVE\",\"open\":0,"
                + "\"closed\":0,\"late\":0,\"droppedLate\":0,\"segments\":0,\"diskBytes\":0}");
        assertThat(windows.get(1).toString()).isEqualTo("{\"partition\":1,\"role\":\"ACTIVE\","
                + "\"streamTime\":1700000010000,\"lastClosedStart\":1699999990000,\"open\":5,\"closed\":41,"
                + "\"late\":6,\"droppedLate\":2,\"segments\":3,\"diskBytes\":4096}");
        assertThat(tables.path("counts").path("active").asInt()).isEqualTo(2);
        assertThat(tables.path("totals").has("windows")).isFalse();
        // With a mapper that writes nulls, a plain table's summary still has no windows.
        JsonNode plain = this.json.valueToTree(new StreamsDescriptor(List.of(counts)));
        assertThat(plain.path("streams").get(0).path("tables").path("totals").has("windows")).isFalse();
    }

    /** The JSON of a value as {@code /actuator/streams} writes it, with the actuator's own mapper. */
    private static JsonNode endpointJson(Object value) {
        JsonNode[] tree = new JsonNode[1];
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(JacksonEndpointAutoConfiguration.class))
            .run((context) -> {
                JsonMapper mapper = (JsonMapper) context.getBean(EndpointJsonMapper.class).get();
                tree[0] = mapper.readTree(mapper.writeValueAsString(value));
            });
        return tree[0];
    }
}
