package io.orgsync.vendor;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The slots the pacer hands out, on a clock the test moves: no sleeping, no timing. */
class RequestPacerTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong();

    @Test
    void feishuGetsItsWholeMinuteBudgetAtTheBurstRateAndNeverMoreThanEitherWindowAllows() {
        RequestPacer pacer = new RequestPacer(50, 1000, 5, now::get);

        List<Long> slots = reserveAll(pacer, "/users", 2500);

        assertThat(most(slots, SECOND)).isLessThanOrEqualTo(50);
        assertThat(most(slots, 60 * SECOND)).isLessThanOrEqualTo(1000);
        // the first minute's 1,000 go out at the burst rate, not at the 1000/60 per second a bucket of capacity 1 allows
        assertThat(slots.get(999)).isLessThan(23 * SECOND);
        assertThat(slots.get(1000)).isGreaterThanOrEqualTo(60 * SECOND);
        // and a long run keeps the full per-minute rate: 2,500 calls within two minutes and twelve seconds
        assertThat(slots.get(2499)).isLessThan(132 * SECOND);
    }

    @Test
    void whereTheMinuteAllowsMoreThanSixtySecondsOnlyThePerSecondLimitPaces() {
        RequestPacer pacer = new RequestPacer(100, 10_000, 5, now::get);

        List<Long> slots = reserveAll(pacer, "/cgi-bin/user/list", 1000);

        // five slots of every second kept free for five requests in flight
        assertThat(most(slots, SECOND)).isLessThanOrEqualTo(96);
        assertThat(slots.get(999)).isLessThan(11 * SECOND);
    }

    @Test
    void eachApiHasItsOwnWindowsAndARateLimitAnswerHoldsEveryCallerOfThatApi() {
        RequestPacer pacer = new RequestPacer(2, 120, 1, now::get);
        assertThat(pacer.reserve("/a")).isZero();
        assertThat(pacer.reserve("/b")).as("another API is not held up").isZero();

        pacer.pause("/b", Duration.ofSeconds(5));

        assertThat(pacer.reserve("/b")).isEqualTo(5 * SECOND);
        assertThat(pacer.reserve("/a")).isEqualTo(SECOND);
    }

    @Test
    void callersWakingLateDoNotDelayEveryoneAfterThemYetNeverCrowdASecond() {
        RequestPacer pacer = new RequestPacer(100, 10_000, 5, now::get);
        long late = 500_000; // half a millisecond, a busy machine's wake-up
        List<Long> departures = new ArrayList<>();
        for (int i = 0; i < 950; i++) {
            long slot = pacer.reserve("/cgi-bin/user/list");
            now.set(Math.max(now.get(), slot + late));
            assertThat(pacer.depart("/cgi-bin/user/list")).as("request %d, woken late, leaves at once", i).isZero();
            departures.add(now.get());
        }
        // had each departure waited the interval after the one before, lateness would add up to 0.475 s
        assertThat(departures.get(949)).isLessThan(10 * SECOND + 2 * late);

        // callers all held up past their slots leave no more than 100 - 5 in any second
        for (int i = 0; i < 300; i++) {
            pacer.reserve("/cgi-bin/user/list");
        }
        now.addAndGet(5 * SECOND);
        for (int i = 0; i < 300; i++) {
            long wait;
            while ((wait = pacer.depart("/cgi-bin/user/list")) > 0) {
                now.addAndGet(wait);
            }
            departures.add(now.get());
        }
        assertThat(most(departures, SECOND)).isLessThanOrEqualTo(95);
    }

    /** Callers that send the moment their slot comes, as fast as the pacer lets them. */
    private List<Long> reserveAll(RequestPacer pacer, String path, int count) {
        List<Long> slots = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long slot = pacer.reserve(path);
            now.set(Math.max(now.get(), slot));
            slots.add(slot);
        }
        return slots;
    }

    private static int most(List<Long> sorted, long window) {
        int most = 0;
        int first = 0;
        for (int last = 0; last < sorted.size(); last++) {
            while (sorted.get(last) - sorted.get(first) >= window) {
                first++;
            }
            most = Math.max(most, last - first + 1);
        }
        return most;
    }
}
