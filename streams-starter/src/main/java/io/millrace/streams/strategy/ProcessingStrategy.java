package io.millrace.streams.strategy;

import java.time.Duration;

/**
 * One step of a stream's pipeline during one partition assignment (Arroyo's strategy contract).
 *
 * <p>All methods are called from the consumer's poll thread. A step hands its results to the next step, which it
 * receives in its constructor; messages leave a step in the order they entered it, so that the last step can
 * commit offsets contiguously.
 *
 * @param <T> the payload type this step accepts
 */
public interface ProcessingStrategy<T> {

    /**
     * Submits a message. Does not block: a step that cannot take more throws {@link MessageRejected}, and the
     * caller keeps the message and submits it again later. Returning does not mean the message was processed.
     * @param message the message
     * @throws MessageRejected if the step is at capacity
     */
    void submit(Message<T> message);

    /**
     * Drives asynchronous work and hands finished messages on. Called on every loop turn; does not block for long.
     * @throws RuntimeException an error of asynchronous work since the last call
     */
    void poll();

    /**
     * Stops accepting messages. Does not block.
     */
    void close();

    /**
     * Blocks until all submitted work is finished and handed on, or the timeout passes. Called after
     * {@link #close()}, for example on revocation, so in-flight work is committed before partitions move.
     * @param timeout the longest wait, or {@code null} to wait without bound
     */
    void join(Duration timeout);

    /**
     * Abandons all work in progress at once. Does not block.
     */
    void terminate();
}
