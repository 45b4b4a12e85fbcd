package io.orgsync.vendor;

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
 * <p>Within the second, requests leave evenly spaced, 1/(perSecond − c) s apart for c requests in
 * flight (at least 1): a stall on the way to the vendor (a busy machine, the network) can land up
 * to c of them at once, and the c slots of every second left unused absorb that, so the vendor's
 * second still never sees more than perSecond. Bursts would give that slack away. It costs c/perSecond
 * of the per-second rate, and nothing where the per-minute limit is the tighter one (Feishu).
 *
 * <p>Over the minute, a sliding log of the last perMinute slots: a token bucket honouring both
 * limits must trade burst against sustained rate (capacity c and refill r admit c + r·60 s per
 * minute, so capacity 1 holds a run at perMinute/60 per second from its first call), while the
 * log admits what the vendor's window admits — Feishu's 1,000 calls at 50/s, then the rest of the
 * minute idle — the fastest schedule there is.
 *
 * <p>Each caller reserves its slot under the lock and waits outside it, so parallel fetchers
 * queue in order and none of them holds the others up while sleeping.
 *
 * <p>A caller that wakes late (a busy machine) must not leave right on the heels of the one after
 * it, so departures are checked too: no rolling second holds more than perSecond − c of them, a
 * sliding log like the minute's. Requiring the interval after the previous departure instead
 * would add every late wake-up to all the requests after it: a 100,000-member WeCom run on two
 * busy cores left at 91 a second against a spacing of 95.
 */
public final class RequestPacer {

    /** Slack on the minute's window, for the same reason as the spacing within the second. */
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
        // rounded up: rounded down, perSecond - c slots spanned a few nanoseconds under a second
        this.interval = -Math.floorDiv(-SECOND, Math.max(1, perSecond - concurrency));
        this.nanoClock = nanoClock;
    }

    /** The requests in flight at once that the spacing leaves slack for. */
    public int concurrency() {
        return concurrency;
    }

    public void acquire(String path) throws InterruptedException {
        Window window = window(path);
        long wait = window.reserve(nanoClock.getAsLong()) - nanoClock.getAsLong();
        while (true) {
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            wait = window.depart(nanoClock.getAsLong());
            if (wait <= 0) {
                return;
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

    /** 0 when a request on {@code path} may leave now (recorded as left), else how much longer to wait. */
    long depart(String path) {
        return window(path).depart(nanoClock.getAsLong());
    }

    private Window window(String path) {
        return windows.computeIfAbsent(path, p -> new Window(interval, Math.max(1, perSecond - concurrency),
                // the minute's log only matters where it is tighter than 60 full seconds
                (long) perSecond * 60 > perMinute ? perMinute : 0));
    }

    /** The slots handed out on one API: the next even slot, and a ring of the minute's last perMinute. */
    private static final class Window {

        private final long interval;
        private final long[] minute;
        /** The last departures, perSecond − c of them: the oldest must be a second old before the next leaves. */
        private final long[] departures;
        private long count;
        private long departed;
        private long next = Long.MIN_VALUE;
        private long pausedUntil = Long.MIN_VALUE;

        Window(long interval, int departuresPerSecond, int perMinute) {
            this.interval = interval;
            this.departures = new long[departuresPerSecond];
            this.minute = perMinute > 0 ? new long[perMinute] : null;
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

        /** 0 when a caller may leave now (recorded), else how much longer it must wait. */
        synchronized long depart(long now) {
            int slot = (int) (departed % departures.length);
            if (departed >= departures.length && now < departures[slot] + SECOND) {
                return departures[slot] + SECOND - now;
            }
            departures[slot] = now;
            departed++;
            return 0;
        }

        synchronized void pauseUntil(long until) {
            pausedUntil = Math.max(pausedUntil, until);
        }
    }
}
