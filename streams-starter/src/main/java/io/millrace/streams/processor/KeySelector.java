package io.millrace.streams.processor;

/**
 * Chooses the new key of a record for a re-keyed stream (Faust's {@code group_by}, Kafka Streams'
 * {@code selectKey}): the stream's input processor result goes to the repartition topic under this key, so that the
 * stream's second stage sees every record of one new key in one partition, in order.
 *
 * <p>An input processor bean that also implements this interface makes its stream re-keyed; the second stage is
 * the bean annotated {@code @StreamProcessor(stream = "...", rekeyed = true)}.
 *
 * @param <V> the type the stream's input processor returns
 */
@FunctionalInterface
public interface KeySelector<V> {

    /**
     * The new key of a record.
     * @param value what the input processor returned for it (never {@code null}: filtered records are not re-keyed)
     * @return the new key, sent as UTF-8; {@code null} is a processor failure (the record is retried, then
     * dead-lettered with reason {@code PROCESSOR_FAILED})
     */
    String key(V value);
}
