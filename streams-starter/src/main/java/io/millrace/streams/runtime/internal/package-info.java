/**
 * The machinery that runs streams, not part of the API (as Kafka Streams keeps {@code processor.internals}):
 * per stream a {@link io.millrace.streams.runtime.internal.StreamRunner} (lifecycle) with its
 * {@link io.millrace.streams.runtime.internal.TopicProvisioner} and
 * {@link io.millrace.streams.runtime.internal.StreamClients}; per consumer client a
 * {@link io.millrace.streams.runtime.internal.ConsumerLoop} (poll, submit, drive, commit, pause/resume) whose
 * delivery guarantee is a {@link io.millrace.streams.runtime.internal.Committer} (at-least-once or exactly-once),
 * and whose tables it reaches through a {@link io.millrace.streams.runtime.internal.TableGate}. Free of Spring.
 */
package io.millrace.streams.runtime.internal;
