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
 * {@code idle-after} of a windowed table: off unless declared ({@link Windows#withIdleAfter},
 * {@code @StreamTable(windowIdleAfter)}) or configured ({@code ...window.idle-after}), which overrides the
 * declaration, and kept when other window properties change.
 */
class TableWindowsIdleAfterTests {

    private static final String PREFIX = "millrace.streams.s.tables.t.window.";

    @Test
    void offByDefault() {
        assertThat(Windows.tumbling(Duration.ofSeconds(10)).idleAfter()).isNull();
        assertThat(Windows.tumbling(Duration.ofSeconds(10)).idleAfterMillis()).isEqualTo(-1);
        assertThat(TableWindows.declared(annotation("10s", ""), "T").idleAfter()).isNull();
    }

    @Test
    void theDeclarationSetsItAndOtherChangesKeepIt() {
        Windows windows = Windows.tumbling(Duration.ofSeconds(10)).withIdleAfter(Duration.ofSeconds(30))
            .withGrace(Duration.ofSeconds(5)).withRetention(Duration.ofHours(2)).droppingLate();
        assertThat(windows.idleAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(TableWindows.declared(annotation("10s", "2s"), "T").idleAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThatIllegalArgumentException()
            .isThrownBy(() -> Windows.tumbling(Duration.ofSeconds(1)).withIdleAfter(Duration.ZERO))
            .withMessageContaining("idle-after");
        assertThatExceptionOfType(InvalidStreamsException.class)
            .isThrownBy(() -> TableWindows.declared(annotation("", "2s"), "T"))
            .withMessageContaining("idle-after without windowSize");
    }

    @Test
    void configurationOverridesTheDeclarationAndAloneKeepsTheRest() {
        Windows declared = Windows.tumbling(Duration.ofSeconds(10)).withGrace(Duration.ofSeconds(5))
            .withIdleAfter(Duration.ofMinutes(1));
        MillraceProperties.Window configured = new MillraceProperties.Window();
        assertThat(TableWindows.configured(PREFIX, declared, configured).idleAfter()).isEqualTo(Duration.ofMinutes(1));
        configured.setIdleAfter(Duration.ofSeconds(3));
        Windows windows = TableWindows.configured(PREFIX, declared, configured);
        assertThat(windows.idleAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(windows.grace()).isEqualTo(Duration.ofSeconds(5));
        configured.setIdleAfter(Duration.ofMillis(-1));
        assertThatExceptionOfType(InvalidStreamsException.class)
            .isThrownBy(() -> TableWindows.configured(PREFIX, declared, configured))
            .withMessageContaining(PREFIX.substring(0, PREFIX.length() - 1)).withMessageContaining("idle-after");
    }

    private static StreamTable annotation(String size, String idleAfter) {
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
            public String windowAdvance() {
                return "";
            }

            @Override
            public String windowGrace() {
                return "";
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
                return idleAfter;
            }

            @Override
            public String windowGap() {
                return "";
            }
        };
    }
}
