package io.orgsync.source;

import io.orgsync.run.RunFailedException;

import java.time.Duration;

/**
 * The vendor error tables' actions (REFRESH, BACKOFF, FAIL, SKIP; docs/sources.md) as exception types, so a
 * dialect classifies an answer once and the client acts on the type.
 */
public sealed class VendorFailure extends RunFailedException {

    private VendorFailure(String message) {
        super(message);
    }

    private VendorFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /** FAIL: the run cannot go on; the message is the user's explanation. */
    public static VendorFailure fail(String message) {
        return new Fatal(message, null);
    }

    public static VendorFailure fail(String message, Throwable cause) {
        return new Fatal(message, cause);
    }

    public static final class Fatal extends VendorFailure {
        Fatal(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** FAIL, and the fix is a configuration key (wrong corp id, rejected secret): {@code --run-once} exits 2. */
    public static final class Misconfigured extends VendorFailure {
        private final String key;

        public Misconfigured(String key, String message) {
            super(key + ": " + message);
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /**
     * REFRESH: drop the cached token if it is still the current one, retry with a new one
     * ({@link TokenCache}); fails the run only when a token fetched to replace a refused one is
     * refused without having served a call.
     */
    public static final class TokenRejected extends VendorFailure {
        public TokenRejected(String message) {
            super(message);
        }
    }

    /** BACKOFF on a rate-limit answer, honouring the vendor's reset hint when it gives one. */
    public static final class RateLimited extends VendorFailure {
        private final Duration retryAfter;
        private final boolean tooManyInFlight;

        public RateLimited(String message, Duration retryAfter) {
            this(message, retryAfter, false);
        }

        /** @param tooManyInFlight the vendor refused the number of calls in flight (WeCom 45033), not their rate */
        public RateLimited(String message, Duration retryAfter, boolean tooManyInFlight) {
            super(message);
            this.retryAfter = retryAfter;
            this.tooManyInFlight = tooManyInFlight;
        }

        public boolean tooManyInFlight() {
            return tooManyInFlight;
        }

        /** {@code null} when the vendor gave no hint. */
        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /** BACKOFF with exponential delays: 5xx, timeouts, connection resets, "system busy". */
    public static final class Transient extends VendorFailure {
        private final int vendorRetryLimit;

        public Transient(String message, Throwable cause) {
            this(message, cause, Integer.MAX_VALUE);
        }

        /**
         * A fault the vendor says to retry at most {@code vendorRetryLimit} times (WeCom -1 and
         * Feishu 40003: three); {@code orgsync.http.max-retries} still applies when it is lower.
         */
        public Transient(String message, Throwable cause, int vendorRetryLimit) {
            super(message, cause);
            this.vendorRetryLimit = vendorRetryLimit;
        }

        public int vendorRetryLimit() {
            return vendorRetryLimit;
        }
    }

    /**
     * The vendor no longer takes a page token it issued (Feishu 40012): the listing starts again
     * from its first page, once ({@link VendorApi}); a listing without a token to drop, or one
     * already restarted, fails the run with this message.
     */
    public static final class PageTokenRejected extends VendorFailure {
        private final String tokenParameter;

        /** @param tokenParameter the query parameter the token travels in, e.g. {@code page_token} */
        public PageTokenRejected(String message, String tokenParameter) {
            super(message);
            this.tokenParameter = tokenParameter;
        }

        public String tokenParameter() {
            return tokenParameter;
        }
    }

    /** SKIP: the item is gone or out of scope; log it and go on with the next one. */
    public static final class Skip extends VendorFailure {
        public Skip(String message) {
            super(message);
        }
    }
}
