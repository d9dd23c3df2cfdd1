package io.millrace.streams.processor;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a processor bean to a stream: an {@link InputProcessor} with {@link #input} set, an
 * {@link OutputProcessor} / {@link FlatOutputProcessor} with {@link #output} set, or the {@link InputProcessor} of a
 * re-keyed stream's second stage with {@link #rekeyed} set.
 *
 * <p>The annotated class is picked up as a bean by component scanning.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@org.springframework.stereotype.Component
public @interface StreamProcessor {

    /**
     * The stream's name: consumer group {@code <application-id>-<stream>} and key of
     * {@code millrace.streams.<stream>.*}.
     * @return the stream name
     */
    String stream();

    /**
     * The input topic, for the stream's input processor.
     * @return the input topic, or empty for an output processor
     */
    String input() default "";

    /**
     * The output topic, for an output processor.
     * @return the output topic, or empty for the input processor
     */
    String output() default "";

    /**
     * For an output processor: the windowed table whose closed windows feed this output, one
     * {@code Windowed<K, V>} per key and window when the window closes (its final result), instead of every processed
     * record. The output record is keyed by the window's key unless the processor gives another.
     * @return the windowed table, or empty for an output of every record
     */
    String closedWindowsOf() default "";

    /**
     * Marks the second stage of a re-keyed stream: an {@link InputProcessor} taking what the stream's input processor
     * returns, after the stream re-keyed it through its repartition topic. The stream's input processor must also
     * implement {@link KeySelector}; the stream's tables ({@code @StreamTable} on this class) and outputs belong to
     * this stage, and its output processors take what this processor returns.
     * @return {@code true} for the second stage's processor
     */
    boolean rekeyed() default false;
}
