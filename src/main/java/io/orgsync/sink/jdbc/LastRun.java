package io.orgsync.sink.jdbc;

import io.orgsync.model.CanonicalRecord;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.run.PreviousRun;
import io.orgsync.run.RunFailedException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

import javax.sql.DataSource;

/**
 * A tenant's last run as {@link io.orgsync.run.DigestedRecords}: ids and content hashes, read in one
 * repeatable-read transaction so that departments and members belong to the same run, from the
 * compact state when it holds that run and from the live rows ({@code deleted_at is null})
 * otherwise. Whole records are fetched later, and only for the deletions. Departments come in tree
 * order (by path) and members by id, whatever order the database returns them in, so change lists
 * are the same on every database and in either form.
 *
 * @param runId   null before the tenant's first run
 * @param compact whether the compact state held the run (so the tables may show an older one)
 */
record LastRun(String runId, boolean compact, StoredRecords<Department> departments,
               StoredRecords<Member> members) {

    /** @param fetchSize rows the driver holds at once while the live rows stream in */
    static LastRun read(Database database, int fetchSize, String source, String tenant) throws SQLException {
        String runId;
        boolean compact;
        StoredRecords<Department> departments;
        StoredRecords<Member> members;
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setAutoCommit(false);
            try {
                runId = StateRow.read(connection, source, tenant, false).lastRunId();
                compact = runId != null && runId.equals(CompactState.runId(connection, source, tenant));
                DataSource data = database.dataSource();
                if (compact) {
                    List<StoredRow> departmentRows = new ArrayList<>();
                    // members straight into their packed form: they are a repeat sync's memory
                    PackedDigests.Builder memberDigests = new PackedDigests.Builder(true);
                    CompactState.read(connection, source, tenant, runId, line -> {
                        CompactLine read = CompactLine.of(line, source, tenant);
                        if (read.department()) {
                            departmentRows.add(new StoredRow(read.id(), RecordColumns.sha256(line), read.path()));
                        } else {
                            memberDigests.add(read.id(), RecordColumns.sha256(line));
                        }
                    });
                    departments = new StoredRecords<>(new StoredRecords.FromCompactState<>(data, source, tenant,
                            runId, Department.class), inTreeOrder(departmentRows));
                    members = new StoredRecords<>(new StoredRecords.FromCompactState<>(data, source, tenant,
                            runId, Member.class), memberDigests.build());
                } else {
                    departments = readLive(connection, data, fetchSize, "orgsync_department", source, tenant,
                            Department.class, true);
                    members = readLive(connection, data, fetchSize, "orgsync_member", source, tenant,
                            Member.class, false);
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
        if (runId == null && !(departments.isEmpty() && members.isEmpty())) {
            // without a run, the guard would see "no previous run" and let anything through
            throw new RunFailedException("the database holds records of " + source + "/" + tenant
                    + " but orgsync_state names no run for them; restore orgsync_state or remove those rows");
        }
        return new LastRun(runId, compact, departments, members);
    }

    PreviousRun previous() {
        return runId == null ? PreviousRun.none() : new PreviousRun(runId, departments, members);
    }

    private static <R extends CanonicalRecord> StoredRecords<R> readLive(Connection connection, DataSource data,
                                                                         int fetchSize, String table, String source,
                                                                         String tenant, Class<R> type, boolean byPath)
            throws SQLException {
        List<StoredRow> rows = new ArrayList<>();
        PackedDigests.Builder byId = new PackedDigests.Builder(true);
        try (PreparedStatement select = connection.prepareStatement("SELECT id, content_hash"
                + (byPath ? ", path" : "") + " FROM " + table + " WHERE source = ? AND tenant = ? AND deleted_at IS NULL")) {
            select.setString(1, source);
            select.setString(2, tenant);
            // streams instead of holding a million rows in the driver (PostgreSQL needs autocommit off)
            select.setFetchSize(fetchSize);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    byte[] digest = HexFormat.of().parseHex(rs.getString(2));
                    if (byPath) {
                        rows.add(new StoredRow(rs.getString(1), digest, rs.getString(3)));
                    } else {
                        byId.add(rs.getString(1), digest);
                    }
                }
            }
        }
        return new StoredRecords<>(new StoredRecords.FromTable<>(data, table, source, tenant, type),
                byPath ? inTreeOrder(rows) : byId.build());
    }

    /** A department of the last run: its id, the SHA-256 of its record_json and its path joined by {@code /}. */
    private record StoredRow(String id, byte[] hash, String path) {
    }

    /** Departments by path, parents before their children, then by id. */
    private static PackedDigests inTreeOrder(List<StoredRow> rows) {
        rows.sort(Comparator.<StoredRow, List<String>>comparing(r -> List.of(r.path().split("/", -1)),
                LastRun::compareLists).thenComparing(StoredRow::id));
        PackedDigests.Builder packed = new PackedDigests.Builder(false);
        for (StoredRow row : rows) {
            packed.add(row.id(), row.hash());
        }
        return packed.build();
    }

    /** A parent's path is a prefix of its children's, so parents sort first. */
    private static int compareLists(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
