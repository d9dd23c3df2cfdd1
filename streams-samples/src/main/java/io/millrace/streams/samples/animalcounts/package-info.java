/**
 * The {@code animal-counts} stream: the {@code animals} topic re-keyed by name through the repartition topic
 * {@code <application-id>-animal-counts-repartition}, counted per name in tumbling 10-second windows (grace 5 s) of
 * the windowed table {@code animal-counts}, one final result per name and window to the {@code animal-counts}
 * topic, late records to {@code animal-counts-dlt} with reason {@code LATE}.
 */
package io.millrace.streams.samples.animalcounts;
