package io.millrace.streams.autoconfigure;

import java.lang.annotation.Annotation;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.table.StreamTable;
import io.millrace.streams.table.Windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Session windows of a table: declared with {@link Windows#session}, {@code @StreamTable(windowGap)} or
 * {@code ...window.gap}; the gap excludes a size and an advance; configuration overrides the declaration property by
 * property, and a configured size or gap chooses the kind.
 */
class TableWindowsSessionTests {

    private static final String PREFIX = "millrace.streams.s.tables.t.window.";

    @Test
    void sessionWindowsHaveAGapAndARetentionFromTheirLastEventTime() {
        Windows windows = Windows.session(Duration.ofMinutes(5)).withGrace(Duration.ofSeconds(30));
        assertThat(windows.session()).isTrue();
        assertThat(windows.gapMillis()).isEqualTo(300_000);
        assertThat(windows.size()).isNull();
        assertThat(windows.retention()).isEqualTo(Windows.DEFAULT_RETENTION);
        assertThat(Windows.session(Duration.ofHours(2)).retention()).isEqualTo(Duration.ofHours(2));
        // Closed: last event time + gap + grace reached.
        assertThat(windows.lastClosedStart(1_000_000)).isEqualTo(1_000_000 - 330_000);
        assertThatIllegalArgumentException()
            .isThrownBy(() -> Windows.session(Duration.ofMinutes(5)).withRetention(Duration.ofMinutes(4)))
            .withMessageContaining("gap plus its grace");
        assertThatIllegalArgumentException().isThrownBy(() -> Windows.session(Duration.ZERO))
            .withMessageContaining("gap");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new Windows(Duration.ofSeconds(1), null, null, null, false, null, Duration.ofSeconds(1)))
            .withMessageContaining("no size");
    }

    @Test
    void theAnnotationDeclaresThemWithoutASize() {
        Windows windows = TableWindows.declared(annotation("", "5m", "10s"), "T");
        assertThat(windows.gap()).isEqualTo(Duration.ofMinutes(5));
        assertThat(windows.grace()).isEqualTo(Duration.ofSeconds(10));
        assertThatExceptionOfType(InvalidStreamsException.class)
            .isThrownBy(() -> TableWindows.declared(annotation("10s", "5m", ""), "T"))
            .withMessageContaining("windowGap (session windows) excludes windowSize");
    }

    @Test
    void configurationSetsAGapOverridesTheRestAndChoosesTheKind() {
        MillraceProperties.Window configured = new MillraceProperties.Window();
        configured.setGap(Duration.ofMinutes(1));
        Windows session = TableWindows.configured(PREFIX, null, configured);
        assertThat(session.gapMillis()).isEqualTo(60_000);
        // A declared session table keeps its gap when only its grace is configured.
        MillraceProperties.Window grace = new MillraceProperties.Window();
        grace.setGrace(Duration.ofSeconds(7));
        Windows declared = Windows.session(Duration.ofSeconds(30)).droppingLate();
        Windows graced = TableWindows.configured(PREFIX, declared, grace);
        assertThat(graced.gap()).isEqualTo(Duration.ofSeconds(30));
        assertThat(graced.grace()).isEqualTo(Duration.ofSeconds(7));
        assertThat(graced.dropLate()).isTrue();
        // A size makes a declared session table tumbling; a gap makes a tumbling one sessions.
        MillraceProperties.Window size = new MillraceProperties.Window();
        size.setSize(Duration.ofSeconds(10));
        assertThat(TableWindows.configured(PREFIX, declared, size).session()).isFalse();
        assertThat(TableWindows.configured(PREFIX, Windows.tumbling(Duration.ofSeconds(10)), configured).gap())
            .isEqualTo(Duration.ofMinutes(1));
        configured.setSize(Duration.ofSeconds(10));
        assertThatExceptionOfType(InvalidStreamsException.class)
            .isThrownBy(() -> TableWindows.configured(PREFIX, null, configured))
            .withMessageContaining(PREFIX + "gap");
        MillraceProperties.Window advance = new MillraceProperties.Window();
        advance.setAdvance(Duration.ofSeconds(5));
        assertThatExceptionOfType(InvalidStreamsException.class)
            .isThrownBy(() -> TableWindows.configured(PREFIX, declared, advance))
            .withMessageContaining("session windows");
    }

    private static StreamTable annotation(String size, String gap, String grace) {
        return new StreamTable() {

            @Override
            public Class<? extends Annotation> annotationType() {
                return StreamTable.class;
            }

            @Override
            public String name() {
                return "t";
            }

            @Override
            public Class<?> key() {
                return String.class;
            }

            @Override
            public Class<?> value() {
                return Long.class;
            }

            @Override
            public String windowSize() {
                return size;
            }

            @Override
            public String windowGap() {
                return gap;
            }

            @Override
            public String windowAdvance() {
                return "";
            }

            @Override
            public String windowGrace() {
                return grace;
            }

            @Override
            public String windowRetention() {
                return "";
            }

            @Override
            public boolean dropLate() {
                return false;
            }

            @Override
            public String windowIdleAfter() {
                return "";
            }
        };
    }
}
