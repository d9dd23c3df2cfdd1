/**
 * The runtime: {@link io.millrace.streams.runtime.StreamManager} owns the streams; each stream runs consumer loops
 * that poll, submit to the pipeline, drive it, commit, and pause under backpressure.
 */
package io.millrace.streams.runtime;
