package io.orgsync.source;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** The slots the pacer hands out, on a clock the test moves: no sleeping, no timing. */
class RequestPacerTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long MILLI = 1_000_000L;

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

        assertThat(most(slots, SECOND)).isLessThanOrEqualTo(100);
        assertThat(slots.get(999)).isLessThan(10 * SECOND);
    }

    @Test
    void eachApiHasItsOwnWindowsAndARateLimitAnswerHoldsEveryCallerOfThatApi() {
        RequestPacer pacer = new RequestPacer(2, 120, 1, now::get);
        assertThat(pacer.reserve("/a")).isZero();
        assertThat(pacer.reserve("/b")).as("another API is not held up").isZero();

        pacer.pause("/b", Duration.ofSeconds(5));

        assertThat(pacer.reserve("/b")).isEqualTo(5 * SECOND);
        assertThat(pacer.reserve("/a")).isEqualTo(SECOND / 2);
    }

    @Test
    void noSecondTheVendorCanCountHoldsMoreThanTheLimitWhateverTheRoundTrips() {
        // mostly quick, some instant, some slow enough to span the vendor's second
        LongUnaryOperator mixed = i -> i % 17 == 0 ? 0 : i % 29 == 0 ? 700 * MILLI : i % 7 == 0 ? 90 * MILLI : 10 * MILLI;

        List<long[]> wecom = send(new RequestPacer(100, 10_000, 5, now::get), "/cgi-bin/user/list", 1500, 5, mixed);
        assertThat(mostInReach(wecom)).isLessThanOrEqualTo(100);

        // more callers than the second allows, every one of them slow: only answers free a place
        now.set(0);
        List<long[]> crowded = send(new RequestPacer(12, 720, 20, now::get), "/users", 200, 20, i -> 1300 * MILLI + i * MILLI);
        assertThat(mostInReach(crowded)).isLessThanOrEqualTo(12);
    }

    @Test
    void feishuNeverLetsAMinuteCountMoreThanItsLimitThoughRequestsLeaveLaterThanTheirSlots() {
        // round trips long enough that the second, not the slots, decides when requests leave
        LongUnaryOperator slow = i -> i % 3 == 0 ? 150 * MILLI : i % 11 == 0 ? 900 * MILLI : 40 * MILLI;

        List<long[]> sent = send(new RequestPacer(50, 1000, 5, now::get), "/open-apis/contact/v3/users", 2500, 5, slow);

        assertThat(mostInReach(sent, SECOND)).isLessThanOrEqualTo(50);
        assertThat(mostInReach(sent, 60 * SECOND)).isLessThanOrEqualTo(1000);
        // still the whole minute's budget each minute: the third minute's 500 end within its first 15 s
        assertThat(sent.get(2499)[0]).isLessThan(135 * SECOND);
    }

    @Test
    void quickRoundTripsKeepNearlyTheWholeRate() {
        List<long[]> sent = send(new RequestPacer(100, 10_000, 5, now::get), "/cgi-bin/user/list", 1000, 5, i -> 20 * MILLI);

        assertThat(mostInReach(sent)).isLessThanOrEqualTo(100);
        // 100 per 1.02 s; keeping 5 of every 100 slots free for the requests in flight took 10.5 s
        assertThat(sent.get(999)[0]).isLessThan(10_300 * MILLI);
    }

    @Test
    void callersWakingLateMayLeaveTogetherYetTheVendorNeverCountsTooMany() {
        RequestPacer pacer = new RequestPacer(100, 10_000, 5, now::get);
        for (int i = 0; i < 300; i++) {
            pacer.reserve("/cgi-bin/user/list");
        }
        // every caller held up past its slot: they leave at once, as many as the second allows
        now.addAndGet(5 * SECOND);
        int leftAtOnce = 0;
        while (leftAtOnce < 1000 && pacer.depart("/cgi-bin/user/list") == 0) {
            leftAtOnce++;
        }
        assertThat(leftAtOnce).isEqualTo(100);

        // answered now, they hold the second for one second more
        for (int i = 0; i < 100; i++) {
            pacer.answered("/cgi-bin/user/list");
        }
        assertThat(pacer.depart("/cgi-bin/user/list")).isEqualTo(SECOND + 1);
        now.addAndGet(SECOND + 1);
        assertThat(pacer.depart("/cgi-bin/user/list")).isZero();
    }

    /**
     * {@code callers} callers sending {@code count} requests as fast as the pacer lets them, the
     * answer to request i coming {@code roundTrip(i)} after it left: each request's [left, answered].
     */
    private List<long[]> send(RequestPacer pacer, String path, int count, int callers, LongUnaryOperator roundTrip) {
        PriorityQueue<long[]> inFlight = new PriorityQueue<>(Comparator.comparingLong((long[] r) -> r[1]));
        List<long[]> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            while (inFlight.size() >= callers) {
                answerNext(pacer, path, inFlight);
            }
            advance(pacer, path, inFlight, pacer.reserve(path));
            long wait;
            while ((wait = pacer.depart(path)) > 0) {
                advance(pacer, path, inFlight, now.get() + wait);
            }
            long[] request = {now.get(), now.get() + roundTrip.applyAsLong(i)};
            inFlight.add(request);
            sent.add(request);
        }
        while (!inFlight.isEmpty()) {
            answerNext(pacer, path, inFlight);
        }
        return sent;
    }

    /** Moves the clock to {@code to}, the answers due by then coming in on the way. */
    private void advance(RequestPacer pacer, String path, PriorityQueue<long[]> inFlight, long to) {
        while (!inFlight.isEmpty() && inFlight.peek()[1] <= to) {
            answerNext(pacer, path, inFlight);
        }
        now.set(Math.max(now.get(), to));
    }

    private void answerNext(RequestPacer pacer, String path, PriorityQueue<long[]> inFlight) {
        now.set(Math.max(now.get(), inFlight.poll()[1]));
        pacer.answered(path);
    }

    /**
     * The most requests any one vendor second could count, however the network delayed each: a
     * request may arrive anywhere between leaving and its answer, so the second [a, a + 1 s) can
     * hold every request that left before its end and was answered after its start.
     */
    private static int mostInReach(List<long[]> requests) {
        return mostInReach(requests, SECOND);
    }

    /** As {@link #mostInReach(List)}, for a vendor window of {@code window} nanoseconds. */
    private static int mostInReach(List<long[]> requests, long window) {
        int most = 0;
        for (long[] opening : requests) {
            long a = opening[1];
            int reach = 0;
            for (long[] r : requests) {
                if (r[0] < a + window && r[1] >= a) {
                    reach++;
                }
            }
            most = Math.max(most, reach);
        }
        return most;
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
