package io.millrace.streams.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.validation.Validator;
import tools.jackson.databind.json.JsonMapper;

import io.millrace.streams.schema.JsonSchema;
import io.millrace.streams.schema.Schema;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.schema.StreamSchema;

/**
 * Finds the schema of a message type: a {@link Schema} bean for that type first, then a JSON schema for a type
 * annotated {@link StreamSchema}, then the built-in schemas of {@code String} and {@code byte[]}.
 */
public final class SchemaResolver {

    private final Map<Class<?>, Schema<?>> declared = new ConcurrentHashMap<>();

    private final Map<Class<?>, Schema<?>> derived = new ConcurrentHashMap<>();

    private final JsonMapper mapper;

    private final Validator validator;

    /**
     * Creates a resolver.
     * @param schemas the schema beans
     * @param mapper the mapper JSON schemas start from
     * @param validator the validator of JSON schemas, or {@code null}
     */
    public SchemaResolver(List<Schema<?>> schemas, JsonMapper mapper, Validator validator) {
        for (Schema<?> schema : schemas) {
            Schema<?> previous = this.declared.putIfAbsent(schema.type(), schema);
            if (previous != null) {
                throw new IllegalStateException("Two Schema beans for " + schema.type().getName() + ": " + previous
                        + " and " + schema);
            }
        }
        this.mapper = mapper;
        this.validator = validator;
    }

    /**
     * The schema of a type.
     * @param type the message type
     * @param <T> the message type
     * @return the schema, or empty if the type has none
     */
    @SuppressWarnings("unchecked")
    public <T> Optional<Schema<T>> resolve(Class<T> type) {
        Schema<?> schema = this.declared.get(type);
        if (schema == null) {
            schema = this.derived.computeIfAbsent(type, this::derive);
        }
        return Optional.ofNullable((Schema<T>) schema);
    }

    /**
     * The schema of a type, or a JSON schema for a type without one, such as a plain record: what tables use for
     * keys and values. A {@code Long} without a schema bean gets {@link Schemas#longs()}: the same bytes as its JSON
     * schema, without a JSON parser.
     * @param type the type
     * @param <T> the type
     * @return the schema
     */
    public <T> Optional<Schema<T>> resolveOrJson(Class<T> type) {
        Optional<Schema<T>> schema = resolve(type);
        if (schema.isPresent()) {
            return schema;
        }
        if (type == Long.class) {
            @SuppressWarnings("unchecked")
            Schema<T> longs = (Schema<T>) Schemas.longs();
            return Optional.of(longs);
        }
        return Optional.of(JsonSchema.of(type, this.mapper, this.validator));
    }

    private Schema<?> derive(Class<?> type) {
        if (type.isAnnotationPresent(StreamSchema.class)) {
            return JsonSchema.of(type, this.mapper, this.validator);
        }
        if (type == String.class) {
            return Schemas.string();
        }
        if (type == byte[].class) {
            return Schemas.bytes();
        }
        return null;
    }
}
