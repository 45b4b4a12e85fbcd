package io.orgsync.run;

/**
 * Where the last successful snapshot of each source and tenant is kept (the JDBC database, embedded
 * H2 by default). It also takes every successful run, in the transaction the route
 * {@code orgsync-stage} commits before any other sink commits, so that what the next run compares
 * with is exactly what was published.
 */
public interface StateStore extends CommittedRuns {

    /** The {@code orgsync.sinks} name of the sink whose tables it keeps: {@code jdbc}. */
    String name();

    /** A committed run's delivery failures became known afterwards: see {@link Sink#amend}. */
    default void amend(Manifest manifest) throws Exception {
    }

    /** What the last successful run of {@code source} and {@code tenant} left; {@link PreviousRun#none()} before the first. */
    PreviousRun load(String source, String tenant) throws Exception;

    /**
     * Records a run that was not applied — failed or held — in its own transaction, leaving the
     * state exactly as it was.
     */
    void recordUnapplied(Manifest manifest) throws Exception;

    /**
     * Starts writing the members of run {@code runId} while it fetches, when this is the tenant's
     * first run and the store can; staging that run then completes the same work. Null otherwise:
     * the run is applied when it is staged, as every later run is.
     */
    default FirstLoad firstLoad(String source, String tenant, String runId) {
        return null;
    }
}
