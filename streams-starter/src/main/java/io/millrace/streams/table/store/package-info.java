/**
 * The byte-level storage under Millrace tables: {@link io.millrace.streams.table.store.KeyValueStore} with its
 * RocksDB and heap implementations, the memory that all RocksDB stores share
 * ({@link io.millrace.streams.table.store.RocksDbResources}), the per-partition
 * {@link io.millrace.streams.table.store.Checkpoint} and the locked
 * {@link io.millrace.streams.table.store.StateDirectory} they all live in.
 */
package io.millrace.streams.table.store;
