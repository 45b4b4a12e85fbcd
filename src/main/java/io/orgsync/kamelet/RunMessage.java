package io.orgsync.kamelet;

import io.orgsync.model.CanonicalJson;
import io.orgsync.model.CanonicalRecord;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.run.RunContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * What one exchange between a source Kamelet and a sink Kamelet carries: one whole fetched run.
 * The body is the run's canonical records as JSON Lines (departments, then members, before the
 * sink's privacy setting), the headers name the run. A sink Kamelet applies
 * the message as one run — compared with the last successful run, guarded, staged and committed
 * together — so a run that fails anywhere leaves every sink as the last successful run left it,
 * exactly as with the bundle's own routes. A failed fetch sends no message at all.
 */
public final class RunMessage {

    public static final String MEDIA_TYPE = "application/x-ndjson";
    public static final String RUN_ID = "OrgSyncRunId";
    public static final String SOURCE = "OrgSyncSource";
    public static final String TENANT = "OrgSyncTenant";
    public static final String STARTED_AT = "OrgSyncStartedAt";
    public static final String ROOT_DEPARTMENT_ID = "OrgSyncRootDepartmentId";
    public static final String API_CALLS = "OrgSyncApiCalls";
    public static final String RETRIES = "OrgSyncRetries";
    public static final String DEPARTMENTS = "OrgSyncDepartments";
    public static final String MEMBERS = "OrgSyncMembers";
    /** The fetch's warnings, a JSON array of strings. */
    public static final String WARNINGS = "OrgSyncWarnings";
    /**
     * What the fetch could not read, a JSON object of three arrays of department ids
     * ({@code memberListings}, {@code subtrees}, {@code departments}): the sink side carries forward
     * what was last published there, as the bundle's own routes do.
     */
    public static final String UNREAD = "OrgSyncUnread";

    private RunMessage() {
    }

    /** The fetched run as the message a source Kamelet emits. */
    public static void write(Message message, RunContext run) {
        StringBuilder body = new StringBuilder();
        for (Department department : run.snapshot().departmentsById().values()) {
            body.append(CanonicalJson.toLine(department)).append('\n');
        }
        for (Member member : run.snapshot().members()) {
            body.append(CanonicalJson.toLine(member)).append('\n');
        }
        message.setBody(body.toString());
        message.setHeader(Exchange.CONTENT_TYPE, MEDIA_TYPE + "; charset=utf-8");
        message.setHeader(RUN_ID, run.runId());
        message.setHeader(SOURCE, run.source());
        message.setHeader(TENANT, run.tenant());
        message.setHeader(STARTED_AT, run.startedAt().toString());
        message.setHeader(ROOT_DEPARTMENT_ID, run.rootDepartmentId());
        message.setHeader(API_CALLS, run.apiCalls());
        message.setHeader(RETRIES, run.retries());
        message.setHeader(DEPARTMENTS, run.snapshot().departmentCount());
        message.setHeader(MEMBERS, run.snapshot().memberCount());
        message.setHeader(WARNINGS, CanonicalJson.toLine(run.warnings()));
        message.setHeader(UNREAD, CanonicalJson.toLine(java.util.Map.of(
                "memberListings", run.unread().memberListings(),
                "subtrees", run.unread().subtrees(),
                "departments", run.unread().departments())));
    }

    /**
     * The run a message carries, to continue under its own id. A message whose record counts do not
     * match its headers (cut short on its way) fails here, before anything is staged.
     */
    public static RunContext read(Message message) {
        String runId = required(message, RUN_ID);
        String source = required(message, SOURCE);
        String tenant = required(message, TENANT);
        Instant startedAt;
        try {
            startedAt = Instant.parse(required(message, STARTED_AT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("header " + STARTED_AT + " is not an instant");
        }
        RunContext run = new RunContext(runId, source, tenant, startedAt);
        run.setRootDepartmentId(message.getHeader(ROOT_DEPARTMENT_ID, String.class));
        run.countEarlier(number(message, API_CALLS), number(message, RETRIES));
        readUnread(message, run);
        String body = message.getBody(String.class);
        try (BufferedReader lines = new BufferedReader(new StringReader(body == null ? "" : body))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                CanonicalRecord record = CanonicalJson.fromLine(line, CanonicalRecord.class);
                if (!source.equals(record.source()) || !tenant.equals(record.tenant())) {
                    throw new IllegalArgumentException("a record of " + record.source() + "/" + record.tenant()
                            + " in a message of " + source + "/" + tenant);
                }
                if (record instanceof Department department) {
                    run.snapshot().addDepartment(department);
                } else if (record instanceof Member member) {
                    run.snapshot().addMember(member);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (run.snapshot().departmentCount() != number(message, DEPARTMENTS)
                || run.snapshot().memberCount() != number(message, MEMBERS)) {
            throw new IllegalArgumentException("run " + runId + " arrived with " + run.snapshot().departmentCount()
                    + " departments and " + run.snapshot().memberCount() + " members, its headers say "
                    + number(message, DEPARTMENTS) + " and " + number(message, MEMBERS));
        }
        return run;
    }

    /** Optional: a message of an earlier release has neither header. */
    private static void readUnread(Message message, RunContext run) {
        String warnings = message.getHeader(WARNINGS, String.class);
        if (warnings != null && !warnings.isBlank()) {
            CanonicalJson.fromLine(warnings, com.fasterxml.jackson.databind.JsonNode.class)
                    .forEach(warning -> run.warn(warning.asText()));
        }
        String unread = message.getHeader(UNREAD, String.class);
        if (unread != null && !unread.isBlank()) {
            com.fasterxml.jackson.databind.JsonNode ids = CanonicalJson.fromLine(unread,
                    com.fasterxml.jackson.databind.JsonNode.class);
            ids.path("memberListings").forEach(id -> run.unread().memberListing(id.asText()));
            ids.path("subtrees").forEach(id -> run.unread().subtree(id.asText()));
            ids.path("departments").forEach(id -> run.unread().department(id.asText()));
        }
    }

    private static String required(Message message, String header) {
        String value = message.getHeader(header, String.class);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("not an orgsync run: header " + header + " is missing");
        }
        return value;
    }

    private static long number(Message message, String header) {
        Long value = message.getHeader(header, Long.class);
        if (value == null) {
            throw new IllegalArgumentException("not an orgsync run: header " + header + " is missing");
        }
        return value;
    }
}
