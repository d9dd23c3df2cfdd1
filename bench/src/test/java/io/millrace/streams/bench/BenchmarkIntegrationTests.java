package io.millrace.streams.bench;

import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the whole benchmark on a few records against a broker in this JVM: a smoke test of the harness, not a
 * measurement.
 */
class BenchmarkIntegrationTests {

    @TempDir
    Path workDir;

    @Test
    void everyContestRunsOnAFewRecordsAndIsReported() throws Exception {
        BenchSettings settings = BenchSettings.from(new String[] { "--records=2000", "--rounds=1",
                "--warmup-rounds=0", "--slow-records=200", "--stall-records=1000", "--stall-padding=1000",
                "--stall-workers=2", "--stall-max-in-flight=100", "--stall-settle-ms=500", "--broker=in-process",
                "--timeout-seconds=60" }, new Properties());

        Results results = new Benchmark(settings, this.workDir, System.out).run();

        assertThat(results.contestRuns()).extracting(RunResult::contender)
                .containsExactly("bare", "kstreams", "millrace");
        assertThat(results.slowRuns()).extracting(RunResult::contender)
                .containsExactly("millrace-slow", "partition-bound");
        assertThat(results.contestRuns()).allSatisfy((run) -> assertThat(run.throughput()).isPositive());
        assertThat(results.stall().maxHeld()).isPositive();
        assertThat(results.stall().bounded()).isTrue();
        assertThat(results.stall().complete()).isTrue();
        assertThat(results.cpus()).isEqualTo("not pinned to CPUs: the broker runs in the harness JVM "
                + "(--broker=in-process)");
        assertThat(new Report(results).markdown()).contains("(c/a)", "(c/b)", "12,800 records/s",
                "Stalled output", "| ratio | median of rounds | min-max | per round | target |",
                "not pinned to CPUs");
    }

    @Test
    void restoreAndWordCountRunOnAFewRecordsAndAreReported() throws Exception {
        BenchSettings settings = BenchSettings.from(new String[] { "--scenario=restore,wordcount",
                "--restore-records=2000", "--wordcount-records=2000", "--wordcount-words=100", "--rounds=1",
                "--warmup-rounds=0", "--broker=in-process", "--timeout-seconds=120" }, new Properties());

        Results results = new Benchmark(settings, this.workDir, System.out).run();

        assertThat(results.contestRuns()).isEmpty();
        assertThat(results.restore().runs()).extracting(RestoreRun::contender).containsExactly("kstreams-restore",
                "kstreams-restart", "millrace-restore", "millrace-restart");
        assertThat(results.restore().runs()).filteredOn((run) -> run.contender().endsWith("-restore"))
                .allSatisfy((run) -> {
                    assertThat(run.restored()).isEqualTo(2000);
                    assertThat(run.restoreRate()).isPositive();
                });
        assertThat(results.wordCount().runs()).extracting(RunResult::contender).containsExactly("wc-bare",
                "wc-kstreams-cache", "wc-kstreams", "wc-millrace", "wc-millrace-raw", "wc-kstreams-eos",
                "wc-millrace-eos", "wc-millrace-raw-eos");
        assertThat(results.wordCount().runs()).allSatisfy((run) -> assertThat(run.throughput()).isPositive());
        assertThat(new Report(results).markdown()).contains("## Restore", "restore rate, Millrace / Kafka Streams",
                "## Word count", "/ wc-kstreams-cache", "median of the per-round ratios");
    }

    @Test
    void theTracingCostRunsOnAFewRecordsWithTracingOffAndOnAndIsReported() throws Exception {
        BenchSettings settings = BenchSettings.from(new String[] { "--scenario=tracing", "--tracing-records=2000",
                "--rounds=1", "--warmup-rounds=0", "--broker=in-process", "--timeout-seconds=60" }, new Properties());

        // Each Millrace run checks that tracing was what it claims (no record observed off, every one on).
        Results results = new Benchmark(settings, this.workDir, System.out).run();

        assertThat(results.contestRuns()).isEmpty();
        assertThat(results.tracing().runs()).extracting(RunResult::contender).containsExactly("tr-bare",
                "tr-millrace", "tr-millrace-off", "tr-millrace-on");
        assertThat(results.tracing().runs()).allSatisfy((run) -> assertThat(run.throughput()).isPositive());
        assertThat(new Report(results).markdown()).contains("## Tracing cost",
                "| Millrace tracing off / no registry, throughput |", "| Millrace tracing on / off, throughput |",
                "Tracing off against no registry:");
    }
}
