package io.orgsync.run;

import io.orgsync.model.CanonicalRecord;

import java.util.AbstractList;
import java.util.List;

/**
 * The previous snapshot's records of one kind as a store that keeps a content digest per record
 * hands them over: every id and digest up front, whole records only for the deletions that need
 * them (a delete carries the last known record). {@link ChangeDetector} then hashes each current
 * record once instead of parsing and re-serialising every previous one, and a million previous
 * members cost their ids and digests in memory, not their records.
 *
 * <p>It is a {@code List} so that {@link PreviousRun} and the {@link DeletionGuard} (which only
 * count) take it unchanged; {@link #get} fetches a record from the store, so iterating it reads
 * every record one by one — only {@link ChangeDetector} should look inside, and it asks
 * {@link #lastKnown} for all deletions at once.
 */
public abstract class DigestedRecords<R extends CanonicalRecord> extends AbstractList<R> {

    /** The id of the record at {@code index}, without fetching the record. */
    public abstract String idAt(int index);

    /**
     * Whether a current record whose canonical JSON text (attributes included: a changed attribute
     * is an update) is {@code canonicalLine} ({@link io.orgsync.model.CanonicalJson#toUtf8Line}) has the same
     * content as the previous record at {@code index}. The text, not the record: a spooled run
     * has it already and need not rebuild the record for this.
     */
    public abstract boolean sameContent(int index, byte[] canonicalLine);

    /** The previous records at {@code indices}, in that order; may read the store. */
    public abstract List<R> lastKnown(int[] indices);

    @Override
    public R get(int index) {
        return lastKnown(new int[]{index}).get(0);
    }
}
