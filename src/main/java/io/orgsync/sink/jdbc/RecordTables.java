package io.orgsync.sink.jdbc;

import io.orgsync.model.CanonicalRecord;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.run.Change;
import io.orgsync.run.ChangeOp;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunFailedException;
import io.orgsync.run.RunResult;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A run applied to the {@code orgsync_department}, {@code orgsync_member},
 * {@code orgsync_member_department} and {@code orgsync_relation} tables, inside the transaction
 * staging opened, in batches: from its change list after a run the tables followed, or whole after
 * runs that kept only the compact state.
 */
final class RecordTables {

    /** Only a row still live is marked, so a repeated delete cannot move {@code deleted_at}. */
    private static final String SOFT_DELETE = "UPDATE %s SET deleted_at = ?, updated_at = ?, last_run_id = ? "
            + "WHERE source = ? AND tenant = ? AND id = ? AND deleted_at IS NULL";

    private static final String SOFT_DELETE_ALL_BUT_RUN = "UPDATE %s SET deleted_at = ?, updated_at = ?, "
            + "last_run_id = ? WHERE source = ? AND tenant = ? AND deleted_at IS NULL AND last_run_id <> ?";

    private final int batchSize;
    private final String upsertDepartment;
    private final String upsertMember;

    RecordTables(SqlDialect dialect, int batchSize) {
        this.batchSize = batchSize;
        this.upsertDepartment = dialect.upsert("orgsync_department", RecordColumns.KEY,
                RecordColumns.DEPARTMENT_COLUMNS);
        this.upsertMember = dialect.upsert("orgsync_member", RecordColumns.KEY, RecordColumns.MEMBER_COLUMNS);
    }

    /**
     * One pass over the change list, which may be read from disk record by record. Statement
     * order matters only for a changed member's departments and relations: the old ones are
     * deleted before the new ones are inserted, which the insert batches ensure by sending the
     * pending deletions before themselves. Members that were not live have none (they are removed
     * on deletion), so created members only insert. Every record is checked before it is bound:
     * what cannot be stored fails the run, and the transaction takes nothing.
     *
     * <p>A created member is a plain INSERT when the tenant has no soft-deleted member rows, which
     * is always so on its first run: no row of that id can exist. An upsert looks the key up
     * first, which on embedded H2 doubled the time a first run of 100,000 members spent writing
     * them. With soft-deleted rows about, a created member may be one coming back, so it upserts.
     *
     * <p>After a {@link FetchTimeLoad}, the members it wrote are skipped, those of them that came
     * again with other text are rewritten from their combined record as an update would be, and
     * those it did not write (parents, runs that came while its writer was busy) are inserted.
     */
    void apply(Connection connection, RunResult result, LocalDateTime now, FetchTimeLoad firstLoad)
            throws SQLException {
        Manifest manifest = result.manifest();
        String runId = manifest.runId();
        List<Department> departmentDeletes = new ArrayList<>();
        // a first load began on a tenant without member rows, and only it wrote any since
        boolean createdAreNew = firstLoad != null || !hasDeletedMembers(connection, manifest);
        long alreadyWritten = 0;
        long rewrittenWritten = 0;
        try (Batch departments = new Batch(batchSize, connection, upsertDepartment);
             Batch members = new Batch(batchSize, connection, upsertMember);
             Batch newMembers = new Batch(batchSize, connection, RecordColumns.INSERT_MEMBER);
             Batch memberDeletes = new Batch(batchSize, connection, SOFT_DELETE.formatted("orgsync_member"));
             Batch departmentsOf = new Batch(batchSize, connection,
                     "DELETE FROM orgsync_member_department WHERE source = ? AND tenant = ? AND member_id = ?");
             Batch relationsOf = new Batch(batchSize, connection,
                     "DELETE FROM orgsync_relation WHERE source = ? AND tenant = ? AND member_id = ?");
             Batch memberships = new Batch(batchSize, connection, RecordColumns.INSERT_MEMBERSHIP).after(departmentsOf);
             Batch relations = new Batch(batchSize, connection, RecordColumns.INSERT_RELATION).after(relationsOf)) {
            for (Change change : result.changes()) {
                FetchTimeLoad.Written early = firstLoad != null && change.op() == ChangeOp.CREATE
                        && change.record() instanceof Member ? firstLoad.earlyWrite(change.record().id())
                        : FetchTimeLoad.Written.NO;
                if (early == FetchTimeLoad.Written.AS_PUBLISHED) {
                    alreadyWritten++;
                    continue;
                }
                // only a row written while fetching needs rewriting; the others are plain inserts now
                boolean rewritten = early == FetchTimeLoad.Written.THEN_CHANGED;
                if (rewritten) {
                    rewrittenWritten++;
                }
                RecordColumns.checkApplicable(runId, manifest.source(), manifest.tenant(), change.record());
                if (change.record() instanceof Department d) {
                    if (change.op() == ChangeOp.DELETE) {
                        departmentDeletes.add(d);
                    } else {
                        RecordColumns.bindDepartment(departments.statement, d, runId, now);
                        departments.add();
                    }
                } else if (change.record() instanceof Member m) {
                    if (change.op() != ChangeOp.CREATE || rewritten) {
                        departmentsOf.bindKey(m).add();
                        relationsOf.bindKey(m).add();
                    }
                    switch (change.op()) {
                        case CREATE, UPDATE -> {
                            Batch into = change.op() == ChangeOp.CREATE && createdAreNew && !rewritten
                                    ? newMembers : members;
                            RecordColumns.bindMember(into.statement, m, runId, now);
                            into.add();
                            RecordColumns.addMemberships(memberships, relations, m);
                        }
                        case DELETE -> {
                            bindSoftDelete(memberDeletes.statement, m, runId, now);
                            memberDeletes.add();
                        }
                        default -> throw new IllegalArgumentException("unknown change op " + change.op());
                    }
                }
            }
            departments.flush();
            members.flush();
            newMembers.flush();
            memberDeletes.flush();
            memberships.flush();
            relations.flush();
            departmentsOf.flush();
            relationsOf.flush();
        }
        if (firstLoad != null && alreadyWritten + rewrittenWritten < firstLoad.written()) {
            // a member written while fetching that the run does not publish would stay in the tables
            throw new RunFailedException("run " + runId + " wrote " + firstLoad.written() + " members while fetching "
                    + "but publishes " + (alreadyWritten + rewrittenWritten) + " of them; nothing was applied");
        }
        try (Batch delete = new Batch(batchSize, connection, SOFT_DELETE.formatted("orgsync_department"))) {
            for (Department d : departmentDeletes) {
                bindSoftDelete(delete.statement, d, runId, now);
                delete.add();
            }
            delete.flush();
        }
    }

    /**
     * The tables showed an older run than the one compared with (the runs between kept only the
     * compact state): every record of this run is written, and every live row it does not hold
     * is marked deleted, so that the tables equal this run's snapshot as if they had followed
     * every run. The compact state goes: the tables hold the state again.
     */
    void applyWhole(Connection connection, RunResult result, LocalDateTime now) throws SQLException {
        Manifest manifest = result.manifest();
        String runId = manifest.runId();
        for (String table : List.of("orgsync_member_department", "orgsync_relation")) {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM " + table + " WHERE source = ? AND tenant = ?")) {
                delete.setString(1, manifest.source());
                delete.setString(2, manifest.tenant());
                delete.executeUpdate();
            }
        }
        try (Batch departments = new Batch(batchSize, connection, upsertDepartment);
             Batch members = new Batch(batchSize, connection, upsertMember);
             Batch memberships = new Batch(batchSize, connection, RecordColumns.INSERT_MEMBERSHIP);
             Batch relations = new Batch(batchSize, connection, RecordColumns.INSERT_RELATION)) {
            for (Department d : result.departments()) {
                RecordColumns.checkApplicable(runId, manifest.source(), manifest.tenant(), d);
                RecordColumns.bindDepartment(departments.statement, d, runId, now);
                departments.add();
            }
            for (Member m : result.members()) {
                RecordColumns.checkApplicable(runId, manifest.source(), manifest.tenant(), m);
                RecordColumns.bindMember(members.statement, m, runId, now);
                members.add();
                RecordColumns.addMemberships(memberships, relations, m);
            }
            departments.flush();
            members.flush();
            memberships.flush();
            relations.flush();
        }
        for (String table : List.of("orgsync_department", "orgsync_member")) {
            try (PreparedStatement vanished = connection.prepareStatement(SOFT_DELETE_ALL_BUT_RUN.formatted(table))) {
                vanished.setObject(1, now);
                vanished.setObject(2, now);
                vanished.setString(3, runId);
                vanished.setString(4, manifest.source());
                vanished.setString(5, manifest.tenant());
                vanished.setString(6, runId);
                vanished.executeUpdate();
            }
        }
        CompactState.delete(connection, manifest.source(), manifest.tenant());
    }

    private static boolean hasDeletedMembers(Connection connection, Manifest manifest) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM orgsync_member "
                + "WHERE source = ? AND tenant = ? AND deleted_at IS NOT NULL")) {
            select.setMaxRows(1);
            select.setString(1, manifest.source());
            select.setString(2, manifest.tenant());
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        }
    }

    private static void bindSoftDelete(PreparedStatement s, CanonicalRecord record, String runId, LocalDateTime now)
            throws SQLException {
        s.setObject(1, now);
        s.setObject(2, now);
        s.setString(3, runId);
        s.setString(4, record.source());
        s.setString(5, record.tenant());
        s.setString(6, record.id());
    }
}
