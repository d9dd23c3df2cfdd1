package io.millrace.streams.samples.animals;

import java.util.Set;

import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamProcessor;

/**
 * The {@code spooky} output of the {@code animals} stream.
 */
@StreamProcessor(stream = "animals", output = "spooky")
public class Spooky implements OutputProcessor<Animal, AnimalSummary> {

    private static final Set<String> NAMES = Set.of("bat", "spider");

    @Override
    public boolean filter(Animal animal) {
        return NAMES.contains(animal.name());
    }

    @Override
    public AnimalSummary transform(Animal animal) {
        return AnimalSummary.of(animal);
    }
}
