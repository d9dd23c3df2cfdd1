/**
 * The {@code word-count} stream: words counted in the table {@code word-counts}, every update published to the
 * {@code word-counts} topic.
 */
package io.millrace.streams.samples.wordcount;
