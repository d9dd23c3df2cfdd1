package io.millrace.streams.table;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WindowsTests {

    @Test
    void firstAndLastWindowStartAreTheEndsOfWindowsFor() {
        List<Windows> all = List.of(Windows.tumbling(Duration.ofMillis(10)),
                Windows.hopping(Duration.ofMillis(10), Duration.ofMillis(3)),
                Windows.hopping(Duration.ofMillis(10), Duration.ofMillis(5)),
                Windows.hopping(Duration.ofMillis(7), Duration.ofMillis(7)),
                Windows.hopping(Duration.ofMillis(10), Duration.ofMillis(1)));
        for (Windows windows : all) {
            for (long eventTime = -50; eventTime <= 50; eventTime++) {
                List<Window> expected = enumerated(windows, eventTime);
                assertThat(windows.windowsFor(eventTime)).as("%s at %d", windows, eventTime)
                    .containsExactlyElementsOf(expected);
                assertThat(windows.firstWindowStart(eventTime)).isEqualTo(expected.get(0).start());
                assertThat(windows.lastWindowStart(eventTime))
                    .isEqualTo(expected.get(expected.size() - 1).start());
            }
        }
    }

    /** Every aligned window containing the event time, the slow way. */
    private static List<Window> enumerated(Windows windows, long eventTime) {
        List<Window> found = new ArrayList<>();
        long advance = windows.advanceMillis();
        for (long start = Math.floorDiv(eventTime - 1000, advance) * advance; start <= eventTime; start += advance) {
            Window window = windows.window(start);
            if (window.contains(eventTime)) {
                found.add(window);
            }
        }
        return found;
    }
}
