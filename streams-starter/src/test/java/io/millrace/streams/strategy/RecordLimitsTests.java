package io.millrace.streams.strategy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RecordLimits}: a topic's {@code max.message.bytes} lowers its limit below the producer's, never raises it.
 */
class RecordLimitsTests {

    @Test
    void everyTopicTakesTheProducersLimitUnlessItsOwnIsSmaller() {
        RecordLimits limits = RecordLimits.of(1000)
            .withTopicLimits(Map.of("small", 500, "large", 2_000_000, "equal", 1000));
        assertThat(limits.applyAsInt("small")).isEqualTo(500);
        assertThat(limits.applyAsInt("large")).isEqualTo(1000);
        assertThat(limits.applyAsInt("equal")).isEqualTo(1000);
        assertThat(limits.applyAsInt("unknown")).isEqualTo(1000);
        assertThat(limits.topicLimits()).containsExactly(Map.entry("small", 500));
        assertThat(limits.unlimited()).isFalse();
    }

    @Test
    void theReasonNamesTheLimitThatWasExceeded() {
        RecordLimits limits = RecordLimits.of(1000).withTopicLimits(Map.of("small", 500));
        assertThat(limits.tooLarge("The output record", "small", 500)).isNull();
        assertThat(limits.tooLarge("The output record", "small", 501))
            .isEqualTo("The output record for small is 501 bytes, more than the topic's max.message.bytes (500)");
        assertThat(limits.tooLarge("The output record", "other", 1000)).isNull();
        assertThat(limits.tooLarge("The output record", "other", 1001))
            .isEqualTo("The output record for other is 1001 bytes, more than the producer's max.request.size (1000)");
    }

    @Test
    void withoutAProducerLimitOnlyTopicLimitsCount() {
        assertThat(RecordLimits.of(RecordSize.UNLIMITED)).isSameAs(RecordLimits.UNLIMITED);
        assertThat(RecordLimits.UNLIMITED.unlimited()).isTrue();
        assertThat(RecordLimits.UNLIMITED.tooLarge("The output record", "any", Integer.MAX_VALUE)).isNull();
        RecordLimits limits = RecordLimits.UNLIMITED.withTopicLimits(Map.of("small", 500));
        assertThat(limits.unlimited()).isFalse();
        assertThat(limits.applyAsInt("small")).isEqualTo(500);
        assertThat(limits.applyAsInt("other")).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aLowerTopicLimitAddedLaterWinsAndAHigherOneDoesNot() {
        RecordLimits limits = RecordLimits.of(1000).withTopicLimits(Map.of("small", 500))
            .withTopicLimits(Map.of("small", 700))
            .withTopicLimits(Map.of("small", 300));
        assertThat(limits.applyAsInt("small")).isEqualTo(300);
    }
}
