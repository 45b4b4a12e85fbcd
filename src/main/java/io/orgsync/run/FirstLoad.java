package io.orgsync.run;

import io.orgsync.model.Member;

import java.util.List;
import java.util.function.Function;

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
     * One sorted run of the spool: ids ascending, each once, with its listings in that run
     * combined into one canonical line in UTF-8. The same person may come again in a later run; with the
     * same text, the record is that one, else it is rewritten from the combined record when
     * staging. Every member comes at least once before the run is staged. Never blocks.
     *
     * @param publish a listing as it will be published (decoded, privacy rules applied); called
     *                for what is written, in the writer's thread
     */
    void addRun(List<String> ids, List<byte[]> listings, Function<byte[], Member> publish);

    /** Discards whatever was written unless staging took it over; never throws. */
    @Override
    void close();
}
