/**
 * Processors: the user's code at the input and outputs of a stream, and the
 * {@link io.millrace.streams.processor.StreamContext} it sees.
 */
package io.millrace.streams.processor;
