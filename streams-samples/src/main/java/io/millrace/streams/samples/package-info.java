/**
 * The sample streams: {@code animals} (Kemux's own test case) and {@code sentence-splitter}.
 */
package io.millrace.streams.samples;
