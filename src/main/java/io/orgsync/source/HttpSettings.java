package io.orgsync.source;

import java.time.Duration;

/**
 * Transport limits of one vendor client.
 *
 * @param maxRetries        transient failures (5xx, timeouts) retried at most this often per call
 * @param maxRateLimitWaits rate-limit answers waited out at most this often per call
 * @param maxResponseBytes  a larger answer fails the call rather than exhausting the heap
 * @param maxPages          a paginated listing longer than this fails the run (a vendor that never ends)
 */
public record HttpSettings(
        Duration connectTimeout,
        Duration readTimeout,
        int maxRetries,
        Duration retryInitialDelay,
        Duration retryMaxDelay,
        int maxRateLimitWaits,
        long maxResponseBytes,
        int maxPages) {

    public static HttpSettings defaults() {
        return new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(30), 4, Duration.ofMillis(500),
                Duration.ofSeconds(30), 8, 128L * 1024 * 1024, 100_000);
    }
}
