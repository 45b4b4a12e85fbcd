package io.orgsync.simulator;

import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Tokens of all four apps. Revocation and forced expiry are recorded as serial-number thresholds
 * per vendor ("every token issued before serial N is revoked"), so invalidating all tokens is O(1)
 * and tokens issued afterwards are unaffected.
 */
final class TokenStore {

    enum Check { OK, MISSING, INVALID, EXPIRED, WRONG_APP }

    record Token(String value, Vendor vendor, long serial, long issuedAtMillis, long expiresAtMillis) {
    }

    private record Countdown(Vendor vendor, AtomicInteger remaining) {
    }

    /** Feishu hands out a new tenant token only when the current one has less than this left. */
    static final long FEISHU_REUSE_MARGIN_MILLIS = Duration.ofMinutes(30).toMillis();

    private final ConcurrentHashMap<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<Vendor, Token> current = new EnumMap<>(Vendor.class);
    private final AtomicLong serials = new AtomicLong(1);
    private final AtomicLongArray revokedBelow = new AtomicLongArray(Vendor.values().length);
    private final AtomicLongArray expiredBelow = new AtomicLongArray(Vendor.values().length);
    private final AtomicReference<Countdown> countdown = new AtomicReference<>();
    private final AtomicLong clockOffsetMillis = new AtomicLong();
    private final long lifetimeMillis;

    /** Every token value ever handed out, so a test can prove none of them leaks; pruned with {@link #tokens}. */
    private final java.util.Set<String> issued = java.util.concurrent.ConcurrentHashMap.newKeySet();

    TokenStore(Duration lifetime) {
        this.lifetimeMillis = lifetime.toMillis();
    }

    java.util.Set<String> issued() {
        return java.util.Set.copyOf(issued);
    }

    /** The vendors' clock for token ages; {@link #advance} moves it ahead of the wall clock. */
    long now() {
        return System.currentTimeMillis() + clockOffsetMillis.get();
    }

    void advance(Duration d) {
        clockOffsetMillis.addAndGet(d.toMillis());
    }

    /**
     * WeCom returns the same token while it is valid; Feishu while at least 30 minutes are left (a
     * fresh one otherwise, the old one staying valid); Wuhan a fresh token on every call.
     */
    synchronized Token issue(Vendor vendor) {
        long now = now();
        Token cur = current.get(vendor);
        boolean usable = cur != null && !revoked(cur) && !expired(cur, now);
        if (usable && (vendor == Vendor.WECOM || vendor == Vendor.WECOM_SCHOOL)) {
            return cur;
        }
        if (usable && vendor == Vendor.FEISHU && cur.expiresAtMillis() - now >= FEISHU_REUSE_MARGIN_MILLIS) {
            return cur;
        }
        long serial = serials.getAndIncrement();
        Token token = new Token(newValue(vendor, serial), vendor, serial, now, now + lifetimeMillis);
        tokens.put(token.value(), token);
        current.put(vendor, token);
        issued.add(token.value());
        if (tokens.size() > 10_000) {
            // long test runs with short lifetimes would otherwise keep every token ever issued
            tokens.values().removeIf(t -> t.expiresAtMillis() < now - lifetimeMillis);
            issued.retainAll(tokens.keySet());
        }
        return token;
    }

    /**
     * Checks a presented token for an app, and counts the call towards a pending
     * {@link #expireAfterCalls} countdown when the token is otherwise good.
     */
    Check check(String value, Vendor expected) {
        if (value == null || value.isEmpty()) {
            return Check.MISSING;
        }
        Token t = tokens.get(value);
        if (t == null) {
            return Check.INVALID;
        }
        if (t.vendor() != expected) {
            return wecomFamily(t.vendor()) && wecomFamily(expected) ? Check.WRONG_APP : Check.INVALID;
        }
        if (revoked(t)) {
            return Check.INVALID;
        }
        if (expired(t, now())) {
            return Check.EXPIRED;
        }
        countBusinessCall(t.vendor());
        return expired(t, now()) ? Check.EXPIRED : Check.OK;
    }

    long remainingSeconds(Token t) {
        return Math.max(0, (t.expiresAtMillis() - now()) / 1000);
    }

    /** Every token issued so far (for one vendor, or all when null) becomes invalid. */
    void revokeAll(Vendor vendor) {
        long threshold = serials.get();
        for (Vendor v : Vendor.values()) {
            if (vendor == null || vendor == v) {
                revokedBelow.accumulateAndGet(v.ordinal(), threshold, Math::max);
            }
        }
    }

    void expireAll(Vendor vendor) {
        long threshold = serials.get();
        for (Vendor v : Vendor.values()) {
            if (vendor == null || vendor == v) {
                expiredBelow.accumulateAndGet(v.ordinal(), threshold, Math::max);
            }
        }
    }

    void expireAfterCalls(Vendor vendor, int calls) {
        countdown.set(new Countdown(vendor, new AtomicInteger(calls)));
    }

    void cancelCountdown() {
        countdown.set(null);
    }

    private void countBusinessCall(Vendor vendor) {
        Countdown cd = countdown.get();
        if (cd == null || (cd.vendor() != null && cd.vendor() != vendor)) {
            return;
        }
        if (cd.remaining().decrementAndGet() < 0 && countdown.compareAndSet(cd, null)) {
            expireAll(cd.vendor());
        }
    }

    private boolean revoked(Token t) {
        return t.serial() < revokedBelow.get(t.vendor().ordinal());
    }

    private boolean expired(Token t, long now) {
        return now >= t.expiresAtMillis() || t.serial() < expiredBelow.get(t.vendor().ordinal());
    }

    private static boolean wecomFamily(Vendor v) {
        return v == Vendor.WECOM || v == Vendor.WECOM_SCHOOL;
    }

    private static String newValue(Vendor vendor, long serial) {
        byte[] random = new byte[40];
        ThreadLocalRandom.current().nextBytes(random);
        String hex = Mix.hex16(serial) + Mix.hex16(ThreadLocalRandom.current().nextLong())
                + Mix.hex16(ThreadLocalRandom.current().nextLong());
        return switch (vendor) {
            // WeCom tokens are opaque url-safe strings of a few dozen characters
            case WECOM, WECOM_SCHOOL -> Base64.getUrlEncoder().withoutPadding().encodeToString(random)
                    + Long.toString(serial, 36);
            case FEISHU -> "t-g" + hex.substring(0, 44);
            case WUHAN -> hex.substring(16, 48);
        };
    }
}
