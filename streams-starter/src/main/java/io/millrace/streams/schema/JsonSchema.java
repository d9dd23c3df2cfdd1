package io.millrace.streams.schema;

import java.util.List;
import java.util.Objects;
import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ValidationException;
import jakarta.validation.Validator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link Schema} that decodes and encodes JSON with Jackson and checks each message with Bean Validation.
 *
 * <p>Decoding follows the input rules: unknown fields are accepted, but types are strict (no coercion, no
 * overflow), duplicate keys, trailing content and null, empty or blank values are invalid. Encoding uses the
 * application's mapper unchanged (but for a copy's pool of buffers, which affects no output). Both validate the
 * message; the validator is spared the messages that plainly satisfy simple built-in constraints, and the types
 * that have none.
 *
 * @param <T> the message type
 */
public final class JsonSchema<T> implements Schema<T> {

    private final Class<T> type;

    private final String name;

    private final ObjectReader reader;

    private final ObjectWriter writer;

    private final Validator validator;

    /** Spares the validator the messages that certainly pass; {@code null} if every message goes to it. */
    private final ConstraintPrecheck precheck;

    private JsonSchema(Class<T> type, JsonMapper mapper, Validator validator) {
        this.type = type;
        this.name = type.getSimpleName();
        // Built once: resolving (de)serializers per message would cost more than the JSON itself.
        this.reader = ThreadBuffers.applyTo(StrictJsonMapper.copyOf(mapper)).readerFor(type);
        this.writer = ThreadBuffers.applyTo(mapper).writerFor(type);
        this.validator = validator;
        this.precheck = (validator != null) ? ConstraintPrecheck.of(type, validator) : null;
    }

    /**
     * Creates a schema for a message type.
     * @param <T> the message type
     * @param type the message type, usually a record
     * @param mapper the application's mapper; decoding uses a strict copy of it, encoding uses its configuration as is
     * @param validator the validator, or {@code null} to skip Bean Validation
     * @return the schema
     */
    public static <T> JsonSchema<T> of(Class<T> type, JsonMapper mapper, Validator validator) {
        Objects.requireNonNull(type, "type must not be null");
        Objects.requireNonNull(mapper, "mapper must not be null");
        return new JsonSchema<>(type, mapper, validator);
    }

    @Override
    public Class<T> type() {
        return this.type;
    }

    @Override
    public T decode(byte[] data) {
        T value = read(data);
        validate(value, "Invalid ");
        return value;
    }

    @Override
    public byte[] encode(T value) {
        if (value == null) {
            throw failure("Cannot encode ", "value is null");
        }
        validate(value, "Cannot encode invalid ");
        try {
            return this.writer.writeValueAsBytes(value);
        }
        catch (JacksonException ex) {
            throw failure("Cannot encode ", JacksonMessages.describe(ex), ex);
        }
        catch (RuntimeException ex) {
            // A custom serializer or a getter may throw anything; callers rely on SchemaException alone.
            throw failure("Cannot encode ", String.valueOf(ex), ex);
        }
    }

    private T read(byte[] data) {
        if (data == null) {
            throw failure("Cannot decode ", "value is null (a tombstone)");
        }
        int start = skipWhitespace(data);
        if (start == data.length) {
            throw failure("Cannot decode ", "value is empty");
        }
        if (isUtf16Or32(data, start)) {
            throw failure("Cannot decode ", "value is not UTF-8");
        }
        T value;
        try {
            value = this.reader.readValue(data);
        }
        catch (JacksonException ex) {
            throw failure("Cannot decode ", JacksonMessages.describe(ex), ex);
        }
        catch (RuntimeException ex) {
            // A custom deserializer at the root is not wrapped by Jackson; callers rely on SchemaException alone.
            throw failure("Cannot decode ", String.valueOf(ex), ex);
        }
        if (value == null) {
            throw failure("Cannot decode ", "value is JSON null");
        }
        return value;
    }

    private void validate(T value, String prefix) {
        if (this.validator == null || (this.precheck != null && this.precheck.passes(value))) {
            return;
        }
        Set<ConstraintViolation<T>> violations;
        try {
            violations = this.validator.validate(value);
        }
        catch (ValidationException ex) {
            // A misdeclared constraint fails every message alike, but the contract still promises SchemaException.
            throw failure(prefix, String.valueOf(ex.getMessage()), ex);
        }
        if (!violations.isEmpty()) {
            throw new SchemaException(prefix + this.name, describe(violations));
        }
    }

    private static List<String> describe(Set<? extends ConstraintViolation<?>> violations) {
        // Sorted because a Set's order differs between runs, and dead letters and tests compare messages.
        return violations.stream().map(JsonSchema::describe).sorted().toList();
    }

    private static String describe(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        return path.isEmpty() ? violation.getMessage() : path + ": " + violation.getMessage();
    }

    private static int skipWhitespace(byte[] data) {
        int i = 0;
        while (i < data.length && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r')) {
            i++;
        }
        return i;
    }

    /**
     * Whether the value starts like UTF-16 or UTF-32, which Jackson would otherwise detect and accept although
     * JSON between systems must be UTF-8 (RFC 8259, section 8.1). A zero byte never occurs in UTF-8 JSON outside
     * a string, nor do 0xFE and 0xFF (the UTF-16 byte order marks) anywhere.
     */
    private static boolean isUtf16Or32(byte[] data, int start) {
        int first = data[start] & 0xFF;
        return first == 0 || first >= 0xFE || (start + 1 < data.length && data[start + 1] == 0);
    }

    private SchemaException failure(String prefix, String violation) {
        return new SchemaException(prefix + this.name, List.of(violation));
    }

    private SchemaException failure(String prefix, String violation, Throwable cause) {
        SchemaException exception = failure(prefix, violation);
        exception.initCause(cause);
        return exception;
    }

    @Override
    public String toString() {
        return "JsonSchema[" + this.type.getName() + "]";
    }
}
