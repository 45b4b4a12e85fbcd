package io.orgsync.source;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One cached token per credential, renewed a margin before the vendor's expiry and dropped when
 * the vendor refuses it. Vendors revoke tokens early, and with several calls in flight many of
 * them see the same token refused: only a refusal of the current token drops it, so a refused
 * token is refreshed once however many calls saw it refused, and a call refused with a token
 * already replaced takes the current one.
 *
 * <p>A refused token is refreshed once, and a token that has served calls is refreshed whenever
 * it is refused: it was revoked, which says nothing about the app. Only the token fetched to
 * replace a refused one, refused without any call having succeeded with it, says the vendor
 * refuses the app itself ({@link Refusal#FRESH_TOKEN_REFUSED}).
 */
public final class TokenCache {

    /** What a call refused with its token does next. */
    public enum Refusal {
        /** The token was the current one and is dropped: the next {@link #lease} fetches a new one. */
        REFRESH,
        /** The token had already been dropped: retry with the current one. */
        RETRY,
        /**
         * The token replaced a refused one, no call succeeded with it and none is still waiting
         * for an answer with it: a permission problem, not a revocation.
         */
        FRESH_TOKEN_REFUSED
    }

    private static final Duration MAX_MARGIN = Duration.ofMinutes(5);

    private final Clock clock;
    private Lease current;
    /** The last token was dropped because the vendor refused it, so the next one is its refresh. */
    private boolean refreshing;

    public TokenCache(Clock clock) {
        this.clock = clock;
    }

    /**
     * The token for one call, fetched when there is none or it is due for renewal. Parallel calls
     * wait for one fetch rather than each making their own. The call ends its use with exactly
     * one of {@link Lease#accepted()}, {@link Lease#refused()} or {@link Lease#ended()}.
     */
    public synchronized Lease lease(Supplier<AccessToken> fetch) {
        Instant now = clock.instant();
        if (current == null || !now.isBefore(current.renewAt)) {
            AccessToken token = fetch.get();
            // a quarter of the lifetime, at most five minutes: short-lived test tokens still get a margin
            Duration lifetime = Duration.between(now, token.expiresAt());
            Duration margin = lifetime.isNegative() ? Duration.ZERO : lifetime.dividedBy(4);
            Instant renewAt = token.expiresAt().minus(margin.compareTo(MAX_MARGIN) > 0 ? MAX_MARGIN : margin);
            current = new Lease(token, renewAt, refreshing);
            refreshing = false;
        }
        current.waiting.incrementAndGet();
        return current;
    }

    /**
     * One fetched token and what the calls that took it have seen. Answers accepting the token do
     * not take the cache's lock, which a fetch holds for as long as the vendor takes to answer.
     */
    public final class Lease {
        private final AccessToken token;
        private final Instant renewAt;
        private final boolean refresh;
        /** Calls that took this token and have no answer yet. */
        private final AtomicInteger waiting = new AtomicInteger();
        private volatile boolean accepted;

        private Lease(AccessToken token, Instant renewAt, boolean refresh) {
            this.token = token;
            this.renewAt = renewAt;
            this.refresh = refresh;
        }

        public String token() {
            return token.value();
        }

        /** The vendor took the token: a later refusal means it was revoked. */
        public void accepted() {
            // before the count goes down: refused() reads them in the other order
            accepted = true;
            waiting.decrementAndGet();
        }

        /** The call ended without the vendor saying anything about the token (a fault, a failed run). */
        public void ended() {
            waiting.decrementAndGet();
        }

        /**
         * The vendor refused the token. Whether a call succeeded with it is only known once every
         * call that took it has its answer, so until then a refusal counts as a revocation, and
         * the last call to be refused is the one told {@link Refusal#FRESH_TOKEN_REFUSED}.
         */
        public Refusal refused() {
            synchronized (TokenCache.this) {
                boolean neverAccepted = waiting.decrementAndGet() == 0 && !accepted;
                boolean wasCurrent = this == current;
                if (wasCurrent) {
                    current = null;
                    refreshing = true;
                }
                if (refresh && neverAccepted) {
                    return Refusal.FRESH_TOKEN_REFUSED;
                }
                return wasCurrent ? Refusal.REFRESH : Refusal.RETRY;
            }
        }

        @Override
        public String toString() {
            return "Lease[" + token + ", refresh=" + refresh + ", accepted=" + accepted + "]";
        }
    }
}
