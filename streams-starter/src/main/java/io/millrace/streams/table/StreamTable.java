package io.millrace.streams.table;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a table of the stream whose input processor carries this annotation. Keys and values of type
 * {@code String} are stored as UTF-8, {@code byte[]} as is, anything else as JSON (the type's {@code @StreamSchema}
 * rules apply). {@code millrace.streams.<stream>.tables.<name>.*} may override the schemas and the store.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(StreamTable.List.class)
public @interface StreamTable {

    /**
     * The table name; its changelog is {@code <application-id>-<name>-changelog}.
     * @return the name
     */
    String name();

    /**
     * The key type.
     * @return the key type
     */
    Class<?> key() default String.class;

    /**
     * The value type.
     * @return the value type
     */
    Class<?> value();

    /**
     * Makes the table windowed: the length of its windows, as {@code 10s}, {@code 500ms}, {@code 1m} or ISO-8601
     * ({@code PT10S}). Processors then reach it with {@code context.windowedTable(name)}.
     * @return the window size, empty for a plain table
     */
    String windowSize() default "";

    /**
     * Makes the table windowed by sessions: a key's records at most this far apart in event time make one session,
     * which closes once the stream time passes its last event time plus the gap (plus the grace). Excludes
     * {@link #windowSize()} and {@link #windowAdvance()}.
     * @return the inactivity gap, as {@code 5m} or {@code PT5M}; empty for no session windows
     */
    String windowGap() default "";

    /**
     * How far consecutive windows start apart, for hopping windows.
     * @return the advance, empty for tumbling windows (the size)
     */
    String windowAdvance() default "";

    /**
     * How long after its end a window still takes out-of-order records.
     * @return the grace, empty for none
     */
    String windowGrace() default "";

    /**
     * How long, in stream time from its start (a session: from its last event time), a window is kept and readable.
     * @return the retention, empty for the larger of 1 h and size (or gap) plus grace
     */
    String windowRetention() default "";

    /**
     * Whether records for closed windows are dropped (and counted) instead of dead-lettered with reason
     * {@code LATE}.
     * @return {@code true} to drop them
     */
    boolean dropLate() default false;

    /**
     * Lets the stream time of a partition that had no record for this long follow the wall clock, so that its
     * windows close without a new record. Assumes event time tracks the wall clock; results then depend on timing.
     * @return the idle time, as {@code 30s} or {@code PT30S}; empty for never (the default)
     */
    String windowIdleAfter() default "";

    /** Several tables on one processor. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface List {

        /**
         * The tables.
         * @return the tables
         */
        StreamTable[] value();
    }
}
