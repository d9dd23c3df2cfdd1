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
        if (!table.windowGap().isBlank()) {
            if (!table.windowSize().isBlank() || !table.windowAdvance().isBlank()) {
                throw new InvalidStreamsException(where + ": windowGap (session windows) excludes windowSize and "
                        + "windowAdvance");
            }
            return windows(where, null, null, duration(where, "windowGrace", table.windowGrace()),
                    duration(where, "windowRetention", table.windowRetention()), table.dropLate(),
                    duration(where, "windowIdleAfter", table.windowIdleAfter()),
                    duration(where, "windowGap", table.windowGap()));
        }
        if (table.windowSize().isBlank()) {
            if (!table.windowAdvance().isBlank() || !table.windowGrace().isBlank()
                    || !table.windowRetention().isBlank() || !table.windowIdleAfter().isBlank()) {
                throw new InvalidStreamsException(where
                        + ": window advance, grace, retention or idle-after without windowSize or windowGap");
            }
            return null;
        }
        return windows(where, duration(where, "windowSize", table.windowSize()),
                duration(where, "windowAdvance", table.windowAdvance()),
                duration(where, "windowGrace", table.windowGrace()),
                duration(where, "windowRetention", table.windowRetention()), table.dropLate(),
                duration(where, "windowIdleAfter", table.windowIdleAfter()), null);
    }

    /**
     * The windows after configuration. A configured size makes the windows tumbling or hopping, a configured gap
     * makes them session windows, whatever the declaration said; other properties keep the declared kind.
     * @param prefix {@code millrace.streams.<stream>.tables.<table>.window.}
     * @param declared the declared windows, {@code null} for none
     * @param configured the properties
     * @return the windows, {@code null} for a plain table
     */
    static Windows configured(String prefix, Windows declared, MillraceProperties.Window configured) {
        boolean any = configured.getSize() != null || configured.getAdvance() != null
                || configured.getGrace() != null || configured.getRetention() != null
                || configured.getDropLate() != null || configured.getIdleAfter() != null
                || configured.getGap() != null;
        if (!any) {
            return declared;
        }
        String where = prefix.substring(0, prefix.length() - 1);
        if (configured.getGap() != null && (configured.getSize() != null || configured.getAdvance() != null)) {
            throw new InvalidStreamsException(prefix + "gap: session windows take no size or advance");
        }
        boolean session = (configured.getGap() != null)
                || (configured.getSize() == null && declared != null && declared.session());
        Duration gap = null;
        Duration size = null;
        Duration advance = null;
        if (session) {
            if (configured.getAdvance() != null) {
                throw new InvalidStreamsException(prefix + "advance: the table has session windows, which take none");
            }
            gap = (configured.getGap() != null) ? configured.getGap() : declared.gap();
        }
        else {
            size = (configured.getSize() != null) ? configured.getSize() : (declared != null) ? declared.size() : null;
            if (size == null) {
                throw new InvalidStreamsException(prefix + "size: the table is not windowed, so its window "
                        + "properties need a size (or a gap)");
            }
            advance = (configured.getAdvance() != null) ? configured.getAdvance()
                    : (declared != null && configured.getSize() == null) ? declared.advance() : null;
        }
        Duration grace = (configured.getGrace() != null) ? configured.getGrace()
                : (declared != null) ? declared.grace() : null;
        Duration retention = configured.getRetention();
        Duration length = session ? gap : size;
        if (retention == null && declared != null
                && declared.retention().compareTo(length.plus((grace != null) ? grace : Duration.ZERO)) >= 0) {
            retention = declared.retention();
        }
        boolean dropLate = (configured.getDropLate() != null) ? configured.getDropLate()
                : declared != null && declared.dropLate();
        Duration idleAfter = (configured.getIdleAfter() != null) ? configured.getIdleAfter()
                : (declared != null) ? declared.idleAfter() : null;
        return windows(where, size, advance, grace, retention, dropLate, idleAfter, gap);
    }

    private static Windows windows(String where, Duration size, Duration advance, Duration grace,
            Duration retention, boolean dropLate, Duration idleAfter, Duration gap) {
        try {
            return new Windows(size, advance, grace, retention, dropLate, idleAfter, gap);
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
