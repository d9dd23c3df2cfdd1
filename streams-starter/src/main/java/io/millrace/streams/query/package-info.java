/**
 * Interactive queries: read the tables of a stream, plain or windowed, in this instance ({@link
 * io.millrace.streams.query.TableQueries}) or in any instance of the application over HTTP ({@link
 * io.millrace.streams.query.QueryHandler}, behind {@code millrace.queries.enabled}), which forwards a request to the
 * instance that owns the key's partition.
 */
package io.millrace.streams.query;
