package io.orgsync.vendor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * One cached token per credential. The token is renewed a margin before the vendor's expiry, and
 * on an invalid-token answer it is dropped only if it is still the token that was rejected, so
 * parallel calls failing with the same stale token cause one refresh, not one each.
 */
public final class TokenCache {

    private static final Duration MAX_MARGIN = Duration.ofMinutes(5);

    private final Clock clock;
    private AccessToken current;
    private Instant renewAt;

    public TokenCache(Clock clock) {
        this.clock = clock;
    }

    public synchronized String get(Supplier<AccessToken> fetch) {
        Instant now = clock.instant();
        if (current == null || !now.isBefore(renewAt)) {
            current = fetch.get();
            // a quarter of the lifetime, at most five minutes: short-lived test tokens still get a margin
            Duration lifetime = Duration.between(now, current.expiresAt());
            Duration margin = lifetime.isNegative() ? Duration.ZERO : lifetime.dividedBy(4);
            renewAt = current.expiresAt().minus(margin.compareTo(MAX_MARGIN) > 0 ? MAX_MARGIN : margin);
        }
        return current.value();
    }

    public synchronized void invalidate(String rejected) {
        if (current != null && current.value().equals(rejected)) {
            current = null;
        }
    }
}
