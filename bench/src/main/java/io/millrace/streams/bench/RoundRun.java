package io.millrace.streams.bench;

/**
 * One run of one contender in one round: what {@link Spread} needs to pair the runs of two contenders by round.
 */
interface RoundRun {

    /**
     * The contender's name.
     * @return the name
     */
    String contender();

    /**
     * The round, counting warm-up rounds.
     * @return the round
     */
    int round();

    /**
     * Whether the round is a warm-up, not counted.
     * @return whether it is
     */
    boolean warmup();
}
