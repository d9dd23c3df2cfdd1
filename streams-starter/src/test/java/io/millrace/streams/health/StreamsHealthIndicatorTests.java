package io.millrace.streams.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.millrace.streams.runtime.StreamState;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.table.TablePartition.Role;
import io.millrace.streams.table.TablePartitionView;

import static io.millrace.streams.test.StreamViews.active;
import static io.millrace.streams.test.StreamViews.restoring;
import static io.millrace.streams.test.StreamViews.stream;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StreamsHealthIndicator} with hand-built views: restoring table partitions are reported and keep
 * the component UP, slow restores are named, failures still turn it DOWN.
 */
class StreamsHealthIndicatorTests {

    private final AtomicReference<List<StreamView>> streams = new AtomicReference<>(List.of());

    private final TestClock clock = new TestClock();

    private final StreamsHealthIndicator indicator = new StreamsHealthIndicator(this.streams::get,
            Duration.ofMinutes(2), this.clock);

    @Test
    void restoringPartitionsAreListedWhileTheComponentStaysUp() {
        this.streams.set(List.of(stream("word-count", restoring("word-counts", 0, 800, 1200),
                active("word-counts", 1, 5), restoring("totals", 0, 0, 3)), stream("plain")));

        Health health = this.indicator.health(true);

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(details(health, "word-count")).containsEntry("restoring",
                List.of("word-counts-0 (1200 remaining)", "totals-0 (3 remaining)"))
            .doesNotContainKey("slowRestores");
        assertThat(details(health, "plain")).doesNotContainKeys("restoring", "slowRestores");
    }

    @Test
    void aRestoreLongerThanStuckAfterIsNamedWithItsProgressAndStaysUp() {
        this.streams.set(List.of(stream("word-count", restoring("word-counts", 0, 0, 5000))));
        this.indicator.health(true);
        this.clock.advance(Duration.ofSeconds(100));
        this.streams.set(List.of(stream("word-count", restoring("word-counts", 0, 3000, 2000))));
        assertThat(details(this.indicator.health(true), "word-count")).doesNotContainKey("slowRestores");

        this.clock.advance(Duration.ofSeconds(30));
        Health health = this.indicator.health(true);

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(details(health, "word-count")).containsEntry("restoring", List.of("word-counts-0 (2000 remaining)"))
            .containsEntry("slowRestores", List.of(Map.of("partition", "word-counts-0", "restoring", "PT2M10S",
                    "restored", 3000L, "remaining", 2000L, "lastProgress", "PT30S")));
    }

    @Test
    void aRestoreMakingNoProgressIsReportedButDoesNotTurnTheComponentDown() {
        this.streams.set(List.of(stream("word-count", restoring("word-counts", 3, 10, 90))));
        this.indicator.health(true);
        this.clock.advance(Duration.ofMinutes(10));

        Health health = this.indicator.health(true);

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(slowRestore(health)).containsEntry("restoring", "PT10M").containsEntry("lastProgress", "PT10M");
    }

    @Test
    void aNewRestoreOfTheSamePartitionStartsTheClockAgain() {
        this.streams.set(List.of(stream("word-count", restoring("word-counts", 0, 100, 900))));
        this.indicator.health(true);
        this.clock.advance(Duration.ofMinutes(3));
        assertThat(slowRestore(this.indicator.health(true))).containsEntry("restoring", "PT3M");

        // Active for one check, then restoring again after a rebalance: a new restore.
        this.streams.set(List.of(stream("word-count", active("word-counts", 0, 0))));
        this.indicator.health(true);
        this.streams.set(List.of(stream("word-count", restoring("word-counts", 0, 0, 50))));
        this.clock.advance(Duration.ofMinutes(1));
        assertThat(details(this.indicator.health(true), "word-count")).doesNotContainKey("slowRestores");

        // Restarted from another checkpoint between two checks: a new restore too.
        this.clock.advance(Duration.ofMinutes(1));
        this.streams.set(List.of(stream("word-count",
                new TablePartitionView("word-counts", 0, Role.RESTORING, 10, 40, 500, 550, 510, 0, 500))));
        this.clock.advance(Duration.ofMinutes(1));
        assertThat(details(this.indicator.health(true), "word-count")).doesNotContainKey("slowRestores");
    }

    @Test
    void aFailedStreamIsStillDownWhileAnotherRestores() {
        this.streams.set(List.of(stream("word-count", restoring("word-counts", 0, 1, 2)),
                stream("broken", StreamState.FAILED, "boom")));

        Health health = this.indicator.health(true);

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(details(health, "broken")).containsEntry("error", "boom");
        assertThat(details(health, "word-count")).containsKey("restoring");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(Health health, String stream) {
        return (Map<String, Object>) health.getDetails().get(stream);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> slowRestore(Health health) {
        List<Map<String, Object>> slow = (List<Map<String, Object>>) details(health, "word-count").get("slowRestores");
        assertThat(slow).hasSize(1);
        return slow.get(0);
    }

    /** A clock that stands still until the test moves it. */
    private static final class TestClock extends Clock {

        private volatile Instant now = Instant.parse("2025-01-01T00:00:00Z");

        void advance(Duration duration) {
            this.now = this.now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return this.now;
        }
    }
}
