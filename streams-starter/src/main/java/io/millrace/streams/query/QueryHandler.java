package io.millrace.streams.query;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.millrace.streams.runtime.PartitionOwners;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.schema.SchemaException;
import io.millrace.streams.table.KeyValue;
import io.millrace.streams.table.LocalTables;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.Window;
import io.millrace.streams.table.WindowKeys;

/**
 * Interactive queries over HTTP, answered by any instance (behind {@code millrace.queries.enabled}):
 * <ul>
 * <li>{@code GET /streams/{stream}/tables/{table}/{key}}: 200 {@code {"key", "value"}}, 404 when the key is absent;
 * on a windowed table, with {@code from} and {@code to} (epoch ms, window starts, inclusive; by default the
 * retention up to now): 200 {@code [{"windowStart", "windowEnd", "value"}]}.
 * <li>{@code GET /streams/{stream}/tables/{table}?limit=&after=}: a page of entries in the order of their encoded
 * keys across every partition, {@code {"entries": [{"key", "value"}], "next": cursor or null}}.
 * <li>{@code GET /streams/{stream}/owners}: which instance owns each partition of the stream's tables, and its
 * standbys.
 * </ul>
 * A key's partition is owned by one instance: the others forward the request to it (once: a forwarded request is
 * never forwarded again). 503 with {@code Retry-After} while the partition restores, moves, or its owner cannot be
 * reached; {@code standby=true} lets a standby copy answer, possibly behind the owner. Unknown stream or table: 404; a
 * key the key schema refuses, or a bad parameter: 400. Errors carry a message, never a stack trace.
 */
public class QueryHandler {

    private static final Logger logger = LoggerFactory.getLogger(QueryHandler.class);

    /** The path of a key. */
    public static final String KEY_PATH = "/streams/{stream}/tables/{table}/{key}";

    /** The path of a table's pages. */
    public static final String TABLE_PATH = "/streams/{stream}/tables/{table}";

    /** The path of the owners of a stream's partitions. */
    public static final String OWNERS_PATH = "/streams/{stream}/owners";

    /** Entries per page when the request names no limit. */
    public static final int DEFAULT_LIMIT = 100;

    /** The most entries per page. */
    public static final int MAX_LIMIT = 1000;

    /** What a client told to come back should wait, in seconds. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final StreamManager manager;

    private final JsonMapper json;

    private final Supplier<String> self;

    private final QueryForwarder forwarder;

    /**
     * Creates the handler.
     * @param manager the running streams
     * @param json renders values and reads forwarded answers
     * @param self this instance's advertised URL (not forwarded to)
     * @param forwardTimeout how long a forwarded request may take
     */
    public QueryHandler(StreamManager manager, JsonMapper json, Supplier<String> self, Duration forwardTimeout) {
        this.manager = manager;
        this.json = json;
        this.self = self;
        this.forwarder = new QueryForwarder(forwardTimeout);
    }

    /**
     * The routes to this handler, for Spring MVC's {@code RouterFunctionMapping}.
     * @return the query routes
     */
    public RouterFunction<ServerResponse> routes() {
        return RouterFunctions.route()
            .GET(KEY_PATH, this::key)
            .GET(TABLE_PATH, this::page)
            .GET(OWNERS_PATH, this::owners)
            .build();
    }

    /**
     * A key's value, or its windows.
     * @param request the request
     * @return the answer
     */
    public ServerResponse key(ServerRequest request) {
        return answer(() -> {
            TableReads reads = TableReads.of(this.manager, request.pathVariable("stream"),
                    request.pathVariable("table"));
            TableDefinition<?, ?> definition = reads.definition();
            Object key = decodeKey(definition, request.pathVariable("key"));
            byte[] encoded = encode(definition, key);
            PartitionOwners owners = reads.owners();
            int partition = reads.partitionOf(encoded, owners);
            boolean standby = standby(request);
            try {
                if (definition.windowed()) {
                    long to = longParam(request, "to").orElseGet(() -> this.manager.clock().millis());
                    long from = longParam(request, "from")
                        .orElse(to - definition.windows().retentionMillis());
                    if (from > to) {
                        throw new IllegalArgumentException("'from' (" + from + ") is after 'to' (" + to + ")");
                    }
                    List<Map<String, Object>> windows = new ArrayList<>();
                    for (TableReads.WindowValue window : reads.windows(partition, encoded, from, to, standby)) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("windowStart", window.start());
                        row.put("windowEnd", window.end());
                        row.put("value", definition.valueSchema().decode(window.value()));
                        windows.add(row);
                    }
                    return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).body(windows);
                }
                byte[] value = reads.get(partition, encoded, standby);
                if (value == null) {
                    return error(HttpStatus.NOT_FOUND, "Table '" + definition.name() + "' has no key " + quote(key));
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("key", key);
                body.put("value", definition.valueSchema().decode(value));
                return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).body(body);
            }
            catch (QueryUnavailableException ex) {
                return forwardOrUnavailable(request, ex, List.of(partition), owners, standby);
            }
        });
    }

    /**
     * A page of a table, across every partition of every instance.
     * @param request the request
     * @return the answer
     */
    public ServerResponse page(ServerRequest request) {
        return answer(() -> {
            TableReads reads = TableReads.of(this.manager, request.pathVariable("stream"),
                    request.pathVariable("table"));
            long limit = longParam(request, "limit").orElse((long) DEFAULT_LIMIT);
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT);
            }
            byte[] after = request.param("after").filter((cursor) -> !cursor.isEmpty()).map(QueryHandler::cursor)
                .orElse(null);
            boolean standby = standby(request);
            Optional<String> asked = request.param("partitions");
            if (asked.isPresent()) {
                // Another instance's share of a page: only partitions that answer here, or 503.
                List<Integer> partitions = Arrays.stream(asked.get().split(",")).map(String::trim)
                    .map(Integer::valueOf).toList();
                TableReads.Page page = reads.scan(partitions, from(after), null, (int) limit, standby);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("entries", rows(reads.definition(), page.entries(), true));
                body.put("more", page.more());
                return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).body(body);
            }
            return wholePage(request, reads, after, (int) limit, standby);
        });
    }

    private ServerResponse wholePage(ServerRequest request, TableReads reads, byte[] after, int limit,
            boolean standby) throws Exception {
        PartitionOwners owners = reads.owners();
        if (owners.partitions() == 0) {
            return unavailable("Stream '" + reads.stream() + "' does not run in this instance");
        }
        List<Integer> local = reads.localPartitions(standby);
        Map<String, List<Integer>> remote = new TreeMap<>();
        for (int partition = 0; partition < owners.partitions(); partition++) {
            if (local.contains(partition)) {
                continue;
            }
            String target = target(owners, partition, standby);
            if (target == null || forwarded(request)) {
                return unavailable("Partition " + partition + " of table '" + reads.definition().name()
                        + "' has no instance to answer now");
            }
            remote.computeIfAbsent(target, (url) -> new ArrayList<>()).add(partition);
        }
        Map<String, CompletableFuture<QueryForwarder.Answer>> answers = new LinkedHashMap<>();
        remote.forEach((url, partitions) -> answers.put(url, this.forwarder.get(url,
                pageQuery(reads, partitions, after, limit, standby))));
        List<Row> rows = new ArrayList<>();
        boolean more = false;
        if (!local.isEmpty()) {
            TableReads.Page page = reads.scan(local, from(after), null, limit, standby);
            more = page.more();
            for (Map<String, Object> row : rows(reads.definition(), page.entries(), true)) {
                rows.add(new Row(cursor((String) row.remove("cursor")), row));
            }
        }
        for (Map.Entry<String, CompletableFuture<QueryForwarder.Answer>> answer : answers.entrySet()) {
            QueryForwarder.Answer forwarded;
            try {
                forwarded = answer.getValue().join();
            }
            catch (java.util.concurrent.CompletionException ex) {
                return unavailable("Instance " + answer.getKey() + " did not answer");
            }
            if (forwarded.status() != 200) {
                return passOn(forwarded);
            }
            JsonNode body = this.json.readTree(forwarded.body());
            more |= body.path("more").asBoolean(false);
            for (JsonNode entry : body.path("entries")) {
                Map<String, Object> row = new LinkedHashMap<>();
                entry.properties().forEach((field) -> row.put(field.getKey(), field.getValue()));
                rows.add(new Row(cursor(entry.path("cursor").asString()), row));
                row.remove("cursor");
            }
        }
        rows.sort((one, other) -> Arrays.compareUnsigned(one.cursor(), other.cursor()));
        more |= rows.size() > limit;
        List<Row> shown = rows.subList(0, Math.min(limit, rows.size()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("entries", shown.stream().map(Row::fields).toList());
        body.put("next", (more && !shown.isEmpty()) ? cursor(shown.get(shown.size() - 1).cursor()) : null);
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }

    /**
     * Which instance owns each partition of a stream's tables.
     * @param request the request
     * @return the answer
     */
    public ServerResponse owners(ServerRequest request) {
        return answer(() -> {
            String stream = request.pathVariable("stream");
            if (this.manager.definitions().stream().noneMatch((definition) -> definition.name().equals(stream))) {
                throw new NoSuchTableException("No stream '" + stream + "'");
            }
            PartitionOwners owners = this.manager.owners(stream);
            List<Map<String, Object>> partitions = new ArrayList<>();
            for (int partition = 0; partition < owners.partitions(); partition++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("partition", partition);
                row.put("owner", owners.owner(partition));
                row.put("standbys", owners.standbys(partition));
                partitions.add(row);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("stream", stream);
            body.put("self", this.self.get());
            body.put("generation", owners.generation());
            body.put("partitions", partitions);
            return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).body(body);
        });
    }

    private ServerResponse forwardOrUnavailable(ServerRequest request, QueryUnavailableException ex,
            List<Integer> partitions, PartitionOwners owners, boolean standby) throws Exception {
        String target = target(owners, partitions.get(0), standby);
        if (target == null || forwarded(request)) {
            return unavailable(ex.getMessage());
        }
        String pathAndQuery = request.requestPath().value()
                + ((request.servletRequest().getQueryString() != null)
                        ? "?" + request.servletRequest().getQueryString() : "");
        try {
            return passOn(this.forwarder.getNow(target, pathAndQuery));
        }
        catch (java.io.IOException unreachable) {
            return unavailable("The owner of partition " + partitions.get(0) + " did not answer");
        }
    }

    /** Where a partition's request goes: its owner, or with standby reads a standby, never this instance. */
    private String target(PartitionOwners owners, int partition, boolean standby) {
        String self = this.self.get();
        String owner = owners.owner(partition);
        if (owner != null && !owner.equals(self)) {
            return owner;
        }
        if (standby) {
            return owners.standbys(partition).stream().filter((url) -> !url.equals(self)).findFirst().orElse(null);
        }
        return null;
    }

    private static String pageQuery(TableReads reads, List<Integer> partitions, byte[] after, int limit,
            boolean standby) {
        StringBuilder query = new StringBuilder("/streams/").append(encodePath(reads.stream())).append("/tables/")
            .append(encodePath(reads.definition().name())).append("?limit=").append(limit).append("&partitions=");
        query.append(String.join(",", partitions.stream().map(String::valueOf).toList()));
        if (after != null) {
            query.append("&after=").append(cursor(after));
        }
        if (standby) {
            query.append("&standby=true");
        }
        return query.toString();
    }

    private static String encodePath(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private List<Map<String, Object>> rows(TableDefinition<?, ?> definition, List<KeyValue> entries, boolean cursors) {
        List<Map<String, Object>> rows = new ArrayList<>(entries.size());
        for (KeyValue entry : entries) {
            Map<String, Object> row = new LinkedHashMap<>();
            if (cursors) {
                row.put("cursor", cursor(entry.key()));
            }
            if (definition.windowed()) {
                Window window = WindowKeys.window(definition.windows(), entry.key());
                row.put("key", definition.keySchema().decode(WindowKeys.key(definition.windows(), entry.key())));
                row.put("windowStart", window.start());
                row.put("windowEnd", window.end());
            }
            else {
                row.put("key", definition.keySchema().decode(entry.key()));
            }
            row.put("value", definition.valueSchema().decode(entry.value()));
            rows.add(row);
        }
        return rows;
    }

    private static Object decodeKey(TableDefinition<?, ?> definition, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > TableReads.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("A key of " + bytes.length + " bytes is longer than "
                    + TableReads.MAX_KEY_BYTES);
        }
        return definition.keySchema().decode(bytes);
    }

    @SuppressWarnings("unchecked")
    private static byte[] encode(TableDefinition<?, ?> definition, Object key) {
        return ((TableDefinition<Object, ?>) definition).keySchema().encode(key);
    }

    private static boolean forwarded(ServerRequest request) {
        return request.headers().firstHeader(QueryForwarder.FORWARDED_HEADER) != null;
    }

    private static boolean standby(ServerRequest request) {
        return request.param("standby").map(Boolean::parseBoolean).orElse(false);
    }

    private static Optional<Long> longParam(ServerRequest request, String name) {
        Optional<String> value = request.param(name);
        if (value.isEmpty() || value.get().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(value.get()));
        }
        catch (NumberFormatException ex) {
            throw new IllegalArgumentException("'" + name + "' must be a number, not " + quote(value.get()));
        }
    }

    private static byte[] from(byte[] after) {
        return (after != null) ? LocalTables.after(after) : null;
    }

    private static String cursor(byte[] key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }

    private static byte[] cursor(String cursor) {
        try {
            return Base64.getUrlDecoder().decode(Objects.requireNonNull(cursor));
        }
        catch (IllegalArgumentException | NullPointerException ex) {
            throw new IllegalArgumentException("'after' is not a cursor this table gave");
        }
    }

    private static String quote(Object value) {
        String text = String.valueOf(value);
        return "'" + ((text.length() > 200) ? text.substring(0, 200) + "..." : text) + "'";
    }

    private ServerResponse answer(Answering answering) {
        try {
            return answering.answer();
        }
        catch (NoSuchTableException ex) {
            return error(HttpStatus.NOT_FOUND, ex.getMessage());
        }
        catch (SchemaException ex) {
            return error(HttpStatus.BAD_REQUEST, "The key is not one the table's key schema reads: "
                    + ex.getMessage());
        }
        catch (IllegalArgumentException ex) {
            return error(HttpStatus.BAD_REQUEST, ex.getMessage());
        }
        catch (QueryUnavailableException ex) {
            return unavailable(ex.getMessage());
        }
        catch (Exception ex) {
            logger.warn("A query failed", ex);
            return error(HttpStatus.INTERNAL_SERVER_ERROR, "The query failed; the instance's log says why");
        }
    }

    private static ServerResponse passOn(QueryForwarder.Answer answer) {
        ServerResponse.BodyBuilder builder = ServerResponse.status(answer.status())
            .contentType(MediaType.APPLICATION_JSON);
        if (answer.retryAfter() != null) {
            builder.header("Retry-After", answer.retryAfter());
        }
        return builder.body(answer.body());
    }

    private static ServerResponse unavailable(String message) {
        return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", RETRY_AFTER_SECONDS)
            .contentType(MediaType.APPLICATION_JSON).body(Map.of("error", message));
    }

    private static ServerResponse error(HttpStatus status, String message) {
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).body(Map.of("error", message));
    }

    @FunctionalInterface
    private interface Answering {

        ServerResponse answer() throws Exception;
    }

    /** One entry of a page, with the encoded key it is ordered by. */
    private record Row(byte[] cursor, Map<String, Object> fields) {
    }
}
