package io.millrace.streams.bench;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * Lookup latencies: percentiles within the histogram's 3 significant digits, threads merged.
 */
class LatenciesTests {

    @Test
    void percentilesOfOneToTenThousandMicroseconds() {
        Latencies latencies = new Latencies();
        for (long micros = 1; micros <= 10_000; micros++) {
            latencies.record(micros * 1000);
        }

        Latencies.Summary summary = latencies.summary();

        assertThat(summary.count()).isEqualTo(10_000);
        assertThat((double) summary.p50Nanos()).isCloseTo(5_000_000, within(5_000.0));
        assertThat((double) summary.p99Nanos()).isCloseTo(9_900_000, within(9_900.0));
        assertThat((double) summary.p999Nanos()).isCloseTo(9_990_000, within(9_990.0));
        assertThat((double) summary.maxNanos()).isCloseTo(10_000_000, within(10_000.0));
    }

    @Test
    void aFewSlowLookupsMoveTheP99AndNotTheMedian() {
        Latencies latencies = new Latencies();
        for (int i = 0; i < 980; i++) {
            latencies.record(100_000);
        }
        for (int i = 0; i < 20; i++) {
            latencies.record(50_000_000);
        }

        assertThat((double) latencies.percentile(50)).isCloseTo(100_000, within(100.0));
        assertThat((double) latencies.percentile(99)).isCloseTo(50_000_000, within(50_000.0));
    }

    @Test
    void threadsAreMergedIntoOneDistribution() {
        Latencies fast = new Latencies();
        Latencies slow = new Latencies();
        for (int i = 0; i < 500; i++) {
            fast.record(1_000);
            slow.record(3_000);
        }

        Latencies all = Latencies.merge(List.of(fast, slow));

        assertThat(all.count()).isEqualTo(1000);
        // Within the histogram's precision: 3 significant digits.
        assertThat((double) all.percentile(25)).isCloseTo(1_000, within(1.0));
        assertThat((double) all.percentile(75)).isCloseTo(3_000, within(3.0));
        assertThat(fast.count()).isEqualTo(500);
    }

    @Test
    void outOfRangeValuesAreClampedAndPercentilesChecked() {
        Latencies latencies = new Latencies();
        latencies.record(-5);
        latencies.record(Long.MAX_VALUE);

        assertThat(latencies.percentile(0)).isZero();
        assertThat((double) latencies.summary().maxNanos()).isCloseTo(Latencies.HIGHEST_NANOS,
                within(Latencies.HIGHEST_NANOS / 1000.0));
        assertThatIllegalArgumentException().isThrownBy(() -> latencies.percentile(101));
    }

    @Test
    void aLookupAnswerIsTheKeyAndItsValueAsJackson() {
        assertThat(QueryScenario.expectedBody("key-00042", 42_000_143L))
            .isEqualTo("{\"key\":\"key-00042\",\"value\":42000143}");
    }

    @Test
    void aQueryRunGivesLookupsPerSecondAndMicroseconds() {
        QueryRun run = new QueryRun("query-local", 1, false, java.time.Duration.ofSeconds(2),
                java.time.Duration.ofMillis(500), new Latencies.Summary(10_000, 150_000, 2_000_000, 3_000_000,
                        9_000_000));

        assertThat(run.lookupsPerSecond()).isEqualTo(5000.0);
        assertThat(run.p50Micros()).isEqualTo(150.0);
        assertThat(run.p99Micros()).isEqualTo(2000.0);
        assertThat(run.cpuMicrosPerLookup()).isEqualTo(50.0);
    }
}
