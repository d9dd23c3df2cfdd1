package io.millrace.streams.runtime;

import io.millrace.streams.strategy.ProcessingStrategyFactory;

/**
 * Makes the pipeline factory of one consumer client from what the runtime provides it: the producer, the
 * dead-letter policy, the counters. A bean of this type, or a plain {@link ProcessingStrategyFactory} bean, named
 * in {@code millrace.streams.<name>.strategy} replaces a stream's default pipeline.
 */
@FunctionalInterface
public interface StreamStrategy {

    /**
     * Makes the factory for one consumer client; called once per client, on the thread that starts it.
     * @param resources what the client provides
     * @return the client's pipeline factory; its {@code shutdown()} runs when the client stops
     */
    ProcessingStrategyFactory create(StreamResources resources);

    /**
     * A strategy that uses the same factory for every client.
     * @param factory the factory
     * @return the strategy
     */
    static StreamStrategy of(ProcessingStrategyFactory factory) {
        return (resources) -> factory;
    }
}
