package io.millrace.streams.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * Watches this JVM's heap: after every garbage collection (what survived it, the figure that shows whether
 * something holds records) and, every few milliseconds, its plain use.
 */
final class HeapMonitor implements AutoCloseable {

    private static final long SAMPLE_MILLIS = 10;

    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter((pool) -> pool.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());

    private final List<Registration> registrations = new ArrayList<>();

    private final AtomicLong peakAfterGc = new AtomicLong();

    private final AtomicLong peakUsed = new AtomicLong();

    private final Thread sampler;

    private volatile boolean running = true;

    HeapMonitor() {
        NotificationListener listener = this::onNotification;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                this.registrations.add(new Registration(emitter, listener));
            }
        }
        this.sampler = new Thread(this::sample, "heap-sampler");
        this.sampler.setDaemon(true);
        this.sampler.start();
    }

    /**
     * Starts a window: collects garbage so the baseline is what is live now, then tracks the peaks from here.
     * @return the window
     */
    Window open() {
        long baseline = liveHeap();
        this.peakAfterGc.set(baseline);
        this.peakUsed.set(baseline);
        return new Window(baseline);
    }

    /**
     * The heap in use just after a full collection.
     * @return bytes
     */
    static long liveHeap() {
        ManagementFactory.getMemoryMXBean().gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private void onNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo
                .from((CompositeData) notification.getUserData());
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (this.heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        this.peakAfterGc.accumulateAndGet(used, Math::max);
    }

    private void sample() {
        while (this.running) {
            this.peakUsed.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
                    Math::max);
            try {
                Thread.sleep(SAMPLE_MILLIS);
            }
            catch (InterruptedException ex) {
                return;
            }
        }
    }

    @Override
    public void close() {
        this.running = false;
        this.sampler.interrupt();
        for (Registration registration : this.registrations) {
            try {
                registration.emitter.removeNotificationListener(registration.listener);
            }
            catch (ListenerNotFoundException ex) {
                // Already gone.
            }
        }
    }

    private record Registration(NotificationEmitter emitter, NotificationListener listener) {
    }

    /** The heap figures of one stretch of the benchmark. */
    final class Window {

        private final long baseline;

        private Window(long baseline) {
            this.baseline = baseline;
        }

        /**
         * The figures so far.
         * @return the figures
         */
        HeapFigures figures() {
            return new HeapFigures(this.baseline, HeapMonitor.this.peakAfterGc.get(), HeapMonitor.this.peakUsed.get());
        }
    }

    /**
     * Heap figures, in bytes.
     *
     * @param baseline live heap when the window opened
     * @param peakAfterGc the most the heap held just after a collection
     * @param peakUsed the most the heap held at any sample, garbage included
     */
    record HeapFigures(long baseline, long peakAfterGc, long peakUsed) {

        /**
         * What the stretch added to the live heap, at its peak.
         * @return bytes
         */
        long peakAfterGcGrowth() {
            return Math.max(0, this.peakAfterGc - this.baseline);
        }
    }
}
