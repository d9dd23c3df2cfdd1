package io.millrace.streams.schema;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.BooleanSupplier;

import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.BufferRecycler;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.core.util.RecyclerPool;
import tools.jackson.databind.json.JsonMapper;

/**
 * The buffer pool of the JSON schemas' mappers: the buffers of the calling thread on a platform thread, the
 * application's pool on a virtual thread.
 *
 * <p>Jackson 3 pools its buffers in a concurrent deque by default, so that virtual threads share them: taking and
 * returning them costs a tenth of decoding or encoding a small record. Schemas run on long-lived platform threads
 * (a stream's poll thread, its workers), for which a set of buffers of their own costs nothing after the first
 * message; a virtual thread would make a new set for nearly every message, so it keeps the application's pool.
 */
final class ThreadBuffers implements RecyclerPool<BufferRecycler> {

    private static final long serialVersionUID = 1L;

    /** {@code Thread.isVirtual()} from Java 21 on; {@code null} before, where every thread is a platform thread. */
    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    private final RecyclerPool<BufferRecycler> shared;

    private final transient BooleanSupplier onVirtualThread;

    ThreadBuffers(RecyclerPool<BufferRecycler> shared, BooleanSupplier onVirtualThread) {
        this.shared = shared;
        this.onVirtualThread = onVirtualThread;
    }

    /**
     * The mapper with this pool instead of Jackson's default one, or the mapper itself if it has another: a pool
     * the application chose, or a factory of its own, is left as it is.
     * @param mapper the mapper, left unchanged
     * @return a copy of the mapper that differs in its buffer pool alone, or the mapper
     */
    static JsonMapper applyTo(JsonMapper mapper) {
        TokenStreamFactory factory = mapper.tokenStreamFactory();
        if (factory.getClass() != JsonFactory.class
                || !(factory._getRecyclerPool() instanceof RecyclerPool.ConcurrentDequePoolBase)) {
            return mapper;
        }
        RecyclerPool<BufferRecycler> pool = new ThreadBuffers(factory._getRecyclerPool(),
                ThreadBuffers::isVirtualThread);
        return new WithFactory(mapper, ((JsonFactory) factory).rebuild().recyclerPool(pool).build()).build();
    }

    @Override
    public BufferRecycler acquirePooled() {
        return this.onVirtualThread.getAsBoolean() ? this.shared.acquirePooled()
                : JsonRecyclerPools.threadLocalPool().acquirePooled();
    }

    @Override
    public BufferRecycler acquireAndLinkPooled() {
        // Linked to the pool that gave them: the shared pool takes its buffers back, the thread's stay unlinked.
        return this.onVirtualThread.getAsBoolean() ? this.shared.acquireAndLinkPooled()
                : JsonRecyclerPools.threadLocalPool().acquireAndLinkPooled();
    }

    @Override
    public void releasePooled(BufferRecycler recycler) {
        // Never called: acquireAndLinkPooled links the shared pool's buffers to that pool, the thread's to none.
    }

    /** Serialized with its factory, it comes back as the application's pool, which is what it stands in for. */
    private Object readResolve() {
        return this.shared;
    }

    private static boolean isVirtualThread() {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
        }
        catch (Throwable ex) {
            return true;
        }
    }

    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup()
                .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        }
        catch (ReflectiveOperationException ex) {
            return null;
        }
    }

    /** A builder of the mapper's configuration on another stream factory; Jackson's builders offer no setter. */
    private static final class WithFactory extends JsonMapper.Builder {

        WithFactory(JsonMapper mapper, JsonFactory factory) {
            super(new JsonMapper.Builder.StateImpl(mapper.rebuild()));
            this._streamFactory = factory;
        }
    }
}
