/**
 * The built-in pipeline steps, one per file: {@code Decode → Ingest → Route → Produce → CommitOffsets}, and the
 * Arroyo-style steps a custom pipeline combines (filter, run task, run task in threads, reduce, batch, unbatch,
 * unfold, publish). Each step receives the next one in its constructor. Part of the API; only steps live here.
 */
package io.millrace.streams.strategy.step;
