package io.millrace.streams.bench;

import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BenchSettingsTests {

    @Test
    void defaultsRunEveryContenderOnAMillionRecordsInFiveRoundsWithABrokerOfItsOwn() {
        BenchSettings settings = BenchSettings.from(new String[0], new Properties());

        assertThat(settings.records()).isEqualTo(1_000_000);
        assertThat(settings.rounds()).isEqualTo(5);
        assertThat(settings.warmupRounds()).isEqualTo(1);
        assertThat(settings.forkBroker()).isTrue();
        assertThat(settings.runs("millrace")).isTrue();
        assertThat(settings.slowIdealRate()).isEqualTo(12_800.0);
    }

    @Test
    void argumentsWinOverSystemProperties() {
        Properties system = new Properties();
        system.setProperty("bench.records", "5000");
        system.setProperty("bench.rounds", "7");

        BenchSettings settings = BenchSettings.from(new String[] { "--records=2_000", "--slow-delay-ms=10" }, system);

        assertThat(settings.records()).isEqualTo(2000);
        assertThat(settings.rounds()).isEqualTo(7);
        assertThat(settings.slowDelay()).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void contendersCanBeChosenByName() {
        BenchSettings settings = BenchSettings.from(new String[] { "--contenders=bare,millrace" }, new Properties());

        assertThat(settings.runs("bare")).isTrue();
        assertThat(settings.runs("kstreams")).isFalse();
    }

    @Test
    void theAnimalsScenarioRunsByDefaultAndAllRunsEveryScenario() {
        assertThat(BenchSettings.from(new String[0], new Properties()).scenarios()).containsExactly("animals");

        BenchSettings all = BenchSettings.from(new String[] { "--scenario=all" }, new Properties());

        assertThat(all.scenarios()).containsExactlyInAnyOrder("animals", "restore", "wordcount", "windowed",
                "windowed-rekeyed", "tracing", "queries");
        assertThat(all.restoreRecords()).isEqualTo(1_000_000);
        assertThat(all.wordCountPartitions()).isEqualTo(3);
    }

    @Test
    void scenariosCanBeChosenByName() {
        BenchSettings settings = BenchSettings.from(new String[] { "--scenario=restore, wordcount" },
                new Properties());

        assertThat(settings.scenario("restore")).isTrue();
        assertThat(settings.scenario("wordcount")).isTrue();
        assertThat(settings.scenario("animals")).isFalse();
    }

    @Test
    void theTracingScenarioRunsAMillionRecordsUnlessToldOtherwise() {
        BenchSettings settings = BenchSettings.from(new String[] { "--scenario=tracing" }, new Properties());

        assertThat(settings.scenarios()).containsExactly("tracing");
        assertThat(settings.tracingRecords()).isEqualTo(1_000_000);
        assertThat(BenchSettings.from(new String[] { "--scenario=tracing", "--tracing-records=200_000" },
                new Properties()).tracingRecords()).isEqualTo(200_000);
    }

    @Test
    void anUnknownScenarioIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchSettings.from(new String[] { "--scenario=restor" }, new Properties()))
                .withMessageContaining("restor");
    }

    @Test
    void anUnknownSettingIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchSettings.from(new String[] { "--recrods=5" }, new Properties()))
                .withMessageContaining("recrods");
    }

    @Test
    void byDefaultTheBrokerAndTheContendersArePinnedToCpusZeroAndOneIfPossible() {
        BenchSettings settings = BenchSettings.from(new String[0], new Properties());

        assertThat(settings.pin()).isEqualTo("auto");
        assertThat(settings.brokerCpus()).isEqualTo("0");
        assertThat(settings.contenderCpus()).isEqualTo("1");
    }

    @Test
    void pinningCanBeTurnedOffOrMovedToOtherCpus() {
        BenchSettings settings = BenchSettings.from(
                new String[] { "--pin=off", "--broker-cpus=0-1", "--contender-cpus=2,3" }, new Properties());

        assertThat(settings.pin()).isEqualTo("off");
        assertThat(settings.brokerCpus()).isEqualTo("0-1");
        assertThat(settings.contenderCpus()).isEqualTo("2,3");
    }

    @Test
    void anUnknownPinIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchSettings.from(new String[] { "--pin=yes" }, new Properties()))
                .withMessageContaining("yes");
    }

    @Test
    void noMeasuredRoundOrNegativeWarmUpRoundsAreRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchSettings.from(new String[] { "--rounds=0" }, new Properties()));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchSettings.from(new String[] { "--warmup-rounds=-1" }, new Properties()));
    }

    @Test
    void anArgumentWithoutAValueIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchSettings.from(new String[] { "records" }, new Properties()));
    }

    @Test
    void theQueriesScenarioLooksUpTenThousandKeysInSixPartitionsWithFourThreadsForThreeSeconds() {
        BenchSettings settings = BenchSettings.from(new String[] { "--scenario=queries" }, new Properties());

        assertThat(settings.scenario("queries")).isTrue();
        assertThat(settings.scenario("animals")).isFalse();
        assertThat(settings.queriesKeys()).isEqualTo(10_000);
        assertThat(settings.queriesPartitions()).isEqualTo(6);
        assertThat(settings.queriesThreads()).isEqualTo(4);
        assertThat(settings.queriesDuration()).isEqualTo(Duration.ofSeconds(3));

        BenchSettings changed = BenchSettings.from(new String[] { "--queries-keys=2_000", "--queries-partitions=4",
                "--queries-threads=8", "--queries-millis=500" }, new Properties());

        assertThat(changed.queriesKeys()).isEqualTo(2000);
        assertThat(changed.queriesPartitions()).isEqualTo(4);
        assertThat(changed.queriesThreads()).isEqualTo(8);
        assertThat(changed.queriesDuration()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void theQueriesScenarioNeedsAPartitionForEachOfItsTwoInstancesAndAtLeastOneThread() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchSettings.from(new String[] { "--queries-partitions=1" }, new Properties()))
                .withMessageContaining("queries-partitions >= 2");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchSettings.from(new String[] { "--queries-threads=0" }, new Properties()));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchSettings.from(new String[] { "--queries-millis=0" }, new Properties()));
    }
}
