/**
 * The {@code sentence-splitter} stream: sentences split into words.
 */
package io.millrace.streams.samples.sentences;
