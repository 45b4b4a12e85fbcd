package io.orgsync.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Switchable vendor misbehaviour, safe to change while clients call in parallel.
 *
 * <p>Path faults target either one vendor app ({@link Vendor}) or paths. A {@code path} argument matches a request when it equals the request path, equals the
 * endpoint template ({@code /open-apis/contact/v3/departments/:department_id/children}), or ends
 * in {@code *} and is a prefix of the path ({@code /open-apis/*} = all of Feishu, {@code *} =
 * everything). Counted faults ({@code failNext}, {@code malformedBody}, ...) hit the next
 * {@code count} matching requests and then stop.
 *
 * <p>{@link #clear()} switches every fault off and cancels a pending
 * {@link #expireTokensAfterCalls} countdown and {@link #revokeTokensEvery}; tokens already
 * revoked or expired stay so, as they would at a vendor.
 */
public final class FaultInjector {

    /** WeCom (corporate and school) ids of injected departments. */
    public static final int WECOM_CYCLE_A = 900001;
    public static final int WECOM_CYCLE_B = 900002;
    public static final int WECOM_ORPHAN = 900003;
    /** The parent id the orphan points at; no such department exists. */
    public static final int WECOM_MISSING_PARENT = 999999;

    /** Feishu custom department_ids of injected departments (open ids: {@code od-} + the hex ids below). */
    public static final String FEISHU_CYCLE_A = "D900001";
    public static final String FEISHU_CYCLE_B = "D900002";
    public static final String FEISHU_ORPHAN = "D900003";
    public static final String FEISHU_MISSING_PARENT = "D999999";

    /** 32-hex ids of injected departments: Wuhan org ids as they are, Feishu open ids after {@code od-}. */
    public static final String HEX_CYCLE_A = "c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0a1";
    public static final String HEX_CYCLE_B = "c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0b2";
    public static final String HEX_ORPHAN = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0fc3";
    public static final String HEX_MISSING_PARENT = "deadbeefdeadbeefdeadbeefdeadbeef";

    enum Kind { HTTP_FAIL, MALFORMED, HTML, SLOW, REPEAT, HOSTILE, PAGE_TOKEN_EXPIRED }

    /** Answers built to hurt the client rather than to be wrong. */
    public enum Hostile {
        /** {@code [[[[…]]]]} nested 200,000 deep: a recursive parser overflows its stack. */
        NESTING_BOMB,
        /** The real answer with bytes that are not UTF-8 (0xC3 0x28, a lone 0xFF) inside every name. */
        INVALID_UTF8,
        /** The real answer with its first name 2,000,000 characters long: above the JSON string cap, below the size cap. */
        HUGE_STRING,
        /** A JSON answer of {@link #HUGE_BODY_BYTES}, streamed (chunked) so the simulator holds none of it. */
        HUGE_BODY,
        /**
         * The real answer with every {@code name} replaced by path tricks, NUL, control characters
         * and 100,000 characters, and WeCom {@code userid}s (consistently) by {@code ../} paths.
         */
        PATH_TRICKS,
        /**
         * HTTP 200 with a {@code text/html} error page whose title and body echo personal data and
         * the request's access token (or, on a token call, the token just issued), as a debugging
         * gateway or a misconfigured WAF does: {@link #LEAKED_MOBILE}, {@link #LEAKED_EMAIL}.
         */
        LEAKY_ERROR_PAGE
    }

    /** The mobile number a {@link Hostile#LEAKY_ERROR_PAGE} shows; no simulated person has it (they are 13… and 15…). */
    public static final String LEAKED_MOBILE = "18612345678";
    /** The e-mail address a {@link Hostile#LEAKY_ERROR_PAGE} shows. */
    public static final String LEAKED_EMAIL = "li.leak@privacy-canary.example";

    /** Size of a {@link Hostile#HUGE_BODY}: far above the bundle's default cap, so reading it all would show. */
    public static final long HUGE_BODY_BYTES = 400L * 1024 * 1024;

    private static final class PathFault {
        final Kind kind;
        final String pattern; // null when the fault targets a vendor
        final Vendor vendor;
        final AtomicInteger remaining; // null = always
        final int status;
        final long delayNanos;
        Hostile hostile;

        PathFault(Kind kind, Object target, Integer count, int status, long delayNanos) {
            this.kind = kind;
            this.pattern = target instanceof Vendor ? null : (String) Objects.requireNonNull(target, "path");
            this.vendor = target instanceof Vendor v ? v : null;
            this.remaining = count == null ? null : new AtomicInteger(count);
            this.status = status;
            this.delayNanos = delayNanos;
        }

        boolean matches(String path, String endpoint, Vendor requestVendor) {
            if (vendor != null) {
                return vendor == requestVendor;
            }
            if (pattern.endsWith("*")) {
                return path.startsWith(pattern.substring(0, pattern.length() - 1));
            }
            return pattern.equals(path) || pattern.equals(endpoint);
        }

        boolean take() {
            if (remaining == null) {
                return true;
            }
            while (true) {
                int r = remaining.get();
                if (r <= 0) {
                    return false;
                }
                if (remaining.compareAndSet(r, r - 1)) {
                    return true;
                }
            }
        }
    }

    /** The last {@code limit} admitted request times of one API: admitted iff the oldest is 1 s old. */
    private static final class Window {
        private final long[] stamps;
        private int head;
        private int size;

        Window(int limit) {
            stamps = new long[limit];
        }

        /** 0 when admitted, else nanoseconds until a slot frees. */
        synchronized long tryAcquire(long now) {
            if (size < stamps.length) {
                stamps[(head + size++) % stamps.length] = now;
                return 0;
            }
            long wait = stamps[head] + TimeUnit.SECONDS.toNanos(1) - now;
            if (wait > 0) {
                return wait;
            }
            stamps[head] = now;
            head = (head + 1) % stamps.length;
            return 0;
        }
    }

    private record RateLimit(int perSecond, Map<String, Window> windows) {
    }

    /** Why a request was refused by a rate limit: the limit and when the window frees. */
    record Refusal(int limit, long waitNanos) {
        long resetSeconds() {
            return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        }
    }

    private final TokenStore tokens;
    private final List<PathFault> pathFaults = new CopyOnWriteArrayList<>();
    private final Map<Vendor, RateLimit> rateLimits = new ConcurrentHashMap<>();
    private final AtomicInteger wecomBusy = new AtomicInteger();
    private final AtomicInteger feishuInternalErrors = new AtomicInteger();
    private final AtomicInteger wecomInFlight = new AtomicInteger();
    private final AtomicLong wecomInFlightRefusals = new AtomicLong();
    private volatile int wecomInFlightCap;
    private final Set<Vendor> cycles = ConcurrentHashMap.newKeySet();
    private final Set<Vendor> orphans = ConcurrentHashMap.newKeySet();
    private final AtomicLong rejections = new AtomicLong();
    private volatile boolean feishuRecursionForbidden;
    private volatile boolean wecomDepartmentListRefused;
    private volatile boolean wecomDepartmentListTooLarge;
    private volatile boolean wecomUserSimplelistRefused;
    private volatile boolean wuhanChildListUnavailable;

    FaultInjector(TokenStore tokens) {
        this.tokens = tokens;
    }

    // ---------------------------------------------------------------- switches

    /** Every token issued so far becomes invalid: WeCom 40014, Feishu 99991663, Wuhan 100001. */
    public FaultInjector invalidateTokens() {
        tokens.revokeAll(null);
        return this;
    }

    public FaultInjector invalidateTokens(Vendor vendor) {
        tokens.revokeAll(Objects.requireNonNull(vendor));
        return this;
    }

    /**
     * After {@code calls} more business calls (token calls excluded, any vendor), every token
     * issued until then answers as expired: WeCom 42001, Feishu 99991663, Wuhan 100001. Tokens
     * fetched afterwards work.
     */
    public FaultInjector expireTokensAfterCalls(int calls) {
        tokens.expireAfterCalls(null, requireNonNegative(calls));
        return this;
    }

    /** As {@link #expireTokensAfterCalls(int)}, counting and expiring one vendor's tokens only. */
    public FaultInjector expireTokensAfterCalls(Vendor vendor, int calls) {
        tokens.expireAfterCalls(Objects.requireNonNull(vendor), requireNonNegative(calls));
        return this;
    }

    /**
     * Repeatedly, each token of one vendor app answers {@code calls} business calls and the next
     * call revokes it and is refused as invalid (WeCom 40014, Feishu 99991663, Wuhan 100001);
     * tokens fetched afterwards work for the next {@code calls}. 0: every token is refused on its
     * first use. Counts from zero again when switched on; {@link #clear()} switches it off.
     */
    public FaultInjector revokeTokensEvery(Vendor vendor, int calls) {
        tokens.revokeEvery(Objects.requireNonNull(vendor), requireNonNegative(calls));
        return this;
    }

    /** Tokens revoked by {@link #revokeTokensEvery} since it was last switched on for {@code vendor}. */
    public long tokenRevocations(Vendor vendor) {
        return tokens.revocations(Objects.requireNonNull(vendor));
    }

    /**
     * More than {@code perSecond} requests to one API path within any rolling second get the
     * vendor's rate-limit answer (WeCom errcode 45009, Feishu HTTP 429 code 99991400 with
     * x-ogw-ratelimit-* headers, Wuhan HTTP 429). Refused requests do not use up the window.
     */
    public FaultInjector rateLimit(Vendor vendor, int perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("perSecond must be at least 1: " + perSecond);
        }
        rateLimits.put(Objects.requireNonNull(vendor), new RateLimit(perSecond, new ConcurrentHashMap<>()));
        return this;
    }

    /** The next {@code count} matching requests answer {@code httpStatus} (HTML gateway page for 502/503/504). */
    public FaultInjector failNext(String path, int count, int httpStatus) {
        pathFaults.add(new PathFault(Kind.HTTP_FAIL, path, requireNonNegative(count), requireStatus(httpStatus), 0));
        return this;
    }

    public FaultInjector failAlways(String path, int httpStatus) {
        pathFaults.add(new PathFault(Kind.HTTP_FAIL, path, null, requireStatus(httpStatus), 0));
        return this;
    }

    /** As {@link #failNext(String, int, int)} for every API of one vendor app, token calls included. */
    public FaultInjector failNext(Vendor vendor, int count, int httpStatus) {
        pathFaults.add(new PathFault(Kind.HTTP_FAIL, Objects.requireNonNull(vendor), requireNonNegative(count),
                requireStatus(httpStatus), 0));
        return this;
    }

    public FaultInjector failAlways(Vendor vendor, int httpStatus) {
        pathFaults.add(new PathFault(Kind.HTTP_FAIL, Objects.requireNonNull(vendor), null, requireStatus(httpStatus), 0));
        return this;
    }

    /** The next {@code count} WeCom business calls (corporate or school) answer errcode -1, system busy. */
    public FaultInjector wecomSystemBusy(int count) {
        wecomBusy.set(requireNonNegative(count));
        return this;
    }

    /**
     * WeCom business calls (corporate or school) beyond {@code maxInFlight} at once answer errcode
     * 45033; the real cap is unpublished. Combine with {@link #slow} so that calls overlap.
     */
    public FaultInjector wecomConcurrencyCap(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
        }
        wecomInFlightCap = maxInFlight;
        return this;
    }

    /** WeCom calls answered 45033 by {@link #wecomConcurrencyCap}. */
    public long wecomInFlightRefusals() {
        return wecomInFlightRefusals.get();
    }

    /** The next {@code count} Feishu contact calls answer HTTP 400 code 40003, internal error. */
    public FaultInjector feishuInternalError(int count) {
        feishuInternalErrors.set(requireNonNegative(count));
        return this;
    }

    /** The next {@code count} matching responses are cut off halfway (HTTP 200, JSON content type). */
    public FaultInjector malformedBody(String path, int count) {
        pathFaults.add(new PathFault(Kind.MALFORMED, path, requireNonNegative(count), 200, 0));
        return this;
    }

    public FaultInjector malformedBodyAlways(String path) {
        pathFaults.add(new PathFault(Kind.MALFORMED, path, null, 200, 0));
        return this;
    }

    public FaultInjector malformedBody(Vendor vendor, int count) {
        pathFaults.add(new PathFault(Kind.MALFORMED, Objects.requireNonNull(vendor), requireNonNegative(count), 200, 0));
        return this;
    }

    /** The next {@code count} matching requests get HTTP 200 with a {@code text/html} page. */
    public FaultInjector htmlErrorPage(String path, int count) {
        pathFaults.add(new PathFault(Kind.HTML, path, requireNonNegative(count), 200, 0));
        return this;
    }

    public FaultInjector htmlErrorPageAlways(String path) {
        pathFaults.add(new PathFault(Kind.HTML, path, null, 200, 0));
        return this;
    }

    public FaultInjector htmlErrorPage(Vendor vendor, int count) {
        pathFaults.add(new PathFault(Kind.HTML, Objects.requireNonNull(vendor), requireNonNegative(count), 200, 0));
        return this;
    }

    /** Every matching request waits {@code delay} before it is answered. */
    public FaultInjector slow(String path, Duration delay) {
        pathFaults.add(new PathFault(Kind.SLOW, path, null, 200, delay.toNanos()));
        return this;
    }

    public FaultInjector slow(Vendor vendor, Duration delay) {
        pathFaults.add(new PathFault(Kind.SLOW, Objects.requireNonNull(vendor), null, 200, delay.toNanos()));
        return this;
    }

    /** The next {@code count} requests to one vendor app wait {@code delay}: a timeout that passes. */
    public FaultInjector slowNext(Vendor vendor, int count, Duration delay) {
        pathFaults.add(new PathFault(Kind.SLOW, Objects.requireNonNull(vendor), requireNonNegative(count), 200,
                delay.toNanos()));
        return this;
    }

    /** The next {@code count} answers of one vendor app are replaced or laced with a {@link Hostile} body. */
    public FaultInjector hostileBody(Vendor vendor, int count, Hostile hostile) {
        PathFault f = new PathFault(Kind.HOSTILE, Objects.requireNonNull(vendor), requireNonNegative(count), 200, 0);
        f.hostile = Objects.requireNonNull(hostile);
        pathFaults.add(f);
        return this;
    }

    /**
     * Every answer of one vendor app, token answers included; the kinds that rewrite names leave
     * an answer without names (a token answer) as it was, so the run reaches the business calls.
     */
    public FaultInjector hostileBodyAlways(Vendor vendor, Hostile hostile) {
        PathFault f = new PathFault(Kind.HOSTILE, Objects.requireNonNull(vendor), null, 200, 0);
        f.hostile = Objects.requireNonNull(hostile);
        pathFaults.add(f);
        return this;
    }

    /** As above for the matching paths. */
    public FaultInjector hostileBodyAlways(String path, Hostile hostile) {
        PathFault f = new PathFault(Kind.HOSTILE, path, null, 200, 0);
        f.hostile = Objects.requireNonNull(hostile);
        pathFaults.add(f);
        return this;
    }

    /**
     * Paging never ends: Feishu returns the same page_token with has_more=true; Wuhan returns a
     * full page and a count beyond it for every page; WeCom list_id returns the cursor it was given.
     */
    public FaultInjector repeatPageToken(String path) {
        pathFaults.add(new PathFault(Kind.REPEAT, path, null, 200, 0));
        return this;
    }

    /** As {@link #repeatPageToken(String)} on every paged API of one vendor. */
    public FaultInjector repeatPageToken(Vendor vendor) {
        pathFaults.add(new PathFault(Kind.REPEAT, Objects.requireNonNull(vendor), null, 200, 0));
        return this;
    }

    /**
     * The next {@code count} Feishu requests on {@code path} (a path or an API such as
     * {@code /open-apis/contact/v3/departments/:department_id/children}) that carry a page token
     * answer HTTP 400 code 40012, as for a token that expired while the listing was read.
     */
    public FaultInjector expirePageTokens(String path, int count) {
        pathFaults.add(new PathFault(Kind.PAGE_TOKEN_EXPIRED, path, requireNonNegative(count), 400, 0));
        return this;
    }

    /**
     * Adds two departments whose parents point at each other ({@code *_CYCLE_A}, {@code *_CYCLE_B}),
     * unreachable from the root. WeCom and Feishu list them in full-tree listings (WeCom without
     * {@code id}, Feishu {@code fetch_child=true} on "0"); Wuhan, whose child lists carry no parent
     * ids, lists A under the school and then A and B as each other's child.
     */
    public FaultInjector departmentCycle(Vendor vendor) {
        cycles.add(Objects.requireNonNull(vendor));
        return this;
    }

    /**
     * Adds a department whose parent does not exist ({@code *_ORPHAN} under {@code *_MISSING_PARENT}),
     * in the same listings as {@link #departmentCycle}. For Wuhan the orphan is an org node on the
     * first student's {@code user_org} that no child list contains and get-org-info does not know.
     */
    public FaultInjector orphanDepartment(Vendor vendor) {
        orphans.add(Objects.requireNonNull(vendor));
        return this;
    }

    /** Feishu {@code children} with {@code fetch_child=true} answers HTTP 400 code 43010. */
    public FaultInjector feishuRecursionForbidden() {
        feishuRecursionForbidden = true;
        return this;
    }

    /** WeCom {@code department/list} and {@code user/list} answer 48009 (contact-sync secret from a new IP). */
    public FaultInjector wecomDepartmentListRefused() {
        wecomDepartmentListRefused = true;
        return this;
    }

    /** WeCom {@code department/list} answers 45029: the tree is too large for one answer. */
    public FaultInjector wecomDepartmentListTooLarge() {
        wecomDepartmentListTooLarge = true;
        return this;
    }

    /**
     * WeCom {@code user/simplelist} answers 48009 as well, as it may for a contact-sync secret on a
     * new IP; only the id APIs ({@code department/simplelist}, {@code department/get},
     * {@code user/list_id}) still answer.
     */
    public FaultInjector wecomUserSimplelistRefused() {
        wecomUserSimplelistRefused = true;
        return this;
    }

    /** Wuhan {@code get-child-list} answers code 100001 (not available for this app). */
    public FaultInjector wuhanChildListUnavailable() {
        wuhanChildListUnavailable = true;
        return this;
    }

    public FaultInjector clear() {
        pathFaults.clear();
        rateLimits.clear();
        wecomBusy.set(0);
        feishuInternalErrors.set(0);
        wecomInFlightCap = 0;
        cycles.clear();
        orphans.clear();
        feishuRecursionForbidden = false;
        wecomDepartmentListRefused = false;
        wecomDepartmentListTooLarge = false;
        wecomUserSimplelistRefused = false;
        wuhanChildListUnavailable = false;
        tokens.cancelCountdown();
        tokens.stopRevoking();
        return this;
    }

    /** Requests refused by {@link #rateLimit} since start or the last counter reset. */
    public long rejections() {
        return rejections.get();
    }

    // ---------------------------------------------------------------- queries for the server

    void resetRejections() {
        rejections.set(0);
    }

    /** HTTP status of a matching failure fault, consuming one count, or 0. */
    int takeHttpFailure(String path, String endpoint, Vendor vendor) {
        PathFault f = take(Kind.HTTP_FAIL, path, endpoint, vendor);
        return f == null ? 0 : f.status;
    }

    long delayNanos(String path, String endpoint, Vendor vendor) {
        long delay = 0;
        for (PathFault f : pathFaults) {
            if (f.kind == Kind.SLOW && f.matches(path, endpoint, vendor) && f.take()) {
                delay = Math.max(delay, f.delayNanos);
            }
        }
        return delay;
    }

    boolean takeHtml(String path, String endpoint, Vendor vendor) {
        return take(Kind.HTML, path, endpoint, vendor) != null;
    }

    boolean takeMalformed(String path, String endpoint, Vendor vendor) {
        return take(Kind.MALFORMED, path, endpoint, vendor) != null;
    }

    Hostile takeHostile(String path, String endpoint, Vendor vendor) {
        PathFault f = take(Kind.HOSTILE, path, endpoint, vendor);
        return f == null ? null : f.hostile;
    }

    boolean pageTokenExpired(SimRequest r, Vendor vendor) {
        return take(Kind.PAGE_TOKEN_EXPIRED, r.path, r.endpoint, vendor) != null;
    }

    boolean repeats(SimRequest r, Vendor vendor) {
        return take(Kind.REPEAT, r.path, r.endpoint, vendor) != null;
    }

    /** Null when admitted, else why not; refusals are counted. */
    Refusal admit(Vendor vendor, String endpoint, long nanoNow) {
        RateLimit limit = vendor == null ? null : rateLimits.get(vendor);
        if (limit == null) {
            return null;
        }
        long wait = limit.windows().computeIfAbsent(endpoint, k -> new Window(limit.perSecond())).tryAcquire(nanoNow);
        if (wait == 0) {
            return null;
        }
        rejections.incrementAndGet();
        return new Refusal(limit.perSecond(), wait);
    }

    boolean takeWecomBusy() {
        return takeOne(wecomBusy);
    }

    /** Counts a WeCom business call in; true when it is one more than the cap allows. */
    boolean enterWecomCall(Vendor vendor, String path) {
        if (!isWecomBusinessCall(vendor, path)) {
            return false;
        }
        int cap = wecomInFlightCap;
        boolean tooMany = wecomInFlight.incrementAndGet() > cap && cap > 0;
        if (tooMany) {
            wecomInFlightRefusals.incrementAndGet();
        }
        return tooMany;
    }

    void exitWecomCall(Vendor vendor, String path) {
        if (isWecomBusinessCall(vendor, path)) {
            wecomInFlight.decrementAndGet();
        }
    }

    private static boolean isWecomBusinessCall(Vendor vendor, String path) {
        return (vendor == Vendor.WECOM || vendor == Vendor.WECOM_SCHOOL) && !path.equals(WecomApi.GETTOKEN);
    }

    boolean takeFeishuInternalError() {
        return takeOne(feishuInternalErrors);
    }

    private static boolean takeOne(AtomicInteger remaining) {
        while (true) {
            int r = remaining.get();
            if (r <= 0) {
                return false;
            }
            if (remaining.compareAndSet(r, r - 1)) {
                return true;
            }
        }
    }

    boolean cycle(Vendor vendor) {
        return cycles.contains(vendor);
    }

    boolean orphan(Vendor vendor) {
        return orphans.contains(vendor);
    }

    boolean feishuRecursionForbiddenOn() {
        return feishuRecursionForbidden;
    }

    boolean wecomDepartmentListRefusedOn() {
        return wecomDepartmentListRefused;
    }

    boolean wecomDepartmentListTooLargeOn() {
        return wecomDepartmentListTooLarge;
    }

    boolean wecomUserSimplelistRefusedOn() {
        return wecomUserSimplelistRefused;
    }

    boolean wuhanChildListUnavailableOn() {
        return wuhanChildListUnavailable;
    }

    private PathFault take(Kind kind, String path, String endpoint, Vendor vendor) {
        for (PathFault f : pathFaults) {
            if (f.kind == kind && f.matches(path, endpoint, vendor) && f.take()) {
                return f;
            }
        }
        return null;
    }

    private static int requireNonNegative(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("count must not be negative: " + n);
        }
        return n;
    }

    private static int requireStatus(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        return status;
    }
}
