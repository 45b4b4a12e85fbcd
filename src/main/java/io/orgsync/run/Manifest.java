package io.orgsync.run;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * The run summary: written as {@code manifest.json}, {@code latest.json}, the {@code orgsync_run}
 * row and the {@code orgsync.run.completed} event (docs/guarantees.md). Timestamps are ISO-8601
 * UTC instants ({@code 2026-11-21T02:00:00Z}). {@code warnings} names what the run skipped or
 * doubted without failing: refused items carried forward, duplicate listings, departments the
 * app's visible range cuts off.
 */
@JsonPropertyOrder({"runId", "source", "tenant", "status", "startedAt", "finishedAt", "departments", "members",
        "created", "updated", "deleted", "apiCalls", "retries", "deliveryFailures", "error", "warnings"})
public record Manifest(
        String runId,
        String source,
        String tenant,
        RunStatus status,
        String startedAt,
        String finishedAt,
        long departments,
        long members,
        long created,
        long updated,
        long deleted,
        long apiCalls,
        long retries,
        long deliveryFailures,
        String error,
        List<String> warnings) {

    public Manifest {
        // a manifest read back from an older release's latest.json has none
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public Manifest(String runId, String source, String tenant, RunStatus status, String startedAt,
                    String finishedAt, long departments, long members, long created, long updated, long deleted,
                    long apiCalls, long retries, long deliveryFailures, String error) {
        this(runId, source, tenant, status, startedAt, finishedAt, departments, members, created, updated, deleted,
                apiCalls, retries, deliveryFailures, error, List.of());
    }

    public Manifest withDeliveryFailures(long failures) {
        return new Manifest(runId, source, tenant, status, startedAt, finishedAt, departments, members, created,
                updated, deleted, apiCalls, retries, failures, error, warnings);
    }

    /** The {@code key=value} summary log line; the warnings themselves are logged one per line before it. */
    public String summaryLine() {
        return "run summary runId=" + runId + " source=" + source + " tenant=" + tenant + " status="
                + status.wireName() + " departments=" + departments + " members=" + members + " created=" + created
                + " updated=" + updated + " deleted=" + deleted + " apiCalls=" + apiCalls + " retries=" + retries
                + " deliveryFailures=" + deliveryFailures + " warnings=" + warnings.size() + " startedAt=" + startedAt
                + " finishedAt=" + finishedAt + (error == null ? "" : " error=\"" + error.replace('"', '\'') + "\"");
    }
}
