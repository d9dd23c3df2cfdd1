package io.millrace.streams.schema;

import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;

/**
 * Turns a Jackson exception into one short violation, {@code "labels.a: Cannot coerce ..."}.
 *
 * <p>Jackson's own message spans several lines (source location, reference chain) that mean nothing in a dead
 * letter header or an HTTP 400.
 */
final class JacksonMessages {

    /**
     * A trailing hint on how to configure Jackson to accept the input, such as "(but could if coercion was enabled
     * using `CoercionConfig`)": advice for the consumer's code, misleading to whoever sent the message.
     */
    private static final Pattern CONFIGURATION_HINT = Pattern
        .compile("\\s*\\([^()]*(CoercionConfig|Feature\\.)[^()]*\\)\\s*$");

    private JacksonMessages() {
    }

    static String describe(JacksonException ex) {
        String message = ex.getOriginalMessage();
        if (message == null || message.isBlank()) {
            message = ex.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline);
        }
        message = CONFIGURATION_HINT.matcher(message).replaceFirst("");
        String path = path(ex);
        return path.isEmpty() ? message : path + ": " + message;
    }

    private static String path(JacksonException ex) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : ex.getPath()) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            }
            else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
