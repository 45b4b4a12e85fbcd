package io.orgsync.source;

import io.orgsync.run.RunContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Semaphore;

/**
 * The calls in flight: as many as {@link InFlightSizing} asks for the pace and the average round
 * trip so far, never more than {@code orgsync.<source>.concurrency} (the ceiling), resized after
 * every answer. The estimate outlives the run, as the vendor's distance does.
 *
 * <p>WeCom's 45033 ("too many concurrent calls"; its cap is unpublished) says to send fewer: a
 * 45033 takes one permit away from those there are now, for the rest of the run, down to one
 * call at a time; the round trip no longer raises the number above that. Only a call sent under
 * the current limit lowers it; the other calls refused in the same burst were sent under the old
 * one, and counting them too would go below the vendor's cap. The next run may use the
 * ceiling again.
 */
final class InFlight extends Semaphore {

    /** The connection's logger: a lowering is news of the calls, where operators already look for it. */
    private static final Logger LOG = LoggerFactory.getLogger(VendorConnection.class);

    private final String source;
    private final int ceiling;
    private final int perSecond;
    private final InFlightSizing roundTrip = new InFlightSizing();
    /** The permits there are, taken or not; changed under this object's lock only. */
    private int permits;
    /** The most permits this run may have: the ceiling, less what 45033s took away. */
    private int cap;
    private volatile int generation;
    private volatile String loweredInRun;
    /** The run already told that the ceiling holds the calls in flight below what the round trip asks. */
    private volatile String cappedInRun;

    InFlight(String source, int ceiling, int perSecond) {
        super(0, true);
        this.source = source;
        this.ceiling = ceiling;
        this.perSecond = perSecond;
        this.cap = ceiling;
        resize(InFlightSizing.permits(perSecond, 0, ceiling));
    }

    void acquire(RunContext run) throws InterruptedException {
        if (loweredInRun != null) {
            restoreUnless(run);
        }
        acquire();
    }

    int generation() {
        return generation;
    }

    /** The permits there are now, taken or not. */
    synchronized int permits() {
        return permits;
    }

    /** An answer came {@code rttNanos} after its request left: the permits follow the new average. */
    void answered(RunContext run, long rttNanos) {
        double average = roundTrip.sample(rttNanos);
        int wanted = InFlightSizing.permits(perSecond, average, ceiling);
        resize(wanted);
        if (wanted == ceiling && !run.runId().equals(cappedInRun)
                && InFlightSizing.permits(perSecond, average, Integer.MAX_VALUE) > ceiling) {
            cappedInRun = run.runId();
            LOG.info("{}: answers take {} ms on average; {} requests a second would need more than {} in "
                    + "flight (orgsync.{}.concurrency) to keep the pace", source,
                    Math.round(average / 1e6), perSecond, ceiling, source);
        }
    }

    /** Makes {@code wanted} permits there are, or as many as this run may have. */
    private synchronized void resize(int wanted) {
        int target = Math.min(wanted, cap);
        if (target > permits) {
            release(target - permits);
        } else if (target < permits) {
            // taken permits stay taken: the next callers wait until enough have come back
            reducePermits(permits - target);
        }
        permits = target;
    }

    /** Called after {@link #acquire(RunContext)} has given back what an earlier run took away. */
    synchronized void lower(RunContext run, int sentUnder) {
        if (sentUnder != generation || permits <= 1) {
            return;
        }
        cap = permits - 1;
        resize(cap);
        generation++;
        loweredInRun = run.runId();
        LOG.warn("{}: the vendor refused the number of concurrent calls; {} in flight at most for the rest of "
                + "run {} (orgsync.{}.concurrency is {})", source, cap, run.runId(), source, ceiling);
    }

    /** Gives back what an earlier run took away. */
    private synchronized void restoreUnless(RunContext current) {
        if (loweredInRun != null && !loweredInRun.equals(current.runId())) {
            cap = ceiling;
            loweredInRun = null;
            resize(InFlightSizing.permits(perSecond, roundTrip.average(), ceiling));
        }
    }
}
