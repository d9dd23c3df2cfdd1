package io.millrace.streams.samples.animals;

import java.util.Locale;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.processor.StreamProcessor;

/**
 * The input of the {@code animals} stream: trims and lower-cases the name.
 */
@StreamProcessor(stream = "animals", input = "animals")
public class AnimalIngest implements InputProcessor<Animal, Animal> {

    @Override
    public Animal ingest(Animal animal, StreamContext context) {
        return new Animal(animal.id(), animal.name().trim().toLowerCase(Locale.ROOT), animal.value(),
                animal.labels());
    }
}
