package io.millrace.streams.strategy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.millrace.streams.schema.SchemaException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tests for {@link RetryPolicy}.
 */
class RetryPolicyTests {

    private static final RetryPolicy FOUR_ATTEMPTS = new RetryPolicy(4, Duration.ZERO, 1, Duration.ZERO);

    @Test
    void aSucceedingActionRunsOnce() {
        AtomicInteger calls = new AtomicInteger();
        assertThat(FOUR_ATTEMPTS.call(() -> calls.incrementAndGet())).isEqualTo(1);
        assertThat(calls).hasValue(1);
    }

    @Test
    void aFailingActionRunsMaxAttemptsTimesThenItsLastFailureIsThrown() {
        AtomicInteger calls = new AtomicInteger();
        assertThatIllegalStateException().isThrownBy(() -> FOUR_ATTEMPTS.call(() -> {
            throw new IllegalStateException("attempt " + calls.incrementAndGet());
        })).withMessage("attempt 4");
        assertThat(calls).hasValue(4);
    }

    @Test
    void anActionThatRecoversReturnsItsResult() {
        AtomicInteger calls = new AtomicInteger();
        String result = FOUR_ATTEMPTS.call(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("not yet");
            }
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(calls).hasValue(3);
    }

    @Test
    void noneMakesOneAttempt() {
        AtomicInteger calls = new AtomicInteger();
        assertThatIllegalStateException().isThrownBy(() -> RetryPolicy.NONE.call(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("once");
        }));
        assertThat(calls).hasValue(1);
    }

    @Test
    void aSchemaExceptionIsNeverRetried() {
        AtomicInteger calls = new AtomicInteger();
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> FOUR_ATTEMPTS.call(() -> {
            calls.incrementAndGet();
            throw new SchemaException("Invalid", List.of("id: must not be null"));
        }));
        assertThat(calls).hasValue(1);
    }

    @Test
    void theBackoffGrowsButIsCappedAtMaxBackoff() {
        // Uncapped, the waits would be 20 ms then 20 s; capped at 30 ms they add up to 50 ms.
        // Uncapped, the second wait would be 20 ms x 1,000,000: five and a half hours, far past the bound.
        RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(20), 1_000_000, Duration.ofMillis(30));
        AtomicInteger calls = new AtomicInteger();
        long start = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> assertThatIllegalStateException().isThrownBy(() -> policy.call(() -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("down");
                })));
        assertThat(calls).hasValue(3);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    }

    @Test
    void theFirstBackoffIsTheInitialBackoff() {
        // Had the first wait been grown by the multiplier, it would be 150 s, far past the bound.
        RetryPolicy policy = new RetryPolicy(2, Duration.ofMillis(150), 1000, Duration.ofHours(1));
        long start = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> assertThatIllegalStateException().isThrownBy(() -> policy.call(() -> {
                    throw new IllegalStateException("down");
                })));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }

    @Test
    void anInterruptDuringBackoffStopsRetryingAndKeepsTheInterruptFlag() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ofSeconds(30), 1, Duration.ofSeconds(30));
        AtomicInteger calls = new AtomicInteger();
        Thread.currentThread().interrupt();
        try {
            assertThatIllegalStateException().isThrownBy(() -> policy.call(() -> {
                calls.incrementAndGet();
                throw new IllegalArgumentException("down");
            })).withMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(calls).hasValue(1);
        }
        finally {
            Thread.interrupted();
        }
    }

    @Test
    void theWorstCaseBackoffAddsTheWaitsBetweenAllAttemptsAsCallComputesThem() {
        assertThat(RetryPolicy.NONE.worstCaseBackoff()).isZero();
        // The defaults: 100 ms, then 200 ms.
        assertThat(new RetryPolicy(3, Duration.ofMillis(100), 2, Duration.ofSeconds(1)).worstCaseBackoff())
            .isEqualTo(Duration.ofMillis(300));
        // 100 ms, then capped at 1 s three times.
        assertThat(new RetryPolicy(5, Duration.ofMillis(100), 10, Duration.ofSeconds(1)).worstCaseBackoff())
            .isEqualTo(Duration.ofMillis(3100));
        // A first wait above the cap is waited in full, as call() does; the later ones are capped.
        assertThat(new RetryPolicy(3, Duration.ofSeconds(5), 2, Duration.ofSeconds(1)).worstCaseBackoff())
            .isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void theWorstCaseBackoffOfHugePoliciesIsComputedAtOnceAndSaturates() {
        assertThat(new RetryPolicy(Integer.MAX_VALUE, Duration.ofSeconds(1), 1, Duration.ofSeconds(1))
            .worstCaseBackoff()).isEqualTo(Duration.ofSeconds(Integer.MAX_VALUE - 1L));
        // Still growing after 10,000 waits (10 s, then 1 ms more each): the rest are counted at the cap, an upper
        // bound of what call() waits (about 64,000 s in all) computed without stepping through them.
        assertThat(new RetryPolicy(20_000, Duration.ofSeconds(10), 1.0001, Duration.ofDays(1)).worstCaseBackoff())
            .isGreaterThan(Duration.ofDays(9_999));
        assertThat(new RetryPolicy(Integer.MAX_VALUE, Duration.ofMillis(Long.MAX_VALUE / 2), 2,
                Duration.ofMillis(Long.MAX_VALUE)).worstCaseBackoff()).isEqualTo(Duration.ofMillis(Long.MAX_VALUE));
    }

    @Test
    void atLeastOneAttemptIsRequired() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RetryPolicy(0, Duration.ZERO, 1, Duration.ZERO));
    }

    @Test
    void theMultiplierMustNotShrinkTheBackoff() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new RetryPolicy(3, Duration.ofMillis(10), 0.5, Duration.ofSeconds(1)));
    }

    @Test
    void aSleeperGetsTheSameBackoffsTheThreadWouldSleep() {
        List<Long> waits = new java.util.ArrayList<>();
        RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), 3, Duration.ofMillis(1000))
            .withSleeper(waits::add);
        AtomicInteger calls = new AtomicInteger();
        assertThatIllegalStateException().isThrownBy(() -> policy.call(() -> {
            throw new IllegalStateException("attempt " + calls.incrementAndGet());
        })).withMessage("attempt 5");
        assertThat(waits).containsExactly(100L, 300L, 900L, 1000L);
        assertThat(waits.stream().mapToLong(Long::longValue).sum()).isEqualTo(policy.worstCaseBackoff().toMillis());
    }

    @Test
    void aPolicyWithoutASleeperSleepsTheThreadAndEqualsOneThatSaysSo() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(10), 2, Duration.ofSeconds(1));
        assertThat(policy.sleeper()).isSameAs(RetryPolicy.Sleeper.THREAD);
        assertThat(policy).isEqualTo(new RetryPolicy(3, Duration.ofMillis(10), 2, Duration.ofSeconds(1), null));
        assertThat(policy.withSleeper((millis) -> { }).withSleeper(RetryPolicy.Sleeper.THREAD)).isEqualTo(policy);
    }
}
