package io.millrace.streams.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The median of a figure over the measured rounds, and its range. A ratio between two contenders is taken in each
 * round first (the two ran minutes apart at most, under the same load), then summarised: the median of the
 * per-round ratios, not the ratio of the medians, and the min-max of those ratios shows how far one round can be
 * trusted.
 *
 * @param median the median, NaN without values
 * @param min the smallest value
 * @param max the largest value
 * @param values the values, in round order
 */
record Spread(double median, double min, double max, List<Double> values) {

    /**
     * Summarises values; NaN values (a run without that figure) are left out.
     * @param values the values, in round order
     * @return their spread
     */
    static Spread of(double... values) {
        double[] kept = Arrays.stream(values).filter((value) -> !Double.isNaN(value)).toArray();
        if (kept.length == 0) {
            return new Spread(Double.NaN, Double.NaN, Double.NaN, List.of());
        }
        double[] sorted = kept.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        double median = (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Spread(median, sorted[0], sorted[sorted.length - 1], Arrays.stream(kept).boxed().toList());
    }

    /**
     * A figure of one contender over the measured rounds.
     * @param <R> the type of run
     * @param runs every run, warm-up included
     * @param contender the contender
     * @param figure the figure of a run
     * @return its spread
     */
    static <R extends RoundRun> Spread of(List<R> runs, String contender, ToDoubleFunction<R> figure) {
        return of(runs.stream().filter((run) -> !run.warmup() && run.contender().equals(contender))
                .mapToDouble(figure).toArray());
    }

    /**
     * The ratio of a figure of two contenders, taken round by round, over the measured rounds both ran.
     * @param <R> the type of run
     * @param runs every run, warm-up included
     * @param numerator the contender on top
     * @param denominator the contender below, usually the baseline
     * @param figure the figure of a run
     * @return the spread of the per-round ratios
     */
    static <R extends RoundRun> Spread ratio(List<R> runs, String numerator, String denominator,
            ToDoubleFunction<R> figure) {
        Map<Integer, Double> below = runs.stream()
                .filter((run) -> !run.warmup() && run.contender().equals(denominator))
                .collect(Collectors.toMap(RoundRun::round, figure::applyAsDouble));
        return of(runs.stream().filter((run) -> !run.warmup() && run.contender().equals(numerator))
                .filter((run) -> below.containsKey(run.round()))
                .mapToDouble((run) -> figure.applyAsDouble(run) / below.get(run.round())).toArray());
    }

    /**
     * The range as a share of the median: 0.28 when the rounds span 28% of the median.
     * @return max - min over the median
     */
    double relativeRange() {
        return (this.max - this.min) / this.median;
    }

    /**
     * Whether a value lies within the range: a ratio whose rounds span 1.0 shows no difference this run can measure.
     * @param value the value
     * @return whether min &lt;= value &lt;= max; {@code false} without values
     */
    boolean spans(double value) {
        return !isEmpty() && this.min <= value && value <= this.max;
    }

    /**
     * Whether there is no value at all.
     * @return whether it is empty
     */
    boolean isEmpty() {
        return this.values.isEmpty();
    }
}
