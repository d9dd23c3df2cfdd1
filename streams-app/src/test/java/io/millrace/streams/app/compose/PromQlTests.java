package io.millrace.streams.app.compose;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PromQl}.
 */
class PromQlTests {

    @Test
    void aRateBySomeLabelsNamesItsMetricAndLabelsButNoFunctionOrVariable() {
        PromQl names = PromQl.of("sum by (stream, topic) (rate(millrace_records_produced_records_total"
                + "{stream=~\"$stream\", instance=~\"$instance\"}[$__rate_interval]))");
        assertThat(names.metrics()).containsExactly("millrace_records_produced_records_total");
        assertThat(names.labels()).containsExactlyInAnyOrder("stream", "instance", "topic");
    }

    @Test
    void aRatioNamesBothMetrics() {
        PromQl names = PromQl.of("sum(rate(a_seconds_sum[5m])) / sum(rate(a_seconds_count[5m])) > 0.5 and on(job) b");
        assertThat(names.metrics()).containsExactly("a_seconds_sum", "a_seconds_count", "b");
        assertThat(names.labels()).containsExactly("job");
    }

    @Test
    void aMatcherValueThatLooksLikeAMetricIsNotOne() {
        PromQl names = PromQl.of("up{job=\"not_a_metric{x}\"} offset 5m");
        assertThat(names.metrics()).containsExactly("up");
        assertThat(names.labels()).containsExactly("job");
    }

    @Test
    void aLabelValuesQueryNamesItsMetricAndLabel() {
        PromQl names = PromQl.of("label_values(millrace_records_consumed_records_total, stream)");
        assertThat(names.metrics()).containsExactly("millrace_records_consumed_records_total");
        assertThat(names.labels()).containsExactly("stream");
    }
}
