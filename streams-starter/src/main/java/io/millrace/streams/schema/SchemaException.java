package io.millrace.streams.schema;

import java.util.List;

/**
 * A value that a {@link Schema} could not decode, validate or encode.
 *
 * <p>Carries the individual violations (for example {@code "name: must not be blank"}) so that a dead letter
 * and an HTTP 400 can say exactly what was wrong.
 */
public class SchemaException extends RuntimeException {

    private final List<String> violations;

    public SchemaException(String message, Throwable cause) {
        super(message, cause);
        this.violations = List.of(message);
    }

    public SchemaException(String message, List<String> violations) {
        super(message + ": " + String.join("; ", violations));
        this.violations = List.copyOf(violations);
    }

    /**
     * The violations, one sentence each.
     * @return the violations, never empty
     */
    public List<String> violations() {
        return this.violations;
    }
}
