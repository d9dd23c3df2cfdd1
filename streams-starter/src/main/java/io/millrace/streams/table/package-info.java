/**
 * The table API: the {@link io.millrace.streams.table.Table} a processor reads and writes, its
 * {@link io.millrace.streams.table.TableDefinition} (or {@link io.millrace.streams.table.StreamTable} annotation),
 * the {@link io.millrace.streams.table.TableListener} of rebalances, and the per-record write path the steps use
 * ({@link io.millrace.streams.table.TableWrites} over a {@link io.millrace.streams.table.TablePartition}). No
 * threads and no stores here: those are in {@code table.internal}.
 */
package io.millrace.streams.table;
