package io.orgsync.run;

import io.orgsync.model.Member;

/**
 * The members of a tenant's first run, written to the state store while the run is still
 * fetching. A first run compares with nothing, so every member it lists is created; writing them
 * while the vendor's rate limit leaves the machine idle takes the bulk of the run's database work
 * off its time. Nothing becomes visible before the run commits, and a run that fails or is held
 * discards what was written.
 */
public interface FirstLoad extends AutoCloseable {

    /**
     * One listing of a member: as it will be published (privacy rules applied), and its canonical
     * line as fetched. A person listed again with other text is combined with the earlier listings
     * when staging; listed again with the same text, the combined record is that listing. May block
     * while the writer catches up.
     */
    void add(Member published, String listing);

    /** Discards whatever was written unless staging took it over; never throws. */
    @Override
    void close();
}
