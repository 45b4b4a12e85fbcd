package io.orgsync.sink.jdbc;

import io.orgsync.model.CanonicalJson;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code orgsync_run} table: one row per run with its manifest's figures. A successful run's
 * row is written inside the transaction that applies it, so the row exists exactly when the run
 * is committed — which is what every published thing is checked against at start.
 */
final class RunLog {

    private static final String INSERT = "INSERT INTO orgsync_run (run_id, source, tenant, started_at, "
            + "finished_at, status, departments, members, created, updated, deleted, api_calls, retries, "
            + "delivery_failures, error, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final int IN_LIST = 500;

    private final DataSource database;

    RunLog(DataSource database) {
        this.database = database;
    }

    /** The run's row, in the caller's transaction. */
    static void insert(Connection connection, Manifest m) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setString(1, m.runId());
            insert.setString(2, m.source());
            insert.setString(3, m.tenant());
            setTimestamp(insert, 4, m.startedAt());
            setTimestamp(insert, 5, m.finishedAt());
            insert.setString(6, m.status().wireName());
            insert.setLong(7, m.departments());
            insert.setLong(8, m.members());
            insert.setLong(9, m.created());
            insert.setLong(10, m.updated());
            insert.setLong(11, m.deleted());
            insert.setLong(12, m.apiCalls());
            insert.setLong(13, m.retries());
            insert.setLong(14, m.deliveryFailures());
            RecordColumns.setString(insert, 15, DbText.column(m.error()));
            RecordColumns.setString(insert, 16, DbText.column(CanonicalJson.toLine(m.warnings())));
            insert.executeUpdate();
        }
    }

    /** A failed or held run: its row alone, in a transaction of its own. */
    void recordUnapplied(Manifest manifest) throws SQLException {
        if (manifest.status() == RunStatus.SUCCESS) {
            throw new IllegalArgumentException("run " + manifest.runId() + " succeeded; it is staged, not recorded");
        }
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(true);
            insert(connection, manifest);
        }
    }

    /** Only the delivery failures of a committed run change after commit. */
    void amend(Manifest manifest) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE orgsync_run SET delivery_failures = ? WHERE run_id = ?")) {
            connection.setAutoCommit(true);
            update.setLong(1, manifest.deliveryFailures());
            update.setString(2, manifest.runId());
            if (update.executeUpdate() != 1) {
                throw new SQLException("run " + manifest.runId() + " has no orgsync_run row to amend");
            }
        }
    }

    /** The ids among {@code runIds} recorded with status {@code success}. */
    Set<String> committed(Collection<String> runIds) throws SQLException {
        Set<String> committed = new HashSet<>();
        List<String> ids = List.copyOf(runIds);
        try (Connection connection = database.getConnection()) {
            for (int from = 0; from < ids.size(); from += IN_LIST) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IN_LIST));
                try (PreparedStatement select = connection.prepareStatement("SELECT run_id FROM orgsync_run WHERE "
                        + "status = 'success' AND run_id IN (" + String.join(", ", Collections.nCopies(chunk.size(), "?"))
                        + ")")) {
                    for (int i = 0; i < chunk.size(); i++) {
                        select.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            committed.add(rows.getString(1));
                        }
                    }
                }
            }
        }
        return committed;
    }

    private static void setTimestamp(PreparedStatement statement, int index, String isoInstant) throws SQLException {
        if (isoInstant == null) {
            statement.setNull(index, Types.TIMESTAMP);
            return;
        }
        try {
            statement.setObject(index, RecordColumns.utc(Instant.parse(isoInstant)));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("manifest timestamp '" + isoInstant + "' is not an ISO-8601 instant");
        }
    }
}
