package io.millrace.streams.runtime.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.runtime.StreamStats;
import io.millrace.streams.strategy.ProcessingStrategyFactory;
import io.millrace.streams.strategy.RecordObservation;
import io.millrace.streams.table.internal.TableManager;

/**
 * The poll loop of one consumer client. Each turn ({@link #runOnce()}) has five phases, six with idle windows:
 * <ol>
 * <li>poll: fetch records into the buffer (nothing while paused; the poll still keeps the group membership), and
 * let partitions whose tables finished restoring go;</li>
 * <li>submit: hand buffered records to the pipeline until it rejects one;</li>
 * <li>drive: poll the pipeline, which hands finished records on and reports committable offsets;</li>
 * <li>idle windows (only for windowed tables with {@code idle-after}): close the windows of partitions quiet for
 * that long, on the clock ({@link IdleWindows});</li>
 * <li>commit: let the {@link Committer} (the stream's delivery guarantee) commit what is due;</li>
 * <li>pause/resume: pause every assigned partition while records are buffered or an operator paused the stream,
 * and the partitions whose tables restore.</li>
 * </ol>
 * The pipeline is built anew on every assignment; before partitions are given up it is closed and joined and its
 * offsets committed synchronously. All of this runs on the loop's own thread: the consumer is not thread-safe. The
 * pipeline, the records fetched for it and their progress are a {@link ClientPipeline}.
 */
public final class ConsumerLoop implements Runnable, ConsumerRebalanceListener {

    private static final Logger logger = LoggerFactory.getLogger(ConsumerLoop.class);

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    /** A short poll while the pipeline pushes back: keeps membership, waits a little for acknowledgements. */
    private static final Duration BACKPRESSURE_POLL = Duration.ofMillis(1);

    /** How often the loop refreshes what the endpoint sees of it. */
    private static final long VIEW_INTERVAL_MILLIS = 500;

    private final String input;

    private final Consumer<byte[], byte[]> consumer;

    private final ProcessingStrategyFactory factory;

    private final ClientPipeline pipeline;

    private final StreamSettings settings;

    private final StreamStats stats;

    private final LoopListener listener;

    private final Clock clock;

    private final TableGate tables;

    private final Committer committer;

    /** Closes the windows of quiet partitions; {@code null} unless a windowed table has an idle-after. */
    private final IdleWindows idleWindows;

    /** The partitions currently paused. */
    private final Set<TopicPartition> pausedPartitions = new HashSet<>();

    private long viewPublishedAt;

    private boolean paused;

    private volatile boolean running = true;

    private volatile boolean pauseRequested;

    private volatile LoopView view = LoopView.EMPTY;

    /**
     * A loop of a stream without tables, at-least-once, on the system clock.
     */
    ConsumerLoop(String input, Consumer<byte[], byte[]> consumer, ProcessingStrategyFactory factory,
            StreamSettings settings, StreamStats stats, LoopListener listener) {
        this(input, consumer, factory, settings, stats, listener, null, null, Clock.systemUTC());
    }

    /**
     * A loop on the system clock.
     */
    ConsumerLoop(String input, Consumer<byte[], byte[]> consumer, ProcessingStrategyFactory factory,
            StreamSettings settings, StreamStats stats, LoopListener listener, TableManager tables,
            Producer<byte[], byte[]> transactionalProducer) {
        this(input, consumer, factory, settings, stats, listener, tables, transactionalProducer, Clock.systemUTC());
    }

    /**
     * Creates a loop; its delivery guarantee is chosen here, once.
     * @param input the input topic
     * @param consumer the client's consumer, owned by the loop from now on
     * @param factory builds the pipeline on every assignment; shut down when the loop ends
     * @param settings the stream's settings
     * @param stats the stream's counters
     * @param listener hears commits and the loop's failure
     * @param tables the stream's tables, or {@code null} for a stream without tables
     * @param transactionalProducer the client's producer under {@code exactly-once}, {@code null} for
     * {@code at-least-once}
     * @param clock where the loop reads the time
     */
    public ConsumerLoop(String input, Consumer<byte[], byte[]> consumer, ProcessingStrategyFactory factory,
            StreamSettings settings, StreamStats stats, LoopListener listener, TableManager tables,
            Producer<byte[], byte[]> transactionalProducer, Clock clock) {
        this(input, consumer, factory, settings, stats, listener, tables, transactionalProducer, clock, null);
    }

    /**
     * Creates a loop that closes the windows of quiet partitions.
     * @param input the input topic
     * @param consumer the client's consumer, owned by the loop from now on
     * @param factory builds the pipeline on every assignment; shut down when the loop ends
     * @param settings the stream's settings
     * @param stats the stream's counters
     * @param listener hears commits and the loop's failure
     * @param tables the stream's tables, or {@code null} for a stream without tables
     * @param transactionalProducer the client's producer under {@code exactly-once}, {@code null} for
     * {@code at-least-once}
     * @param clock where the loop reads the time
     * @param idleWindows closes the windows of quiet partitions, {@code null} if no windowed table has an idle-after
     */
    ConsumerLoop(String input, Consumer<byte[], byte[]> consumer, ProcessingStrategyFactory factory,
            StreamSettings settings, StreamStats stats, LoopListener listener, TableManager tables,
            Producer<byte[], byte[]> transactionalProducer, Clock clock, IdleWindows idleWindows) {
        this(input, consumer, factory, settings, stats, listener, tables, transactionalProducer, clock, idleWindows,
                null, null);
    }

    /**
     * Creates the loop, observing each record on its way through the pipeline.
     * @param observations the registry each record is observed with ({@link RecordObservation}), {@code null} or
     * {@link ObservationRegistry#NOOP} for none
     * @param stream the stream's name, for the observations
     */
    ConsumerLoop(String input, Consumer<byte[], byte[]> consumer, ProcessingStrategyFactory factory,
            StreamSettings settings, StreamStats stats, LoopListener listener, TableManager tables,
            Producer<byte[], byte[]> transactionalProducer, Clock clock, IdleWindows idleWindows,
            ObservationRegistry observations, String stream) {
        this(input, consumer, factory, settings, stats, listener, tables, transactionalProducer, clock, idleWindows,
                observations, stream, null);
    }

    /**
     * Creates the loop.
     * @param producer the client's producer, which sends the tables' changelog writes under {@code at-least-once}
     * ({@code null} without tables; under {@code exactly-once} the transactional producer does)
     */
    ConsumerLoop(String input, Consumer<byte[], byte[]> consumer, ProcessingStrategyFactory factory,
            StreamSettings settings, StreamStats stats, LoopListener listener, TableManager tables,
            Producer<byte[], byte[]> transactionalProducer, Clock clock, IdleWindows idleWindows,
            ObservationRegistry observations, String stream, Producer<byte[], byte[]> producer) {
        this.input = input;
        this.idleWindows = (tables != null) ? idleWindows : null;
        this.consumer = consumer;
        this.factory = factory;
        this.settings = settings;
        this.stats = stats;
        this.listener = listener;
        this.clock = clock;
        this.tables = (tables != null) ? new RestoreGate(tables, settings.commitInterval(), clock) : TableGate.NONE;
        this.pipeline = new ClientPipeline(consumer, factory, settings.shutdownTimeout(), clock, () -> {
            applyPause(this.paused);
            publishView();
        }, observations, stream);
        this.committer = (transactionalProducer != null)
                ? new ExactlyOnceCommitter(new Transaction(transactionalProducer), consumer, this.pipeline,
                        this.tables, listener, stats, settings.commitInterval(), clock)
                : new AtLeastOnceCommitter(consumer, this.pipeline, this.tables, listener, stats,
                        settings.shutdownTimeout(), clock, producer, settings.commitInterval());
        this.pipeline.reportTo(this.committer);
    }

    @Override
    public void run() {
        try {
            this.committer.init();
            this.consumer.subscribe(List.of(this.input), this);
            while (this.running) {
                runOnce();
            }
            shutdown();
        }
        catch (Throwable ex) {
            failed(ex);
        }
        finally {
            this.factory.shutdown();
            closeConsumer();
        }
    }

    /** One turn of the loop. */
    void runOnce() {
        poll();
        this.tables.checkRestored();
        this.pipeline.submit();
        this.pipeline.drive();
        if (this.idleWindows != null) {
            closeIdleWindows();
        }
        if (this.committer.commitIfDue() && this.pipeline.built()) {
            this.tables.checkpointIfIdle(this.consumer.assignment());
        }
        pauseOrResume();
        long now = this.clock.millis();
        this.stats.tick(now);
        if (now - this.viewPublishedAt >= VIEW_INTERVAL_MILLIS) {
            publishView();
        }
    }

    private void poll() {
        Duration timeout = (this.pipeline.buffered() == 0) ? POLL_TIMEOUT : BACKPRESSURE_POLL;
        ConsumerRecords<byte[], byte[]> records = this.consumer.poll(timeout);
        if (!records.isEmpty()) {
            this.pipeline.fetched(records);
            this.stats.onConsumed(records.count());
            if (this.idleWindows != null) {
                this.idleWindows.active(records.partitions(), this.clock.millis());
            }
        }
        if (!this.pipeline.built() && !this.consumer.assignment().isEmpty()) {
            // A cooperative rebalance that only revoked partitions may not call onPartitionsAssigned.
            this.pipeline.build();
        }
    }

    /**
     * Closes the windows of partitions quiet for their tables' idle time: restored, caught up with their end
     * offset as far as the consumer knows, nothing in flight, nothing fetched waiting. A partition that is paused
     * (restoring, the loop pushing back, or an operator's pause) gets no record because it does not fetch, not
     * because none comes: its idle time starts again.
     */
    private void closeIdleWindows() {
        long now = this.clock.millis();
        Set<TopicPartition> assignment = this.consumer.assignment();
        if (this.paused || this.pauseRequested || !this.pipeline.built()) {
            this.idleWindows.active(assignment, now);
            return;
        }
        Set<TopicPartition> active = new HashSet<>(assignment);
        if (!this.pausedPartitions.isEmpty()) {
            this.idleWindows.active(this.pausedPartitions, now);
            active.removeAll(this.pausedPartitions);
        }
        Set<TopicPartition> restoring = this.tables.restoring();
        if (!restoring.isEmpty()) {
            this.idleWindows.active(restoring, now);
            active.removeAll(restoring);
        }
        if (!active.isEmpty()) {
            this.idleWindows.closeIdle(active, now,
                    (partition) -> this.pipeline.quiet(partition) && caughtUp(new TopicPartition(this.input, partition)),
                    this.committer::beforeSubmit);
        }
    }

    /** Whether the consumer knows of no record of a partition past its position (local, no request). */
    private boolean caughtUp(TopicPartition partition) {
        try {
            OptionalLong lag = this.consumer.currentLag(partition);
            return lag.isEmpty() || lag.getAsLong() <= 0;
        }
        catch (RuntimeException ex) {
            return true;
        }
    }

    private void pauseOrResume() {
        boolean pause = this.pauseRequested || this.pipeline.buffered() > 0;
        Set<TopicPartition> restoring = this.tables.restoring();
        if (pause != this.paused || !this.pausedPartitions.containsAll(restoring)
                || (!pause && this.pausedPartitions.size() > restoring.size())) {
            applyPause(pause);
            this.paused = pause;
            publishView();
        }
    }

    /** Pauses every assigned partition, or only those restoring their tables. */
    private void applyPause(boolean all) {
        Set<TopicPartition> assignment = this.consumer.assignment();
        Set<TopicPartition> pause = new HashSet<>(all ? assignment : this.tables.restoring());
        pause.retainAll(assignment);
        Set<TopicPartition> resume = new HashSet<>(assignment);
        resume.removeAll(pause);
        this.consumer.pause(pause);
        this.consumer.resume(resume);
        this.pausedPartitions.clear();
        this.pausedPartitions.addAll(pause);
    }

    /**
     * Finishes the pipeline's work within the shutdown timeout, commits it, and rewinds the partitions that stay to
     * their first unfinished record, dropping what is buffered.
     */
    private void closeStrategy(Collection<TopicPartition> leaving) {
        this.pipeline.close();
        this.committer.commitNow();
        this.pipeline.reset(leaving);
        this.committer.forget(leaving);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            closeStrategy(partitions);
            releaseTables(partitions, true);
            publishView();
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty() && this.pipeline.built()) {
            closeStrategy(List.of());
        }
        Set<TopicPartition> restoring = this.tables.assigned(partitions, this.consumer.assignment());
        if (!restoring.isEmpty()) {
            this.consumer.pause(restoring);
            this.pausedPartitions.addAll(restoring);
        }
        if (!this.pipeline.built() && !this.consumer.assignment().isEmpty()) {
            this.pipeline.build();
        }
        publishView();
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        // The partitions already belong to another member: abandon their work, commit nothing for them.
        this.pipeline.terminate();
        this.committer.lost(partitions);
        closeStrategy(partitions);
        releaseTables(partitions, false);
        publishView();
    }

    private void releaseTables(Collection<TopicPartition> partitions, boolean clean) {
        this.pausedPartitions.removeAll(partitions);
        if (this.idleWindows != null) {
            this.idleWindows.forget(partitions);
        }
        this.tables.released(partitions, this.consumer.assignment(), clean);
    }

    private void shutdown() {
        Set<TopicPartition> assignment = Set.copyOf(this.consumer.assignment());
        closeStrategy(assignment);
        releaseTables(assignment, true);
    }

    private void failed(Throwable ex) {
        this.pipeline.terminate();
        boolean clean = this.committer.failed();
        try {
            releaseTables(Set.copyOf(this.consumer.assignment()), clean);
        }
        catch (RuntimeException closing) {
            ex.addSuppressed(closing);
        }
        this.listener.failed(this, ex);
    }

    private void closeConsumer() {
        try {
            this.consumer.close(CloseOptions.timeout(this.settings.shutdownTimeout()));
        }
        catch (RuntimeException ex) {
            logger.warn("Closing the consumer failed: {}", ex.toString());
        }
        this.view = LoopView.EMPTY;
    }

    private void publishView() {
        Set<TopicPartition> assignment = Set.copyOf(this.consumer.assignment());
        long now = this.clock.millis();
        this.view = new LoopView(assignment, this.paused ? assignment : Set.of(),
                this.pipeline.snapshot(assignment, now), this.pipeline.buffered());
        this.viewPublishedAt = now;
    }

    /**
     * Asks the loop to finish its work, commit and leave the group. Any thread; the loop notices within one poll
     * timeout. No {@code wakeup()}: it would break the commit that shutdown owes.
     */
    public void stop() {
        this.running = false;
    }

    /**
     * Pauses or resumes fetching. Any thread; takes effect on the loop's next turn.
     * @param pause whether to pause
     */
    public void requestPause(boolean pause) {
        this.pauseRequested = pause;
    }

    /**
     * What the loop last published of itself. Any thread.
     * @return the view
     */
    LoopView view() {
        return this.view;
    }

    /**
     * The record the poll thread is handing to the pipeline right now. Any thread.
     * @return the record, or {@code null} when the poll thread is not submitting
     */
    LoopView.Busy busy() {
        return this.pipeline.busy();
    }

    /** Hears what a loop did that its stream must know. */
    interface LoopListener {

        void committed(Map<TopicPartition, OffsetAndMetadata> offsets);

        void failed(ConsumerLoop loop, Throwable ex);
    }
}
