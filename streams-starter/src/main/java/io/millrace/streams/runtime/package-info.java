/**
 * The runtime's API: {@link io.millrace.streams.runtime.StreamManager}, the one registry of streams (add, remove,
 * pause, views), the {@link io.millrace.streams.runtime.StreamDefinition} of a stream and its
 * {@link io.millrace.streams.runtime.StreamSettings}, the {@link io.millrace.streams.runtime.StreamStrategy} of a
 * custom pipeline with its {@link io.millrace.streams.runtime.StreamResources}, and the views the endpoint reads.
 * What runs the streams is in {@code runtime.internal}; {@code StreamManager} is the one API type that reaches it.
 */
package io.millrace.streams.runtime;
