package io.orgsync.source;

import io.orgsync.config.SourceName;
import io.orgsync.run.RunContext;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How many requests a client keeps in flight: the pace times the round trip, and two more, within
 * the ceiling; and how the client's permits follow the measured round trip and WeCom's 45033. The
 * round trips are numbers handed in: nothing here sleeps or measures.
 */
class InFlightSizingTest {

    private static final long MILLI = 1_000_000L;

    @Test
    void theRateTimesTheRoundTripAndTwoMore() {
        // WeCom's 100 a second: a loopback answer, the benchmark's 40 and 100 ms, a slow 200 ms vendor
        assertThat(InFlightSizing.permits(100, 1 * MILLI, 32)).isEqualTo(3);
        assertThat(InFlightSizing.permits(100, 40 * MILLI, 32)).isEqualTo(6);
        assertThat(InFlightSizing.permits(100, 100 * MILLI, 32)).isEqualTo(12);
        assertThat(InFlightSizing.permits(100, 200 * MILLI, 32)).isEqualTo(22);
        // a part of a request is a whole one
        assertThat(InFlightSizing.permits(100, 41 * MILLI, 32)).isEqualTo(7);
        // Feishu's 50 a second over 200 ms
        assertThat(InFlightSizing.permits(50, 200 * MILLI, 16)).isEqualTo(12);
    }

    @Test
    void neverAboveTheCeilingNorBelowOne() {
        assertThat(InFlightSizing.permits(100, 140 * MILLI, 16)).as("the default ceiling's last round trip")
                .isEqualTo(16);
        assertThat(InFlightSizing.permits(100, 141 * MILLI, 16)).isEqualTo(16);
        assertThat(InFlightSizing.permits(50, 5_000 * MILLI, 16)).isEqualTo(16);
        assertThat(InFlightSizing.permits(100, 0, 32)).as("before the first answer").isEqualTo(2);
        assertThat(InFlightSizing.permits(100, 0, 1)).isEqualTo(1);
        assertThat(InFlightSizing.permits(20, 500 * MILLI, 1)).as("Wuhan: one at a time, however far").isEqualTo(1);
        // a lifted rate over a long round trip is far past any int, and still the ceiling
        assertThat(InFlightSizing.permits(100_000, 60_000 * MILLI, 64)).isEqualTo(64);
        assertThat(InFlightSizing.permits(100_000, 30_000_000 * MILLI, Integer.MAX_VALUE))
                .isEqualTo(Integer.MAX_VALUE);
        assertThatThrownBy(() -> InFlightSizing.permits(0, MILLI, 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InFlightSizing.permits(100, MILLI, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefaultCeilingsKeepThePaceBeyondAHundredMilliseconds() {
        for (SourceName source : SourceName.values()) {
            int ceiling = source.definition().defaultConcurrency();
            int perSecond = source.definition().defaultPerSecond();
            assertThat(InFlightSizing.permits(perSecond, 100 * MILLI, Integer.MAX_VALUE)).as(source.id())
                    .isLessThan(ceiling);
            assertThat(InFlightSizing.permits(perSecond, 140 * MILLI, Integer.MAX_VALUE)).as(source.id())
                    .isLessThanOrEqualTo(ceiling);
        }
    }

    @Test
    void theAverageStartsAtTheFirstRoundTripAndMovesAnEighthTowardsEachNext() {
        InFlightSizing roundTrip = new InFlightSizing();
        assertThat(roundTrip.average()).isZero();

        assertThat(roundTrip.sample(40 * MILLI)).isEqualTo(40.0 * MILLI);
        assertThat(roundTrip.sample(120 * MILLI)).isEqualTo(50.0 * MILLI);
        assertThat(roundTrip.average()).isEqualTo(50.0 * MILLI);
    }

    @Test
    void oneSlowAnswerMovesThePermitsLittleAndALastingChangeMovesThemAll() {
        InFlight inFlight = new InFlight("wecom", 32, 100);
        RunContext run = run();
        assertThat(inFlight.permits()).as("before any answer").isEqualTo(2);
        assertThat(inFlight.availablePermits()).isEqualTo(2);

        inFlight.answered(run, 40 * MILLI);
        assertThat(inFlight.permits()).isEqualTo(6);
        inFlight.answered(run, 400 * MILLI);
        assertThat(inFlight.permits()).as("one answer of 400 ms among 40s: 85 ms on average").isEqualTo(11);
        // the average only nears a lasting round trip: these keep clear of a whole request's edge
        for (int i = 0; i < 60; i++) {
            inFlight.answered(run, 45 * MILLI);
        }
        assertThat(inFlight.permits()).isEqualTo(7);

        for (int i = 0; i < 60; i++) {
            inFlight.answered(run, 195 * MILLI);
        }
        assertThat(inFlight.permits()).isEqualTo(22);
        assertThat(inFlight.availablePermits()).isEqualTo(22);
        for (int i = 0; i < 60; i++) {
            inFlight.answered(run, 2_000 * MILLI);
        }
        assertThat(inFlight.permits()).as("the ceiling").isEqualTo(32);
    }

    @Test
    void permitsTakenWhenTheNumberFallsStayTakenUntilTheyComeBack() throws InterruptedException {
        InFlight inFlight = new InFlight("wecom", 32, 100);
        RunContext run = run();
        inFlight.answered(run, 100 * MILLI);
        assertThat(inFlight.permits()).isEqualTo(12);
        for (int i = 0; i < 12; i++) {
            inFlight.acquire(run);
        }

        for (int i = 0; i < 60; i++) {
            inFlight.answered(run, 1 * MILLI);
        }

        assertThat(inFlight.permits()).isEqualTo(3);
        assertThat(inFlight.availablePermits()).as("12 in flight where 3 may be: 9 must come back first")
                .isEqualTo(-9);
        inFlight.release(12);
        assertThat(inFlight.availablePermits()).isEqualTo(3);
    }

    @Test
    void a45033TakesOnePermitFromThoseThereAreForTheRestOfTheRunWhateverTheRoundTrip()
            throws InterruptedException {
        InFlight inFlight = new InFlight("wecom", 32, 100);
        RunContext first = run();
        inFlight.answered(first, 100 * MILLI);
        assertThat(inFlight.permits()).isEqualTo(12);

        int generation = inFlight.generation();
        inFlight.lower(first, generation);
        assertThat(inFlight.permits()).isEqualTo(11);
        inFlight.lower(first, generation);
        assertThat(inFlight.permits()).as("a call sent under the old limit lowers nothing more").isEqualTo(11);
        inFlight.lower(first, inFlight.generation());
        assertThat(inFlight.permits()).isEqualTo(10);
        for (int i = 0; i < 60; i++) {
            inFlight.answered(first, 200 * MILLI);
        }
        assertThat(inFlight.permits()).as("a slower vendor does not raise what it refused").isEqualTo(10);
        for (int i = 0; i < 60; i++) {
            inFlight.answered(first, 15 * MILLI);
        }
        assertThat(inFlight.permits()).as("a nearer one may still lower it").isEqualTo(4);

        RunContext next = run();
        inFlight.acquire(next);
        inFlight.release();
        assertThat(inFlight.permits()).as("the next run sizes from the round trip again").isEqualTo(4);
        for (int i = 0; i < 60; i++) {
            inFlight.answered(next, 195 * MILLI);
        }
        assertThat(inFlight.permits()).isEqualTo(22);
        assertThat(inFlight.availablePermits()).isEqualTo(22);
    }

    @Test
    void a45033NeverLowersBelowOne() {
        InFlight inFlight = new InFlight("wecom", 2, 100);
        RunContext run = run();
        inFlight.answered(run, 100 * MILLI);
        assertThat(inFlight.permits()).isEqualTo(2);

        inFlight.lower(run, inFlight.generation());
        inFlight.lower(run, inFlight.generation());
        inFlight.lower(run, inFlight.generation());

        assertThat(inFlight.permits()).isEqualTo(1);
        assertThat(inFlight.availablePermits()).isEqualTo(1);
    }

    private static RunContext run() {
        return new RunContext("wecom", "ww1", Instant.now());
    }
}
