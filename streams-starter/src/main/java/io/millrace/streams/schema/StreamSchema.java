package io.millrace.streams.schema;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record or class as a stream message with a JSON {@link Schema}: decoded and encoded with Jackson and
 * checked with Bean Validation, with no more code.
 *
 * <p>Decoding accepts unknown fields but is strict on types: no coercion between strings, numbers and booleans,
 * overflowing numbers, duplicate keys, and null or empty values are all invalid.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface StreamSchema {
}
