package io.orgsync.source;

import io.orgsync.source.TokenCache.Lease;
import io.orgsync.source.TokenCache.Refusal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The token policy: one refresh per refused token, and a permission problem only for a fresh token refused. */
class TokenCacheTest {

    private static final Instant NOW = Instant.parse("2026-11-21T02:00:00Z");

    private final AtomicInteger fetches = new AtomicInteger();
    /** Tokens {@code t1}, {@code t2}, ... valid for two hours, counted. */
    private final Supplier<AccessToken> vendor = () ->
            new AccessToken("t" + fetches.incrementAndGet(), NOW.plus(Duration.ofHours(2)));
    private final TokenCache cache = new TokenCache(Clock.fixed(NOW, ZoneOffset.UTC));
    private ExecutorService pool;

    @AfterEach
    void stopPool() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Test
    void callsShareOneTokenUntilItIsRefused() {
        Lease first = cache.lease(vendor);
        Lease second = cache.lease(vendor);
        first.accepted();
        second.ended();

        assertThat(second).isSameAs(first);
        assertThat(cache.lease(vendor).token()).isEqualTo("t1");
        assertThat(fetches).hasValue(1);
    }

    @Test
    void manyCallsRefusedInParallelWithTheSameTokenCauseOneRefresh() throws Exception {
        int calls = 16;
        cache.lease(vendor).accepted();
        List<Lease> stale = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            stale.add(cache.lease(vendor));
        }
        pool = Executors.newFixedThreadPool(calls);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> retried = new ArrayList<>();
        List<Refusal> refusals = Collections.synchronizedList(new ArrayList<>());
        for (Lease lease : stale) {
            retried.add(pool.submit(() -> {
                start.await();
                refusals.add(lease.refused());
                Lease next = cache.lease(vendor);
                next.accepted();
                return next.token();
            }));
        }
        start.countDown();
        for (Future<String> token : retried) {
            assertThat(token.get(30, TimeUnit.SECONDS)).isEqualTo("t2");
        }

        assertThat(fetches).as("the first token and one refresh").hasValue(2);
        assertThat(refusals).filteredOn(r -> r == Refusal.REFRESH).hasSize(1);
        assertThat(refusals).filteredOn(r -> r == Refusal.RETRY).hasSize(calls - 1);
    }

    @Test
    void aRefusedTokenThatHadServedCallsIsRefreshedEveryTimeEvenWhenItWasItselfARefresh() {
        for (int round = 1; round <= 5; round++) {
            Lease served = cache.lease(vendor);
            assertThat(served.token()).isEqualTo("t" + round);
            served.accepted();
            Lease revoked = cache.lease(vendor);
            assertThat(revoked.refused()).as("round " + round).isEqualTo(Refusal.REFRESH);
        }
        assertThat(cache.lease(vendor).token()).isEqualTo("t6");
        assertThat(fetches).hasValue(6);
    }

    @Test
    void anyRefusedTokenIsRefreshedOnceAndTheFreshTokenRefusedOnItsFirstUseIsReportedAsSuch() {
        assertThat(cache.lease(vendor).refused()).as("the first token is refreshed like any other").isEqualTo(Refusal.REFRESH);

        Lease fresh = cache.lease(vendor);
        assertThat(fresh.token()).isEqualTo("t2");
        assertThat(fresh.refused()).isEqualTo(Refusal.FRESH_TOKEN_REFUSED);
        assertThat(cache.lease(vendor).token()).as("and it is not used again").isEqualTo("t3");
    }

    @Test
    void aFreshTokenRefusedWhileOtherCallsAreWaitingWithItIsAPermissionProblemOnlyIfNoneIsAccepted() {
        cache.lease(vendor).refused();
        Lease first = cache.lease(vendor);
        Lease second = cache.lease(vendor);
        assertThat(first.refused()).as("the other call may yet succeed").isEqualTo(Refusal.REFRESH);
        second.accepted();

        Lease third = cache.lease(vendor);
        Lease fourth = cache.lease(vendor);
        assertThat(third.token()).as("t3 replaces a refused token as well").isEqualTo("t3");
        assertThat(third.refused()).isEqualTo(Refusal.REFRESH);
        assertThat(fourth.refused()).as("every call refused it, none was served")
                .isEqualTo(Refusal.FRESH_TOKEN_REFUSED);
    }

    @Test
    void aRefusalOfAnOldTokenDoesNotDropTheCurrentOne() {
        Lease old = cache.lease(vendor);
        Lease slow = cache.lease(vendor);
        old.accepted();
        assertThat(cache.lease(vendor).refused()).isEqualTo(Refusal.REFRESH);
        Lease current = cache.lease(vendor);
        current.accepted();

        assertThat(slow.refused()).isEqualTo(Refusal.RETRY);
        assertThat(cache.lease(vendor)).isSameAs(current);
        assertThat(fetches).as("no fetch for the old token's late refusal").hasValue(2);
    }

    @Test
    void aTokenIsRenewedAMarginBeforeItExpires() {
        MovingClock clock = new MovingClock();
        TokenCache renewing = new TokenCache(clock);
        Supplier<AccessToken> shortLived = () ->
                new AccessToken("s" + fetches.incrementAndGet(), clock.instant().plus(Duration.ofSeconds(40)));
        renewing.lease(shortLived).accepted();
        clock.now = clock.now.plusSeconds(29);
        assertThat(renewing.lease(shortLived).token()).isEqualTo("s1");
        clock.now = clock.now.plusSeconds(1);
        assertThat(renewing.lease(shortLived).token()).as("a quarter of 40 s before expiry").isEqualTo("s2");
    }

    @Test
    void neitherLeaseNorTokenShowTheTokenWhenPrinted() {
        Lease lease = cache.lease(() -> new AccessToken("secret-token-value", NOW.plusSeconds(7200)));
        assertThat(lease.toString()).doesNotContain("secret-token-value");
    }

    private static final class MovingClock extends Clock {
        Instant now = NOW;

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
