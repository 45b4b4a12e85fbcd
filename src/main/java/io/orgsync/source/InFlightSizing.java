package io.orgsync.source;

import java.util.concurrent.TimeUnit;

/**
 * How many requests a client keeps in flight: as many as the vendor's rate fills over one round
 * trip (Little's law: in flight = rate × time in flight), and a little more. Fewer leave part of
 * the rate unused whenever the vendor is far away; more only hold answers and connections, and ask
 * more of a vendor that caps calls in flight (WeCom's unpublished 45033).
 *
 * <p>The round trip is measured as the run goes, an exponentially weighted moving average of the
 * requests' times from sending to the answer's last byte, so the number follows the vendor as it
 * slows down or speeds up. The pacer, not this number, keeps the rate: a request that has its
 * place here still waits there for its slot.
 */
final class InFlightSizing {

    /**
     * Places beyond the rate's share of one round trip. A request holds its place while it waits
     * for the pacer's slot too, and round trips vary about their average: two more keep a request
     * ready when the slot comes.
     */
    static final int MARGIN = 2;

    /**
     * Weight of the newest round trip in the average: TCP's 1/8, steady against one odd answer, yet
     * following a lasting change within a few dozen requests (a fraction of a second at the rate).
     */
    private static final double WEIGHT = 1.0 / 8;

    private static final double SECOND = TimeUnit.SECONDS.toNanos(1);

    /** The average round trip in nanoseconds; negative until the first answer. */
    private double averageNanos = -1;

    /**
     * Requests to keep in flight for a pace of {@code perSecond} and a round trip of
     * {@code rttNanos}: ceil(rate × round trip) + {@link #MARGIN}, at least 1 and at most
     * {@code ceiling}.
     */
    static int permits(int perSecond, double rttNanos, int ceiling) {
        if (perSecond < 1 || ceiling < 1) {
            throw new IllegalArgumentException("rate and ceiling must be positive");
        }
        double share = Math.ceil(perSecond * Math.max(0, rttNanos) / SECOND);
        // compared as doubles: a lifted rate (100,000/s) over a long round trip overflows an int
        if (share + MARGIN >= ceiling) {
            return ceiling;
        }
        return Math.max(1, (int) share + MARGIN);
    }

    /** Takes one more round trip into the average and returns the average, in nanoseconds. */
    synchronized double sample(long rttNanos) {
        averageNanos = averageNanos < 0 ? rttNanos : averageNanos + WEIGHT * (rttNanos - averageNanos);
        return averageNanos;
    }

    /** The average round trip in nanoseconds, 0 before the first answer. */
    synchronized double average() {
        return Math.max(0, averageNanos);
    }
}
