package io.millrace.streams.strategy;


/**
 * Hears what the pipeline finished with each record; the runtime's registry counts it. Called on the poll thread,
 * so implementations must be cheap.
 */
public interface PipelineListener {

    /** A listener that ignores everything. */
    PipelineListener NONE = new PipelineListener() {
    };

    /**
     * A record is fully processed: its outputs are acknowledged, or it was filtered or dead-lettered.
     * @param message the finished message
     */
    default void onCompleted(Message<?> message) {
    }

    /**
     * The input processor dropped a record.
     * @param message the filtered message
     */
    default void onFiltered(Message<?> message) {
    }

    /**
     * A record reached the dead-letter topic.
     * @param message the invalid message
     * @param reason why it was dead-lettered
     */
    default void onDeadLettered(Message<?> message, InvalidMessage reason) {
    }

    /**
     * Output records were acknowledged by the broker.
     * @param topic the output topic
     * @param records how many
     */
    default void onProduced(String topic, int records) {
    }
}
