package io.millrace.streams.app.generator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Pacer}.
 */
class PacerTests {

    private final SteppingClock clock = new SteppingClock();

    @Test
    void grantsTheRateOverTime() {
        Pacer pacer = new Pacer(5, this.clock);
        assertThat(pacer.due()).isZero();
        this.clock.advance(Duration.ofMillis(199));
        assertThat(pacer.due()).isZero();
        this.clock.advance(Duration.ofMillis(1));
        assertThat(pacer.due()).isOne();
        this.clock.advance(Duration.ofMillis(800));
        assertThat(pacer.due()).isEqualTo(4);
    }

    @Test
    void grantsFractionalRatesOnceEnoughTimeHasPassed() {
        Pacer pacer = new Pacer(0.5, this.clock);
        this.clock.advance(Duration.ofMillis(1999));
        assertThat(pacer.due()).isZero();
        this.clock.advance(Duration.ofMillis(1));
        assertThat(pacer.due()).isOne();
    }

    @Test
    void dropsTheBacklogOfAStallBeyondOneSecondsWorth() {
        Pacer pacer = new Pacer(5, this.clock);
        this.clock.advance(Duration.ofSeconds(60));
        assertThat(pacer.due()).isEqualTo(5);
        this.clock.advance(Duration.ofMillis(200));
        assertThat(pacer.due()).isOne();
    }

    @Test
    void grantsNothingAtRateZero() {
        Pacer pacer = new Pacer(0, this.clock);
        this.clock.advance(Duration.ofHours(1));
        assertThat(pacer.due()).isZero();
    }

    @Test
    void startForgetsWhatWasDue() {
        Pacer pacer = new Pacer(5, this.clock);
        this.clock.advance(Duration.ofSeconds(1));
        pacer.start();
        assertThat(pacer.due()).isZero();
    }

    /** A clock that moves only when told to. */
    static final class SteppingClock extends Clock {

        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            this.now = this.now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return this.now;
        }

    }

}
