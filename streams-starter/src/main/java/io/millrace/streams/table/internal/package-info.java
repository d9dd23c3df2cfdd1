/**
 * The machinery behind tables, not part of the API: the
 * {@link io.millrace.streams.table.internal.TableManager} of one stream (restore on assignment, standbys,
 * checkpoints, commit and abort), each partition's {@link io.millrace.streams.table.internal.StoredTablePartition}
 * and the {@link io.millrace.streams.table.internal.ChangelogReader} that restores and tails changelogs. Free of
 * Spring.
 */
package io.millrace.streams.table.internal;
