package io.millrace.streams.bench;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SpreadTests {

    @Test
    void anOddCountHasItsMiddleValueAsMedian() {
        Spread spread = Spread.of(3.0, 1.0, 2.0, 10.0, 4.0);

        assertThat(spread.median()).isEqualTo(3.0);
        assertThat(spread.min()).isEqualTo(1.0);
        assertThat(spread.max()).isEqualTo(10.0);
        assertThat(spread.values()).containsExactly(3.0, 1.0, 2.0, 10.0, 4.0);
        assertThat(spread.relativeRange()).isEqualTo(3.0);
    }

    @Test
    void anEvenCountHasTheMeanOfItsTwoMiddleValuesAsMedian() {
        assertThat(Spread.of(4.0, 1.0, 3.0, 2.0).median()).isEqualTo(2.5);
    }

    @Test
    void missingFiguresAreLeftOutAndNoneLeavesItEmpty() {
        assertThat(Spread.of(Double.NaN, 2.0, 4.0).median()).isEqualTo(3.0);

        Spread none = Spread.of(Double.NaN);

        assertThat(none.isEmpty()).isTrue();
        assertThat(none.median()).isNaN();
    }

    @Test
    void aRangeSpansTheValuesBetweenItsEndsInclusiveAndAnEmptyOneNone() {
        Spread ratios = Spread.of(0.97, 1.04, 1.01);

        assertThat(ratios.spans(1.0)).isTrue();
        assertThat(ratios.spans(0.97)).isTrue();
        assertThat(ratios.spans(1.04)).isTrue();
        assertThat(Spread.of(0.91, 0.95, 0.93).spans(1.0)).isFalse();
        assertThat(Spread.of(Double.NaN).spans(1.0)).isFalse();
    }

    @Test
    void aRatioIsTheMedianOfThePerRoundRatiosNotTheRatioOfTheMedians() {
        List<RunResult> runs = List.of(run("bare", 1, 100), run("millrace", 1, 90), run("bare", 2, 200),
                run("millrace", 2, 100), run("bare", 3, 300), run("millrace", 3, 330));

        Spread ratio = Spread.ratio(runs, "millrace", "bare", RunResult::throughput);

        // Per round 0.9, 0.5, 1.1; the medians (100 / 200) would say 0.5.
        assertThat(ratio.values()).satisfiesExactly((value) -> assertThat(value).isCloseTo(0.9, within(1e-9)),
                (value) -> assertThat(value).isCloseTo(0.5, within(1e-9)),
                (value) -> assertThat(value).isCloseTo(1.1, within(1e-9)));
        assertThat(ratio.median()).isCloseTo(0.9, within(1e-9));
        assertThat(ratio.min()).isCloseTo(0.5, within(1e-9));
        assertThat(ratio.max()).isCloseTo(1.1, within(1e-9));
    }

    @Test
    void aRatioPairsRunsByRoundAndLeavesOutWarmUpsAndRoundsWithoutBoth() {
        List<RunResult> runs = List.of(warmup("bare", 0, 50), warmup("millrace", 0, 500), run("bare", 1, 100),
                run("millrace", 1, 100), run("bare", 2, 400), run("bare", 3, 200), run("millrace", 3, 300),
                run("millrace", 4, 100));

        Spread ratio = Spread.ratio(runs, "millrace", "bare", RunResult::throughput);

        // Round 3's millrace against round 3's bare loop, not against round 2's (the second bare run); round 2 and
        // round 4 lack one of the two.
        assertThat(ratio.values()).satisfiesExactly((value) -> assertThat(value).isCloseTo(1.0, within(1e-9)),
                (value) -> assertThat(value).isCloseTo(1.5, within(1e-9)));
    }

    @Test
    void aContendersFigureLeavesOutWarmUps() {
        List<RunResult> runs = List.of(warmup("bare", 0, 10), run("bare", 1, 100), run("bare", 2, 300),
                run("millrace", 1, 1000));

        Spread throughput = Spread.of(runs, "bare", RunResult::throughput);

        assertThat(throughput.median()).isCloseTo(200, within(1e-6));
        assertThat(throughput.min()).isCloseTo(100, within(1e-6));
        assertThat(throughput.max()).isCloseTo(300, within(1e-6));
    }

    /** A run of 1,000 records at the given rate. */
    static RunResult run(String contender, int round, double recordsPerSecond) {
        return result(contender, round, false, recordsPerSecond);
    }

    static RunResult warmup(String contender, int round, double recordsPerSecond) {
        return result(contender, round, true, recordsPerSecond);
    }

    private static RunResult result(String contender, int round, boolean warmup, double recordsPerSecond) {
        Duration elapsed = Duration.ofNanos(Math.round(1000 / recordsPerSecond * 1e9));
        return new RunResult(contender, round, warmup, 1000, elapsed, elapsed.dividedBy(2),
                new HeapMonitor.HeapFigures(0, 0, 0));
    }
}
