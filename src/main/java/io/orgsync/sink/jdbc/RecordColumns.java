package io.orgsync.sink.jdbc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.CanonicalRecord;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;
import io.orgsync.run.RunFailedException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A record as the rows and columns of the {@code orgsync_*} tables hold it, the same whether it is
 * written when staging ({@link RecordTables}) or while fetching ({@link FetchTimeLoad}): the column
 * lists, the bindings, {@code record_json} and its {@code content_hash}, and the checks of what the
 * columns cannot keep.
 */
final class RecordColumns {

    /** The id columns are VARCHAR(255); longer vendor ids are refused rather than truncated. */
    static final int MAX_ID_LENGTH = 255;

    static final List<String> KEY = List.of("source", "tenant", "id");
    static final List<String> DEPARTMENT_COLUMNS = List.of("source", "tenant", "id", "parent_id", "name",
            "type", "sort_order", "path", "attributes", "record_json", "content_hash", "last_run_id", "updated_at",
            "deleted_at");
    static final List<String> MEMBER_COLUMNS = List.of("source", "tenant", "id", "name", "role", "mobile",
            "email", "status", "attributes", "record_json", "content_hash", "last_run_id", "updated_at",
            "deleted_at");
    static final String INSERT_MEMBER = SqlDialect.insert("orgsync_member", MEMBER_COLUMNS);
    static final String INSERT_MEMBERSHIP = "INSERT INTO orgsync_member_department "
            + "(source, tenant, member_id, department_id) VALUES (?, ?, ?, ?)";
    static final String INSERT_RELATION = "INSERT INTO orgsync_relation "
            + "(source, tenant, member_id, related_id, role, relation) VALUES (?, ?, ?, ?, ?, ?)";

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    });

    private RecordColumns() {
    }

    static void bindDepartment(PreparedStatement s, Department d, String runId, LocalDateTime now)
            throws SQLException {
        String json = recordJson(d);
        s.setString(1, d.source());
        s.setString(2, d.tenant());
        s.setString(3, d.id());
        setString(s, 4, d.parentId());
        setString(s, 5, DbText.column(d.name()));
        setString(s, 6, d.type() == null ? null : d.type().wireName());
        if (d.order() == null) {
            s.setNull(7, Types.BIGINT);
        } else {
            s.setLong(7, d.order());
        }
        s.setString(8, DbText.column(String.join("/", d.path())));
        bindRecordColumns(s, d.attributes(), json, runId, now);
    }

    static void bindMember(PreparedStatement s, Member m, String runId, LocalDateTime now)
            throws SQLException {
        String json = recordJson(m);
        s.setString(1, m.source());
        s.setString(2, m.tenant());
        s.setString(3, m.id());
        setString(s, 4, DbText.column(m.name()));
        setString(s, 5, m.role() == null ? null : m.role().wireName());
        setString(s, 6, DbText.column(m.mobile()));
        setString(s, 7, DbText.column(m.email()));
        setString(s, 8, m.status() == null ? null : m.status().wireName());
        bindRecordColumns(s, m.attributes(), json, runId, now);
    }

    /** Columns 9 to 14 of both tables: attributes, record_json, content_hash, last_run_id, updated_at, deleted_at. */
    private static void bindRecordColumns(PreparedStatement s, ObjectNode attributes, String json, String runId,
                                          LocalDateTime now) throws SQLException {
        s.setString(9, CanonicalJson.toEscapedLine(attributes));
        s.setString(10, json);
        s.setString(11, hash(json));
        s.setString(12, runId);
        s.setObject(13, now);
        s.setNull(14, Types.TIMESTAMP);
    }

    static void addMemberships(Batch memberships, Batch relations, Member m) throws SQLException {
        // the key is the pair: a department listed twice is one row
        for (String departmentId : new LinkedHashSet<>(m.departmentIds())) {
            memberships.bindKey(m).statement.setString(4, departmentId);
            memberships.add();
        }
        for (Relation r : distinctByRelatedId(m.relations()).values()) {
            PreparedStatement s = relations.bindKey(m).statement;
            s.setString(4, r.id());
            setString(s, 5, r.role() == null ? null : r.role().wireName());
            setString(s, 6, DbText.column(r.relation()));
            relations.add();
        }
    }

    /**
     * The table's key is (member, related id): should a vendor name the same person twice with
     * different roles, the first listing is kept (record_json still holds both).
     */
    private static Map<String, Relation> distinctByRelatedId(List<Relation> relations) {
        Map<String, Relation> byId = new LinkedHashMap<>();
        for (Relation relation : relations) {
            byId.putIfAbsent(relation.id(), relation);
        }
        return byId;
    }

    /**
     * What cannot be stored must fail the run, with the record named, rather than be truncated
     * into another id; the run's transaction then takes nothing.
     */
    static void checkApplicable(String runId, String source, String tenant, CanonicalRecord record) {
        if (!source.equals(record.source()) || !tenant.equals(record.tenant())) {
            throw new IllegalArgumentException("run " + runId + " of " + source + "/" + tenant
                    + " holds a " + record.kind() + " of " + record.source() + "/" + record.tenant());
        }
        checkId(record.kind() + " id", record.id(), record);
        if (record instanceof Department d) {
            checkId("parentId", d.parentId() == null ? "" : d.parentId(), record);
        } else if (record instanceof Member member) {
            member.departmentIds().forEach(id -> checkId("department id", id, record));
            member.relations().forEach(r -> checkId("related id", r.id(), record));
        }
    }

    private static void checkId(String what, String id, CanonicalRecord record) {
        if (id == null) {
            throw new RunFailedException(record.kind() + " '" + record.id() + "' has a null " + what);
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new RunFailedException(record.kind() + " '" + record.id().substring(0,
                    Math.min(40, record.id().length())) + "…' has a " + what + " of " + id.length()
                    + " characters; the database keeps at most " + MAX_ID_LENGTH);
        }
    }

    static void setString(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }

    /** Columns are TIMESTAMP/DATETIME without zone on every database; values are UTC. */
    static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC);
    }

    /** The record_json column: the canonical line, with unpaired surrogates escaped. */
    static String recordJson(CanonicalRecord record) {
        return CanonicalJson.toEscapedLine(record);
    }

    static byte[] sha256(String json) {
        return sha256(json.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] sha256(byte[] utf8) {
        return SHA_256.get().digest(utf8);
    }

    /** The content_hash column. */
    static String hash(String json) {
        return HexFormat.of().formatHex(sha256(json));
    }
}
