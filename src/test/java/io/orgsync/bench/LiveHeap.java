package io.orgsync.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The most heap in use right after any garbage collection: what the run keeps alive. The pools'
 * peak usage also counts garbage not yet collected, which grows with -Xmx and says little.
 */
final class LiveHeap {

    private static final Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());

    private final AtomicLong peak = new AtomicLong();

    static LiveHeap watch() {
        LiveHeap heap = new LiveHeap();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                        GcInfo info = GarbageCollectionNotificationInfo
                                .from((CompositeData) notification.getUserData()).getGcInfo();
                        long used = info.getMemoryUsageAfterGc().entrySet().stream()
                                .filter(pool -> HEAP_POOLS.contains(pool.getKey()))
                                .mapToLong(pool -> pool.getValue().getUsed()).sum();
                        heap.peak.accumulateAndGet(used, Math::max);
                    }
                }, null, null);
            }
        }
        return heap;
    }

    void reset() {
        peak.set(0);
    }

    long peak() {
        return peak.get();
    }
}
