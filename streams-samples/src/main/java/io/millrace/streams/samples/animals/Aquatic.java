package io.millrace.streams.samples.animals;

import java.util.Set;

import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamProcessor;

/**
 * The {@code aquatic} output of the {@code animals} stream.
 */
@StreamProcessor(stream = "animals", output = "aquatic")
public class Aquatic implements OutputProcessor<Animal, AnimalSummary> {

    private static final Set<String> NAMES = Set.of("fish", "shark");

    @Override
    public boolean filter(Animal animal) {
        return NAMES.contains(animal.name());
    }

    @Override
    public AnimalSummary transform(Animal animal) {
        return AnimalSummary.of(animal);
    }
}
