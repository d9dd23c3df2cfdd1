/**
 * The built-in pipeline steps, one per file: {@code Decode → Ingest → Route → Produce → CommitOffsets}.
 * Each step receives the next one in its constructor.
 */
package io.millrace.streams.strategy.step;
