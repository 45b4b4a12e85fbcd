package io.orgsync.run;

import io.orgsync.model.Member;

/**
 * The members of a tenant's first run, written to the state store while the run is still
 * fetching. A first run compares with nothing, so every member it lists is created; writing them
 * while the vendor's rate limit leaves the machine idle takes much of the run's database work off
 * its time. They come a sorted run of the spool at a time, in id order, which B-tree indexes take
 * far better than fetch order (random order made embedded H2 rewrite most index pages on every
 * write-out); the spool's last buffer comes when fetching ends. Nothing becomes visible before the run commits, and a run that
 * fails or is held discards what was written.
 */
public interface FirstLoad extends AutoCloseable {

    /**
     * A member as it will be published (privacy rules applied) and its canonical line as spooled:
     * the listings of one sorted run combined. The same person may come again from a later run;
     * with the same text, the record is that one, else it is rewritten from the combined record
     * when staging. Every member comes at least once before the run is staged. May block while
     * the writer catches up.
     */
    void add(Member published, String listing);

    /** Discards whatever was written unless staging took it over; never throws. */
    @Override
    void close();
}
