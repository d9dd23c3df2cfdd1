/**
 * The byte-level storage under Millrace tables (internal, not part of the API): {@link io.millrace.streams.table.internal.store.KeyValueStore} with its
 * RocksDB and heap implementations, the time-segmented store of windowed tables
 * ({@link io.millrace.streams.table.internal.store.SegmentedStore}), the memory that all RocksDB stores share
 * ({@link io.millrace.streams.table.internal.store.RocksDbResources}), the per-partition
 * {@link io.millrace.streams.table.internal.store.Checkpoint} and the locked
 * {@link io.millrace.streams.table.internal.store.StateDirectory} they all live in.
 */
package io.millrace.streams.table.internal.store;
