package io.millrace.streams.bench;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.samples.animals.Animal;
import io.millrace.streams.samples.animals.AnimalIngest;

/**
 * The sample's input processor behind a fixed wait, like a handler that calls a slow service for every record.
 */
final class SlowIngest implements InputProcessor<Animal, Animal> {

    private final AnimalIngest delegate = new AnimalIngest();

    private final long delayNanos;

    SlowIngest(Duration delay) {
        this.delayNanos = delay.toNanos();
    }

    @Override
    public Animal ingest(Animal animal, StreamContext context) {
        // Waits the full delay even if woken early, like a remote call would take it.
        long deadline = System.nanoTime() + this.delayNanos;
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
        return this.delegate.ingest(animal, context);
    }
}
