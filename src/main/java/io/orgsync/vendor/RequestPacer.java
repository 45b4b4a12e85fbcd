package io.orgsync.vendor;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps requests under the vendor's documented limits, which apply per API: one bucket per path
 * with a per-second and a per-minute bandwidth. A bucket of capacity c refilling at r admits at
 * most c + r·t requests in any window t, so the capacity is one request and the refill the rest:
 * no one-second window ever sees more than the configured rate.
 */
public final class RequestPacer {

    private final int perSecond;
    private final int perMinute;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RequestPacer(int perSecond, int perMinute) {
        if (perSecond < 1 || perMinute < 1) {
            throw new IllegalArgumentException("rates must be positive");
        }
        this.perSecond = perSecond;
        this.perMinute = perMinute;
    }

    public void acquire(String path) throws InterruptedException {
        buckets.computeIfAbsent(path, p -> newBucket()).asBlocking().consume(1);
    }

    private Bucket newBucket() {
        var builder = Bucket.builder().addLimit(limit(perSecond, Duration.ofSeconds(1)));
        if ((long) perSecond * 60 > perMinute) {
            builder.addLimit(limit(perMinute, Duration.ofMinutes(1)));
        }
        return builder.build();
    }

    private static Bandwidth limit(int count, Duration window) {
        if (count == 1) {
            return Bandwidth.builder().capacity(1).refillGreedy(1, window).initialTokens(1).build();
        }
        return Bandwidth.builder().capacity(1).refillGreedy(count - 1L, window).initialTokens(1).build();
    }
}
