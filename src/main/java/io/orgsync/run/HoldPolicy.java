package io.orgsync.run;

import io.orgsync.config.OrgSyncSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a compared run is held rather than published: an empty fetch after a run that found
 * records, or the {@link DeletionGuard}'s verdict unless {@code orgsync.deletes.force} overrides it.
 */
final class HoldPolicy {

    private static final Logger LOG = LoggerFactory.getLogger("io.orgsync.run");

    private final OrgSyncSettings settings;
    private final DeletionGuard deletionGuard;

    HoldPolicy(OrgSyncSettings settings) {
        this.settings = settings;
        this.deletionGuard = new DeletionGuard(settings.deletesMaxPercent(), settings.deletesMaxCount());
    }

    /** @return why the run is held, for the log and {@code orgsync_run.error}; null when it is not */
    String heldBecause(PreviousRun previous, ChangeCounts counts, boolean fetchedNothing) {
        if (!previous.exists()) {
            return null;
        }
        if (fetchedNothing && !(previous.departments().isEmpty() && previous.members().isEmpty())) {
            // an empty answer is far likelier a scope or permission change than an emptied school
            return "the vendor returned no departments and no members; nothing is deleted on an empty fetch";
        }
        DeletionGuard.Verdict verdict = deletionGuard.check(previous, counts);
        if (verdict.held() && settings.deletesForce()) {
            LOG.warn("deletion guard overridden by orgsync.deletes.force=true: {}", verdict.message());
            return null;
        }
        return verdict.message();
    }
}
