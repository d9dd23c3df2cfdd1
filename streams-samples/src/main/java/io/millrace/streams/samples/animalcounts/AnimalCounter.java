package io.millrace.streams.samples.animalcounts;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.processor.StreamProcessor;
import io.millrace.streams.samples.animals.Animal;
import io.millrace.streams.table.StreamTable;

/**
 * The second stage of {@code animal-counts}: counts each re-keyed animal in the tumbling 10-second window of its
 * record timestamp (grace 5 s, both settable with {@code millrace.streams.animal-counts.tables.animal-counts.window.*}).
 * Nothing goes out per record: {@link AnimalCounts} sends each window's final count when it closes.
 */
@StreamProcessor(stream = AnimalCounter.STREAM, rekeyed = true)
@StreamTable(name = AnimalCounter.TABLE, key = String.class, value = Long.class, windowSize = "10s",
        windowGrace = "5s")
public class AnimalCounter implements InputProcessor<Animal, Animal> {

    /** The stream. */
    public static final String STREAM = "animal-counts";

    /** The windowed table of counts, by name. */
    public static final String TABLE = "animal-counts";

    @Override
    public Animal ingest(Animal animal, StreamContext context) {
        context.<String, Long>windowedTable(TABLE).merge(animal.name(), 1L, Long::sum);
        return null;
    }
}
