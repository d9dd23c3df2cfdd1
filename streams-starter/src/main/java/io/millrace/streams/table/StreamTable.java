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
