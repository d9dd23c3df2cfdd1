package io.millrace.streams.app.generator;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Produces sample traffic to the {@code animals} and {@code sentences} topics at a steady
 * rate, a configured fraction of it invalid, and logs a summary every ten seconds.
 *
 * <p>One scheduler thread makes and sends the records; the producer's callbacks, on its I/O
 * thread, only count.
 */
public class SampleTrafficGenerator implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(SampleTrafficGenerator.class);

    private static final Duration TICK = Duration.ofMillis(50);

    private static final Duration REPORT_INTERVAL = Duration.ofSeconds(10);

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final SampleGeneratorProperties properties;

    private final Supplier<Producer<String, String>> producerFactory;

    private final Clock clock;

    private final Random random;

    private final Counts window = new Counts();

    private final Counts total = new Counts();

    private final AtomicReference<Exception> lastFailure = new AtomicReference<>();

    // Set by start(), cleared by stop(); both run on the lifecycle thread. The scheduler
    // thread reads them only while the scheduler runs, which start() and stop() bracket.
    private ScheduledExecutorService scheduler;

    private Producer<String, String> producer;

    private SampleRecords records;

    private Pacer pacer;

    private volatile boolean running;

    /**
     * Create a generator that makes a producer on every start.
     * @param properties the rate and the invalid ratio
     * @param producerFactory makes a producer of string keys and values, closed on stop
     */
    public SampleTrafficGenerator(SampleGeneratorProperties properties,
            Supplier<Producer<String, String>> producerFactory) {
        this(properties, producerFactory, Clock.systemUTC(), new Random());
    }

    SampleTrafficGenerator(SampleGeneratorProperties properties, Supplier<Producer<String, String>> producerFactory,
            Clock clock, Random random) {
        this.properties = properties;
        this.producerFactory = producerFactory;
        this.clock = clock;
        this.random = random;
    }

    @Override
    public synchronized void start() {
        if (this.running) {
            return;
        }
        this.producer = this.producerFactory.get();
        // Ids from the clock, so that a restarted generator does not repeat the keys of the last run.
        this.records = new SampleRecords(this.random, this.clock.millis() * 1000);
        this.pacer = new Pacer(this.properties.getRate(), this.clock);
        this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
            Thread thread = new Thread(task, "millrace-sample-generator");
            thread.setDaemon(true);
            return thread;
        });
        this.scheduler.scheduleAtFixedRate(this::produceDue, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        this.scheduler.scheduleAtFixedRate(this::report, REPORT_INTERVAL.toMillis(), REPORT_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        this.running = true;
        logger.info("Sample generator producing {} records/s to each of {} and {}, {}% of them invalid",
                this.properties.getRate(), SampleRecords.ANIMALS_TOPIC, SampleRecords.SENTENCES_TOPIC,
                Math.round(this.properties.getInvalidRatio() * 100));
    }

    @Override
    public synchronized void stop() {
        if (!this.running) {
            return;
        }
        this.running = false;
        // Interrupts a send blocked on metadata from a broker that is gone.
        this.scheduler.shutdownNow();
        try {
            if (!this.scheduler.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                logger.warn("Sample generator thread did not stop within {}", CLOSE_TIMEOUT);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        // Waits for the records in flight, so that the counts below are final.
        this.producer.close(CLOSE_TIMEOUT);
        report();
        logger.info("Sample generator stopped after {}", this.total.describe());
        this.scheduler = null;
        this.producer = null;
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    /**
     * Start last and stop first: the streams are consuming before traffic arrives, and no
     * new traffic arrives while they shut down.
     */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }

    private void produceDue() {
        try {
            for (long i = this.pacer.due(); i > 0 && this.running; i--) {
                boolean invalid = isInvalid();
                send(this.records.animal(invalid), invalid, Counts::animals);
                invalid = isInvalid();
                send(this.records.sentence(invalid), invalid, Counts::sentences);
            }
        }
        catch (RuntimeException ex) {
            // Never let the exception escape: the scheduler would cancel the task for good.
            fail(ex);
        }
    }

    private boolean isInvalid() {
        return this.random.nextDouble() < this.properties.getInvalidRatio();
    }

    private void send(ProducerRecord<String, String> record, boolean invalid, Function<Counts, AtomicLong> topic) {
        this.producer.send(record, (metadata, ex) -> {
            if (ex != null) {
                fail(ex);
                return;
            }
            for (Counts counts : List.of(this.window, this.total)) {
                topic.apply(counts).incrementAndGet();
                if (invalid) {
                    counts.invalid.incrementAndGet();
                }
            }
        });
    }

    private void fail(Exception ex) {
        this.window.failed.incrementAndGet();
        this.total.failed.incrementAndGet();
        this.lastFailure.set(ex);
    }

    private void report() {
        Exception failure = this.lastFailure.getAndSet(null);
        String summary = this.window.describeAndReset();
        if (failure != null) {
            logger.warn("Sample generator: {} in the last {} s; last failure: {}", summary,
                    REPORT_INTERVAL.toSeconds(), failure.toString());
        }
        else {
            logger.info("Sample generator: {} in the last {} s", summary, REPORT_INTERVAL.toSeconds());
        }
    }

    /** Records acknowledged by the broker, and sends that failed. */
    private static final class Counts {

        private final AtomicLong animals = new AtomicLong();

        private final AtomicLong sentences = new AtomicLong();

        private final AtomicLong invalid = new AtomicLong();

        private final AtomicLong failed = new AtomicLong();

        AtomicLong animals() {
            return this.animals;
        }

        AtomicLong sentences() {
            return this.sentences;
        }

        String describe() {
            return format(this.animals.get(), this.sentences.get(), this.invalid.get(), this.failed.get());
        }

        String describeAndReset() {
            return format(this.animals.getAndSet(0), this.sentences.getAndSet(0), this.invalid.getAndSet(0),
                    this.failed.getAndSet(0));
        }

        private static String format(long animals, long sentences, long invalid, long failed) {
            String produced = animals + " animals and " + sentences + " sentences produced (" + invalid + " invalid)";
            return (failed > 0) ? produced + ", " + failed + " sends failed" : produced;
        }

    }

}
