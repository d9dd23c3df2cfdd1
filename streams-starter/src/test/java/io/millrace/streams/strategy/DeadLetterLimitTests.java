package io.millrace.streams.strategy;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import static io.millrace.streams.strategy.step.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for {@link DeadLetterLimit}: pure counting, no pipeline.
 */
class DeadLetterLimitTests {

    private static final InvalidMessage BAD_INPUT = new InvalidMessage(InvalidMessage.Reason.INVALID_INPUT,
            new IllegalArgumentException("not json"));

    @Test
    void offByDefaultCountsNothingAndNeverStops() {
        assertThat(DeadLetterLimit.OFF.enabled()).isFalse();
        DeadLetterLimit.Tracker tracker = DeadLetterLimit.OFF.tracker();
        assertThat(tracker).isSameAs(DeadLetterLimit.Tracker.NONE);
        assertThat(tracker.counts()).isFalse();
        for (int offset = 0; offset < 10_000; offset++) {
            tracker.deadLettered(in(0, offset), BAD_INPUT);
        }
    }

    @Test
    void theNthDeadLetterInARowStopsTheStreamAndNotOneBefore() {
        DeadLetterLimit.Tracker tracker = new DeadLetterLimit(0, 1000, 3).tracker();
        tracker.deadLettered(in(0, 0), BAD_INPUT);
        tracker.deadLettered(in(0, 1), BAD_INPUT);
        DeadLetterLimitExceeded exceeded = catchThrowableOfType(DeadLetterLimitExceeded.class,
                () -> tracker.deadLettered(in(0, 2), BAD_INPUT));
        assertThat(exceeded).isNotNull();
        assertThat(exceeded.partition()).isEqualTo("in-0");
        assertThat(exceeded.offset()).isEqualTo(2);
        assertThat(exceeded.getMessage()).contains("3 dead letters in a row (max-consecutive 3)")
            .contains("in-0@0 INVALID_INPUT IllegalArgumentException: not json")
            .contains("in-0@2 INVALID_INPUT IllegalArgumentException: not json");
    }

    @Test
    void aProcessedRecordStartsTheRunAgain() {
        DeadLetterLimit.Tracker tracker = new DeadLetterLimit(0, 1000, 3).tracker();
        for (int offset = 0; offset < 30; offset += 3) {
            tracker.deadLettered(in(0, offset), BAD_INPUT);
            tracker.deadLettered(in(0, offset + 1), BAD_INPUT);
            tracker.passed("in", 0);
        }
    }

    @Test
    void runsArePerPartition() {
        DeadLetterLimit.Tracker tracker = new DeadLetterLimit(0, 1000, 3).tracker();
        for (int offset = 0; offset < 2; offset++) {
            tracker.deadLettered(in(0, offset), BAD_INPUT);
            tracker.deadLettered(in(1, offset), BAD_INPUT);
            tracker.passed("in", 2);
        }
        assertThatExceptionOfType(DeadLetterLimitExceeded.class)
            .isThrownBy(() -> tracker.deadLettered(in(1, 2), BAD_INPUT))
            .satisfies((ex) -> assertThat(ex.partition()).isEqualTo("in-1"));
    }

    @Test
    void maxConsecutiveOneStopsAtTheFirstDeadLetter() {
        DeadLetterLimit.Tracker tracker = new DeadLetterLimit(0, 1000, 1).tracker();
        tracker.passed("in", 0);
        assertThatExceptionOfType(DeadLetterLimitExceeded.class)
            .isThrownBy(() -> tracker.deadLettered(in(0, 1), BAD_INPUT));
    }

    @Test
    void theRatioStopsTheStreamWhenTheWindowsDeadLettersReachIt() {
        // 0.3 of 10: the third dead letter among the last 10 records.
        DeadLetterLimit.Tracker tracker = new DeadLetterLimit(0.3, 10, 0).tracker();
        tracker.deadLettered(in(0, 0), BAD_INPUT);
        for (int offset = 1; offset < 5; offset++) {
            tracker.passed("in", 0);
        }
        tracker.deadLettered(in(0, 5), BAD_INPUT);
        tracker.passed("in", 0);
        DeadLetterLimitExceeded exceeded = catchThrowableOfType(DeadLetterLimitExceeded.class,
                () -> tracker.deadLettered(in(0, 7), BAD_INPUT));
        assertThat(exceeded).isNotNull();
        assertThat(exceeded.offset()).isEqualTo(7);
        assertThat(exceeded.getMessage()).contains("3 dead letters in the last 8 records (max-ratio 0.3 of window 10: 3)");
    }

    @Test
    void deadLettersThatLeftTheWindowNoLongerCount() {
        // 2 of the last 4 stop it: a dead letter every fourth record never has two in one window of 4.
        DeadLetterLimit.Tracker tracker = new DeadLetterLimit(0.5, 4, 0).tracker();
        for (int offset = 0; offset < 3000; offset += 4) {
            tracker.deadLettered(in(0, offset), BAD_INPUT);
            tracker.passed("in", 0);
            tracker.passed("in", 0);
            tracker.passed("in", 0);
        }
        // Every other record: two in the window.
        tracker.deadLettered(in(0, 3000), BAD_INPUT);
        tracker.passed("in", 0);
        assertThatExceptionOfType(DeadLetterLimitExceeded.class)
            .isThrownBy(() -> tracker.deadLettered(in(0, 3002), BAD_INPUT));
    }

    @Test
    void aWindowLargerThanOneWordOfBitsForgetsItsOldestRecordsExactly() {
        DeadLetterLimit.Tracker tracker = new DeadLetterLimit(0.01, 1000, 0).tracker();
        // 10 dead letters stop it; 9 spread over the first 900 records, then 1000 processed records push them out.
        for (int offset = 0; offset < 900; offset++) {
            if (offset % 100 == 0) {
                tracker.deadLettered(in(0, offset), BAD_INPUT);
            }
            else {
                tracker.passed("in", 0);
            }
        }
        for (int offset = 900; offset < 1900; offset++) {
            tracker.passed("in", 0);
        }
        for (int offset = 1900; offset < 1909; offset++) {
            tracker.deadLettered(in(0, offset), BAD_INPUT);
            tracker.passed("in", 0);
        }
        assertThatExceptionOfType(DeadLetterLimitExceeded.class)
            .isThrownBy(() -> tracker.deadLettered(in(0, 1999), BAD_INPUT));
    }

    @Test
    void theRatioTimesTheWindowIsRoundedUpExactlyAndIsAtLeastOne() {
        assertThat(new DeadLetterLimit(0.1, 1000, 0).maxInWindow()).isEqualTo(100);
        assertThat(new DeadLetterLimit(0.3, 10, 0).maxInWindow()).isEqualTo(3);
        assertThat(new DeadLetterLimit(0.25, 10, 0).maxInWindow()).isEqualTo(3);
        assertThat(new DeadLetterLimit(0.001, 10, 0).maxInWindow()).isEqualTo(1);
        assertThat(new DeadLetterLimit(1, 10, 0).maxInWindow()).isEqualTo(10);
        assertThat(new DeadLetterLimit(0, 10, 5).maxInWindow()).isZero();
    }

    @Test
    void aRatioOfOneStopsOnlyAWindowOfNothingButDeadLetters() {
        DeadLetterLimit.Tracker tracker = new DeadLetterLimit(1, 5, 0).tracker();
        for (int offset = 0; offset < 100; offset += 5) {
            for (int i = 0; i < 4; i++) {
                tracker.deadLettered(in(0, offset + i), BAD_INPUT);
            }
            tracker.passed("in", 0);
        }
        for (int i = 0; i < 4; i++) {
            tracker.deadLettered(in(0, 100 + i), BAD_INPUT);
        }
        assertThatExceptionOfType(DeadLetterLimitExceeded.class)
            .isThrownBy(() -> tracker.deadLettered(in(0, 104), BAD_INPUT));
    }

    @Test
    void theFailureNamesTheLastFiveDeadLettersOfAnyPartitionWithTheirMessagesCut() {
        DeadLetterLimit.Tracker tracker = new DeadLetterLimit(0, 1000, 3).tracker();
        tracker.deadLettered(in(1, 7), new InvalidMessage(InvalidMessage.Reason.PROCESSOR_FAILED,
                new IllegalStateException("x".repeat(500))));
        for (int offset = 0; offset < 5; offset += 2) {
            tracker.deadLettered(in(0, offset), BAD_INPUT);
            tracker.passed("in", 0);
        }
        tracker.deadLettered(in(0, 6), BAD_INPUT);
        tracker.deadLettered(in(0, 7), BAD_INPUT);
        DeadLetterLimitExceeded exceeded = catchThrowableOfType(DeadLetterLimitExceeded.class,
                () -> tracker.deadLettered(in(0, 8), BAD_INPUT));
        assertThat(exceeded).isNotNull();
        String last = exceeded.getMessage().substring(exceeded.getMessage().indexOf("Last dead letters: "));
        assertThat(last.split("; ")).hasSize(5);
        assertThat(last).doesNotContain("in-1@7").doesNotContain("in-0@0 ").contains("in-0@2 ").contains("in-0@8 ");

        DeadLetterLimit.Tracker other = new DeadLetterLimit(0, 1000, 1).tracker();
        assertThatExceptionOfType(DeadLetterLimitExceeded.class)
            .isThrownBy(() -> other.deadLettered(in(1, 7), new InvalidMessage(
                    InvalidMessage.Reason.PROCESSOR_FAILED, new IllegalStateException("x".repeat(500)))))
            .withMessageContaining("in-1@7 PROCESSOR_FAILED IllegalStateException: " + "x".repeat(200) + "...")
            .withMessageNotContaining("x".repeat(201));
    }

    @Test
    void eachClientCountsInItsOwnCopy() {
        DeadLetters stream = new DeadLetters("in-dlt", "s", "g", new DeadLetterLimit(0, 1000, 2));
        DeadLetters first = stream.forClient();
        DeadLetters second = stream.forClient();
        assertThat(first.limit()).isNotSameAs(second.limit());
        first.limit().deadLettered(in(0, 0), BAD_INPUT);
        second.limit().deadLettered(in(0, 0), BAD_INPUT);
        assertThatExceptionOfType(DeadLetterLimitExceeded.class)
            .isThrownBy(() -> first.limit().deadLettered(in(0, 1), BAD_INPUT));
        assertThat(new DeadLetters("in-dlt", "s", "g").limit()).isSameAs(DeadLetterLimit.Tracker.NONE);
    }

    @Test
    void invalidSettingsAreRefusedNamingTheProperty() {
        assertThatIllegalArgumentException().isThrownBy(() -> new DeadLetterLimit(1.5, 1000, 0))
            .withMessageContaining("max-ratio");
        assertThatIllegalArgumentException().isThrownBy(() -> new DeadLetterLimit(-0.1, 1000, 0))
            .withMessageContaining("max-ratio");
        assertThatIllegalArgumentException().isThrownBy(() -> new DeadLetterLimit(Double.NaN, 1000, 0))
            .withMessageContaining("max-ratio");
        assertThatIllegalArgumentException().isThrownBy(() -> new DeadLetterLimit(0.5, 0, 0))
            .withMessageContaining("window");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new DeadLetterLimit(0.5, DeadLetterLimit.MAX_WINDOW + 1, 0))
            .withMessageContaining("window");
        assertThat(new DeadLetterLimit(0.5, DeadLetterLimit.MAX_WINDOW, 0).maxInWindow()).isEqualTo(500_000);
        assertThatIllegalArgumentException().isThrownBy(() -> new DeadLetterLimit(0, 1000, -1))
            .withMessageContaining("max-consecutive");
        assertThat(new DeadLetterLimit(0.5, 100, 3)).hasToString("max-ratio 0.5 of window 100, max-consecutive 3");
    }

    private static ConsumerRecord<byte[], byte[]> in(int partition, long offset) {
        return record("in", partition, offset, "k", "v");
    }
}
