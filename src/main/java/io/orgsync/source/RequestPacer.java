package io.orgsync.source;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Keeps requests under the vendor's documented limits, which apply per API: per path, no rolling
 * second holds more than {@code perSecond} requests and no rolling minute more than
 * {@code perMinute}.
 *
 * <p>The vendor counts a request when it arrives, somewhere between leaving here and its answer
 * coming back. So a request may leave only while fewer than perSecond others could fall into
 * the vendor's second with it: those still in flight, and those answered within the last
 * second. That holds for every second the vendor can count in, however the network delays
 * each request: take the last request to leave among those that reach such a second; every
 * other one left before it and was answered after the second began, less than a second before
 * it left, so it was counted when it left. A round trip of r seconds so costs r/(1 + r) of the
 * rate, 2 % for WeCom's 20 ms, where keeping one place of the second free per request that may
 * be in flight would cost the whole ceiling's share (16 of 100) at any round trip. Requests that
 * wake late may leave together; the rule above still counts each of them.
 *
 * <p>Within the second, requests are spaced 1/perSecond s apart rather than sent as a burst.
 *
 * <p>Over the minute, a sliding log of the last perMinute slots schedules the callers, and the
 * same rule as the second's, over the last minute, decides when each may leave: a token bucket
 * honouring both limits must trade burst against sustained rate (capacity c and refill r admit c + r·60 s per
 * minute, so capacity 1 holds a run at perMinute/60 per second from its first call), while the
 * log admits what the vendor's window admits — Feishu's 1,000 calls at 50/s, then the rest of the
 * minute idle — the fastest schedule there is.
 *
 * <p>Each caller reserves its slot under the lock and waits outside it, so parallel fetchers
 * queue in order and none of them holds the others up while sleeping.
 */
public final class RequestPacer {

    /**
     * The minute's slots keep this much more than a minute apart, about a round trip: the caller
     * a minute later then rarely wakes before the minute's answers let it leave.
     */
    static final long MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final int perSecond;
    private final int perMinute;
    private final int concurrency;
    private final long interval;
    private final LongSupplier nanoClock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public RequestPacer(int perSecond, int perMinute, int concurrency) {
        this(perSecond, perMinute, concurrency, System::nanoTime);
    }

    RequestPacer(int perSecond, int perMinute, int concurrency, LongSupplier nanoClock) {
        if (perSecond < 1 || perMinute < 1 || concurrency < 1) {
            throw new IllegalArgumentException("rates and concurrency must be positive");
        }
        this.perSecond = perSecond;
        this.perMinute = perMinute;
        this.concurrency = concurrency;
        // rounded up: rounded down, perSecond slots spanned a few nanoseconds under a second
        this.interval = -Math.floorDiv(-SECOND, perSecond);
        this.nanoClock = nanoClock;
    }

    /**
     * The most requests in flight at once that callers allow for ({@code orgsync.<source>.concurrency}):
     * a ceiling; the client keeps as many in flight as this pace fills over the round trip.
     */
    public int concurrency() {
        return concurrency;
    }

    /** The per-second limit, per API: the pace the client sizes its requests in flight to. */
    public int perSecond() {
        return perSecond;
    }

    /**
     * Waits until a request on {@code path} may leave. The caller closes what it gets once the
     * request's answer is in (or it failed): until then the request counts as in flight.
     */
    public Departure acquire(String path) throws InterruptedException {
        Window window = window(path);
        long wait = window.reserve(nanoClock.getAsLong()) - nanoClock.getAsLong();
        while (true) {
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            wait = window.depart(nanoClock.getAsLong());
            if (wait <= 0) {
                return new Departure(window);
            }
        }
    }

    /** One request that left: in flight until closed. */
    public final class Departure implements AutoCloseable {

        private final Window window;
        private boolean answered;

        private Departure(Window window) {
            this.window = window;
        }

        /** The answer is in, or the request failed: from now on it counts for one more second (and minute). */
        @Override
        public void close() {
            if (!answered) {
                answered = true;
                window.answered(nanoClock.getAsLong());
            }
        }
    }

    /**
     * The vendor refused a request on {@code path} for its rate: no new request to it leaves
     * before {@code wait} has passed, whichever thread sends it. Requests already on their way
     * may still be refused; each of them waits out its own answer.
     */
    public void pause(String path, Duration wait) {
        window(path).pauseUntil(nanoClock.getAsLong() + wait.toNanos());
    }

    /** The time (in {@code nanoClock}'s terms) at which the next request on {@code path} may leave. */
    long reserve(String path) {
        return window(path).reserve(nanoClock.getAsLong());
    }

    /** 0 when a request on {@code path} may leave now (recorded as in flight), else how much longer to wait. */
    long depart(String path) {
        return window(path).depart(nanoClock.getAsLong());
    }

    /** A request on {@code path} that left was answered now. */
    void answered(String path) {
        window(path).answered(nanoClock.getAsLong());
    }

    private Window window(String path) {
        return windows.computeIfAbsent(path, p -> new Window(interval, perSecond,
                // the minute's log only matters where it is tighter than 60 full seconds
                (long) perSecond * 60 > perMinute ? perMinute : 0));
    }

    /**
     * The slots handed out on one API (the next even slot, and a ring of the minute's last
     * perMinute), and what the vendor may still count: the requests in flight, and the answers
     * of the last second and, where the minute is the tighter limit, of the last minute.
     */
    private static final class Window {

        private final long interval;
        private final long[] minute;
        private final Reach second;
        private final Reach lastMinute;
        private int inFlight;
        private long count;
        private long next = Long.MIN_VALUE;
        private long pausedUntil = Long.MIN_VALUE;

        Window(long interval, int perSecond, int perMinute) {
            this.interval = interval;
            this.minute = perMinute > 0 ? new long[perMinute] : null;
            this.second = new Reach(perSecond, SECOND);
            // the slots above keep a minute apart by when they were handed out; a request may leave
            // later than its slot (the second full), so whether it may leave is decided like the second's
            this.lastMinute = perMinute > 0 ? new Reach(perMinute, MINUTE) : null;
        }

        synchronized long reserve(long now) {
            long at = Math.max(now, Math.max(next, pausedUntil));
            if (minute != null) {
                // slot count % n holds the request n before this one: the oldest that could share its minute
                int slot = (int) (count % minute.length);
                if (count >= minute.length) {
                    at = Math.max(at, minute[slot] + MINUTE + MARGIN_NANOS);
                }
                minute[slot] = at;
            }
            count++;
            next = at + interval;
            return at;
        }

        /** 0 when a caller may leave now (recorded as in flight), else how much longer it must wait. */
        synchronized long depart(long now) {
            long wait = second.untilRoom(now, inFlight);
            if (lastMinute != null) {
                wait = Math.max(wait, lastMinute.untilRoom(now, inFlight));
            }
            if (wait > 0) {
                return wait;
            }
            inFlight++;
            return 0;
        }

        synchronized void answered(long now) {
            inFlight--;
            second.answered(now);
            if (lastMinute != null) {
                lastMinute.answered(now);
            }
        }

        synchronized void pauseUntil(long until) {
            pausedUntil = Math.max(pausedUntil, until);
        }
    }

    /**
     * The answer times of one window (a second or a minute) in the order they came: at most
     * {@code limit} of them, since an older one can no longer decide anything. The ring grows as
     * answers come, so a large per-minute limit costs memory only when it is used.
     */
    private static final class Reach {

        /** How soon a caller looks again when only requests in flight (no answer times) hold it. */
        private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

        private final int limit;
        private final long span;
        private long[] answers = new long[16];
        private int oldest;
        private int size;

        Reach(int limit, long span) {
            this.limit = limit;
            this.span = span;
        }

        /** 0 when one more request, with {@code inFlight} on their way, stays within the limit; else how long until it does. */
        long untilRoom(long now, int inFlight) {
            while (size > 0 && answers[oldest] < now - span) {
                oldest = (oldest + 1) % answers.length;
                size--;
            }
            int excess = inFlight + size + 1 - limit;
            if (excess <= 0) {
                return 0;
            }
            if (excess > size) {
                // requests in flight alone fill the window: only an answer can free a place
                return RECHECK_NANOS;
            }
            // the excess-th oldest answer must leave the window first
            return answers[(oldest + excess - 1) % answers.length] + span + 1 - now;
        }

        void answered(long now) {
            if (size > 0) {
                // callers read the clock before taking the lock: keep the ring in time order, erring late
                now = Math.max(now, answers[(oldest + size - 1) % answers.length]);
            }
            if (size == limit) {
                oldest = (oldest + 1) % answers.length;
                size--;
            } else if (size == answers.length) {
                long[] grown = new long[(int) Math.min(limit, 2L * answers.length)];
                for (int i = 0; i < size; i++) {
                    grown[i] = answers[(oldest + i) % answers.length];
                }
                answers = grown;
                oldest = 0;
            }
            answers[(oldest + size) % answers.length] = now;
            size++;
        }
    }
}
