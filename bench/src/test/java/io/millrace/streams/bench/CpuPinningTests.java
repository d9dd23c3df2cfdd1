package io.millrace.streams.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The paths of {@link CpuPinning} that leave the test JVM where it is; the pinning itself is seen in a benchmark
 * run's report.
 */
class CpuPinningTests {

    private final PrintStream log = new PrintStream(new ByteArrayOutputStream());

    @Test
    void pinningTurnedOffStartsTheBrokerAsIs() {
        CpuPinning pinning = CpuPinning.apply(settings("--pin=off"), this.log);

        assertThat(pinning.pinned()).isFalse();
        assertThat(pinning.brokerLauncher()).isEmpty();
        assertThat(pinning.describe()).isEqualTo("not pinned to CPUs: --pin=off");
    }

    @Test
    void aBrokerInTheHarnessJvmCannotBePinnedApart() {
        CpuPinning pinning = CpuPinning.apply(settings("--broker=in-process"), this.log);

        assertThat(pinning.pinned()).isFalse();
        assertThat(pinning.describe()).contains("in-process");
    }

    @Test
    void cpusThatCannotBeHadFallBackToUnpinnedOrFailWhenPinningIsRequired() throws IOException {
        String before = cpusAllowed();

        CpuPinning fallback = CpuPinning.apply(settings("--broker-cpus=4095"), this.log);

        assertThat(fallback.pinned()).isFalse();
        assertThat(fallback.brokerLauncher()).isEmpty();
        assertThatIllegalStateException()
                .isThrownBy(() -> CpuPinning.apply(settings("--pin=on", "--broker-cpus=4095"), this.log))
                .withMessageContaining("--pin=on");
        // The broker's CPUs are tried first: this JVM was not moved.
        assertThat(cpusAllowed()).isEqualTo(before);
    }

    private static BenchSettings settings(String... args) {
        return BenchSettings.from(args, new Properties());
    }

    private static String cpusAllowed() throws IOException {
        Path status = Path.of("/proc/self/status");
        return Files.exists(status) ? Files.readAllLines(status).stream()
                .filter((line) -> line.startsWith("Cpus_allowed_list:")).findFirst().orElse("") : "";
    }
}
