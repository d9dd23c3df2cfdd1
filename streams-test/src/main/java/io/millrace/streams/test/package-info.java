/**
 * The test kit: {@link io.millrace.streams.test.MillraceTestDriver} runs streams' production pipelines in a unit
 * test, synchronously, on in-memory topics and tables and a clock the test moves; {@code @MillraceTest} builds it
 * from an application's streams and {@code millrace.*} configuration.
 */
package io.millrace.streams.test;
