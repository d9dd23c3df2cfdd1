package io.millrace.streams.samples.animalcounts;

import java.util.Locale;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.KeySelector;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.processor.StreamProcessor;
import io.millrace.streams.samples.animals.Animal;

/**
 * The first stage of {@code animal-counts}: reads {@code animals} in its own consumer group with the input rules of
 * the {@code animals} stream, trims and lower-cases the name, and re-keys the animal by it, so that every animal of
 * one name is counted in one partition of the second stage.
 */
@StreamProcessor(stream = AnimalCounter.STREAM, input = "animals")
public class AnimalRekey implements InputProcessor<Animal, Animal>, KeySelector<Animal> {

    @Override
    public Animal ingest(Animal animal, StreamContext context) {
        return new Animal(animal.id(), animal.name().trim().toLowerCase(Locale.ROOT), animal.value(),
                animal.labels());
    }

    @Override
    public String key(Animal animal) {
        return animal.name();
    }
}
