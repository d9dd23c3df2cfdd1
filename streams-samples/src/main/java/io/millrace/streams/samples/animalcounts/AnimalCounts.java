package io.millrace.streams.samples.animalcounts;

import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamProcessor;
import io.millrace.streams.table.Windowed;

/**
 * The {@code animal-counts} output: one record per name and window when the window closes, keyed by the name.
 */
@StreamProcessor(stream = AnimalCounter.STREAM, output = "animal-counts", closedWindowsOf = AnimalCounter.TABLE)
public class AnimalCounts implements OutputProcessor<Windowed<String, Long>, AnimalCount> {

    @Override
    public AnimalCount transform(Windowed<String, Long> window) {
        return new AnimalCount(window.key(), window.windowStart(), window.windowEnd(), window.value());
    }
}
