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
import java.util.concurrent.atomic.AtomicReferenceArray;

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

    /** {@link #revokeEvery}: calls accepted since the last revocation, guarded by the instance. */
    private static final class Revoker {
        final int every;
        int accepted;

        Revoker(int every) {
            this.every = every;
        }
    }

    /** Feishu hands out a new tenant token only when the current one has less than this left. */
    static final long FEISHU_REUSE_MARGIN_MILLIS = Duration.ofMinutes(30).toMillis();

    private final ConcurrentHashMap<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<Vendor, Token> current = new EnumMap<>(Vendor.class);
    private final AtomicLong serials = new AtomicLong(1);
    private final AtomicLongArray revokedBelow = new AtomicLongArray(Vendor.values().length);
    private final AtomicLongArray expiredBelow = new AtomicLongArray(Vendor.values().length);
    private final AtomicReference<Countdown> countdown = new AtomicReference<>();
    private final AtomicReferenceArray<Revoker> revokers = new AtomicReferenceArray<>(Vendor.values().length);
    private final AtomicLongArray revocations = new AtomicLongArray(Vendor.values().length);
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
        if (revokers.get(t.vendor().ordinal()) != null && revokedNow(t)) {
            return Check.INVALID;
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

    /**
     * From now on the vendor's tokens each answer {@code calls} business calls; the next call
     * revokes every token of the vendor issued so far and is refused, as a vendor that revokes
     * tokens early does. Revoking on that call rather than after the last accepted one means
     * every revocation is seen by a client, so its refreshes can be compared with
     * {@link #revocations}. {@code calls} 0: every token is refused on its first use.
     */
    void revokeEvery(Vendor vendor, int calls) {
        revocations.set(vendor.ordinal(), 0);
        revokers.set(vendor.ordinal(), new Revoker(calls));
    }

    void stopRevoking() {
        for (int i = 0; i < revokers.length(); i++) {
            revokers.set(i, null);
        }
    }

    /** Revocations by {@link #revokeEvery} since it was last switched on for the vendor. */
    long revocations(Vendor vendor) {
        return revocations.get(vendor.ordinal());
    }

    /** Counts a call with a good token towards {@link #revokeEvery}; true when it revoked the token instead. */
    private boolean revokedNow(Token t) {
        Revoker revoker = revokers.get(t.vendor().ordinal());
        if (revoker == null) {
            return false;
        }
        synchronized (revoker) {
            if (revoked(t)) {
                return true; // by a call in parallel that took the lock first
            }
            if (revoker.accepted < revoker.every) {
                revoker.accepted++;
                return false;
            }
            revoker.accepted = 0;
            revokeAll(t.vendor());
            revocations.incrementAndGet(t.vendor().ordinal());
            return true;
        }
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
