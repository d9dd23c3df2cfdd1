package io.millrace.streams.autoconfigure;

import java.time.Duration;

import org.springframework.boot.convert.DurationStyle;

import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.table.StreamTable;
import io.millrace.streams.table.Windows;

/**
 * The windows of a table, from its {@link StreamTable} annotation and then
 * {@code millrace.streams.<stream>.tables.<table>.window.*}, which overrides it property by property.
 */
final class TableWindows {

    private TableWindows() {
    }

    /**
     * The windows an annotation declares.
     * @param table the annotation
     * @param where names the annotation in messages
     * @return the windows, {@code null} for a plain table
     */
    static Windows declared(StreamTable table, String where) {
        if (table.windowSize().isBlank()) {
            if (!table.windowAdvance().isBlank() || !table.windowGrace().isBlank()
                    || !table.windowRetention().isBlank() || !table.windowIdleAfter().isBlank()) {
                throw new InvalidStreamsException(where
                        + ": window advance, grace, retention or idle-after without windowSize");
            }
            return null;
        }
        return windows(where, duration(where, "windowSize", table.windowSize()),
                duration(where, "windowAdvance", table.windowAdvance()),
                duration(where, "windowGrace", table.windowGrace()),
                duration(where, "windowRetention", table.windowRetention()), table.dropLate(),
                duration(where, "windowIdleAfter", table.windowIdleAfter()));
    }

    /**
     * The windows after configuration.
     * @param prefix {@code millrace.streams.<stream>.tables.<table>.window.}
     * @param declared the declared windows, {@code null} for none
     * @param configured the properties
     * @return the windows, {@code null} for a plain table
     */
    static Windows configured(String prefix, Windows declared, MillraceProperties.Window configured) {
        if (configured.getGap() != null) {
            throw new InvalidStreamsException(prefix + "gap: session windows are not supported yet; use size "
                    + "(tumbling) or size and advance (hopping)");
        }
        boolean any = configured.getSize() != null || configured.getAdvance() != null
                || configured.getGrace() != null || configured.getRetention() != null
                || configured.getDropLate() != null || configured.getIdleAfter() != null;
        if (!any) {
            return declared;
        }
        Duration size = (configured.getSize() != null) ? configured.getSize()
                : (declared != null) ? declared.size() : null;
        if (size == null) {
            throw new InvalidStreamsException(prefix + "size: the table is not windowed, so its window properties "
                    + "need a size");
        }
        Duration advance = (configured.getAdvance() != null) ? configured.getAdvance()
                : (declared != null && configured.getSize() == null) ? declared.advance() : null;
        Duration grace = (configured.getGrace() != null) ? configured.getGrace()
                : (declared != null) ? declared.grace() : null;
        Duration retention = configured.getRetention();
        if (retention == null && declared != null
                && declared.retention().compareTo(size.plus((grace != null) ? grace : Duration.ZERO)) >= 0) {
            retention = declared.retention();
        }
        boolean dropLate = (configured.getDropLate() != null) ? configured.getDropLate()
                : declared != null && declared.dropLate();
        Duration idleAfter = (configured.getIdleAfter() != null) ? configured.getIdleAfter()
                : (declared != null) ? declared.idleAfter() : null;
        return windows(prefix.substring(0, prefix.length() - 1), size, advance, grace, retention, dropLate,
                idleAfter);
    }

    private static Windows windows(String where, Duration size, Duration advance, Duration grace,
            Duration retention, boolean dropLate, Duration idleAfter) {
        try {
            return new Windows(size, advance, grace, retention, dropLate, idleAfter);
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidStreamsException(where + ": " + ex.getMessage());
        }
    }

    private static Duration duration(String where, String attribute, String text) {
        if (text.isBlank()) {
            return null;
        }
        try {
            return DurationStyle.detectAndParse(text.trim());
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidStreamsException(where + ": " + attribute + " '" + text + "' is not a duration (10s, "
                    + "500ms, PT10S)");
        }
    }
}
