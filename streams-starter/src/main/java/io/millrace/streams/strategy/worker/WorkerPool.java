package io.millrace.streams.strategy.worker;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.millrace.streams.table.Tables;

/**
 * The workers of one consumer client: {@code size} worker contexts, each initialised once, and the threads that
 * run tasks with them. Lives as long as its consumer client, across reassignments.
 *
 * <p>A task borrows a context for its run, so at most {@code size} tasks run at once whatever the executor: the
 * contexts are the bound, which lets virtual threads serve as workers without a pool of their own.
 */
public final class WorkerPool implements AutoCloseable {

    private final BlockingQueue<Worker> idle;

    private final ExecutorService executor;

    private final int size;

    /**
     * Creates the pool.
     * @param name thread name prefix
     * @param size how many workers
     * @param virtualThreads whether to run tasks on virtual threads, when the JVM has them (Java 21+)
     * @param stream the stream name for the contexts
     * @param properties the stream's properties for the contexts
     * @param init runs once per worker, on the worker's thread, before its first task
     */
    public WorkerPool(String name, int size, boolean virtualThreads, String stream, Map<String, String> properties,
            Consumer<WorkerContext> init) {
        this(name, size, virtualThreads, stream, properties, Tables.NONE, init);
    }

    /**
     * Creates the pool for a stream with tables.
     * @param name thread name prefix
     * @param size how many workers
     * @param virtualThreads whether to run tasks on virtual threads, when the JVM has them (Java 21+)
     * @param stream the stream name for the contexts
     * @param properties the stream's properties for the contexts
     * @param tables the stream's tables in this instance
     * @param init runs once per worker, on the worker's thread, before its first task
     */
    public WorkerPool(String name, int size, boolean virtualThreads, String stream, Map<String, String> properties,
            Tables tables, Consumer<WorkerContext> init) {
        if (size < 1) {
            throw new IllegalArgumentException("a pool needs at least one worker");
        }
        this.size = size;
        this.idle = new ArrayBlockingQueue<>(size);
        for (int i = 0; i < size; i++) {
            this.idle.add(new Worker(new WorkerContext(stream, properties, tables), init));
        }
        ThreadFactory virtual = virtualThreads ? virtualThreadFactory(name) : null;
        this.executor = (virtual != null) ? Executors.newCachedThreadPool(virtual)
                : Executors.newFixedThreadPool(size, platformThreads(name));
    }

    /**
     * How many workers.
     * @return the worker count
     */
    public int size() {
        return this.size;
    }

    /**
     * Whether this JVM offers virtual threads (Java 21 and later).
     * @return {@code true} if it does
     */
    public static boolean virtualThreadsAvailable() {
        return virtualThreadFactory("probe") != null;
    }

    /**
     * Runs a job on a worker with one of the pool's contexts. Does not block.
     * @param job the job
     */
    public void execute(Job job) {
        this.executor.execute(() -> {
            Worker worker;
            try {
                worker = this.idle.take();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                worker.run(job);
            }
            catch (Throwable ex) {
                job.failed(ex);
            }
            finally {
                this.idle.add(worker);
            }
        });
    }

    @Override
    public void close() {
        this.executor.shutdownNow();
        try {
            this.executor.awaitTermination(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory platformThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return (runnable) -> {
            Thread thread = new Thread(runnable, name + "-worker-" + count.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Java 17 bytecode: reach Java 21's {@code Thread.ofVirtual()} reflectively, when the running JVM has it. */
    private static ThreadFactory virtualThreadFactory(String name) {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            builder = builderType.getMethod("name", String.class, long.class).invoke(builder, name + "-worker-", 0L);
            return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
        }
        catch (ReflectiveOperationException | RuntimeException ex) {
            return null;
        }
    }

    /** One worker: its context and whether the context is initialised yet. */
    private static final class Worker {

        private final WorkerContext context;

        private final Consumer<WorkerContext> init;

        private boolean initialised;

        Worker(WorkerContext context, Consumer<WorkerContext> init) {
            this.context = context;
            this.init = init;
        }

        /** Runs on whichever thread holds the worker; the idle queue orders these runs (happens-before). */
        void run(Job job) {
            if (!this.initialised) {
                this.init.accept(this.context);
                this.initialised = true;
            }
            try {
                job.run(this.context);
            }
            finally {
                this.context.setRecord(null);
            }
        }
    }

    /** Work for a worker. */
    public interface Job {

        /** Runs on the worker's thread with its context. */
        void run(WorkerContext context);

        /** The worker's initialiser or {@link #run} threw. */
        void failed(Throwable ex);
    }
}
