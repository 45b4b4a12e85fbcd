package io.orgsync.run;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The run summary of CONTRACT section 6: written as {@code manifest.json}, {@code latest.json},
 * the {@code orgsync_run} row and the {@code orgsync.run.completed} event. Timestamps are ISO-8601
 * UTC instants ({@code 2026-11-21T02:00:00Z}).
 */
@JsonPropertyOrder({"runId", "source", "tenant", "status", "startedAt", "finishedAt", "departments", "members",
        "created", "updated", "deleted", "apiCalls", "retries", "deliveryFailures", "error"})
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
        String error) {

    public Manifest withDeliveryFailures(long failures) {
        return new Manifest(runId, source, tenant, status, startedAt, finishedAt, departments, members, created,
                updated, deleted, apiCalls, retries, failures, error);
    }

    /** The {@code key=value} summary log line of CONTRACT section 6. */
    public String summaryLine() {
        return "run summary runId=" + runId + " source=" + source + " tenant=" + tenant + " status="
                + status.wireName() + " departments=" + departments + " members=" + members + " created=" + created
                + " updated=" + updated + " deleted=" + deleted + " apiCalls=" + apiCalls + " retries=" + retries
                + " deliveryFailures=" + deliveryFailures + " startedAt=" + startedAt + " finishedAt=" + finishedAt
                + (error == null ? "" : " error=\"" + error.replace('"', '\'') + "\"");
    }
}
