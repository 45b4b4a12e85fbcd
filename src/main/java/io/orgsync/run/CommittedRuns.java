package io.orgsync.run;

import java.util.Collection;
import java.util.Set;

/**
 * Which runs the database records as successful: the one truth every published thing is checked
 * against. A run folder, {@code latest.json} or outbox message of any other run was left by a
 * crash between staging and a durable commit, and must not be seen (docs/guarantees.md).
 */
@FunctionalInterface
public interface CommittedRuns {

    /** The ids among {@code runIds} whose run is recorded with status {@code success}. */
    Set<String> committed(Collection<String> runIds) throws Exception;

    /** Knows of no committed run: nothing is redelivered (a sink used without a database). */
    CommittedRuns NONE = runIds -> Set.of();
}
