package io.millrace.streams.bench;

import java.util.concurrent.CountDownLatch;

import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.samples.animals.Animal;
import io.millrace.streams.samples.animals.AnimalSummary;

/**
 * An output that is stalled until the gate opens: every record waits in {@link #transform}, as if the output's
 * downstream had stopped answering.
 */
final class Gate implements OutputProcessor<Animal, AnimalSummary> {

    private final CountDownLatch open = new CountDownLatch(1);

    /** Lets every waiting and later record through. */
    void open() {
        this.open.countDown();
    }

    @Override
    public boolean filter(Animal animal) {
        return true;
    }

    @Override
    public AnimalSummary transform(Animal animal) {
        try {
            this.open.await();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at the gate", ex);
        }
        return new AnimalSummary(animal.id(), animal.name(), animal.value());
    }
}
