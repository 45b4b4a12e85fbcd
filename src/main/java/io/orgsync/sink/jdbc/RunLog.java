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
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * The run's {@code orgsync_run} row by column name, as the route {@code sink-jdbc} inserts it
     * with camel-sql inside the run's transaction, and {@link #insert} for failed and held runs.
     */
    static Map<String, Object> row(Manifest m) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("run_id", m.runId());
        row.put("source", m.source());
        row.put("tenant", m.tenant());
        row.put("started_at", timestamp(m.startedAt()));
        row.put("finished_at", timestamp(m.finishedAt()));
        row.put("status", m.status().wireName());
        row.put("departments", m.departments());
        row.put("members", m.members());
        row.put("created", m.created());
        row.put("updated", m.updated());
        row.put("deleted", m.deleted());
        row.put("api_calls", m.apiCalls());
        row.put("retries", m.retries());
        row.put("delivery_failures", m.deliveryFailures());
        row.put("error", DbText.column(m.error()));
        row.put("warnings", DbText.column(CanonicalJson.toLine(m.warnings())));
        return row;
    }

    /** The run's row, in the caller's transaction. */
    static void insert(Connection connection, Manifest m) throws SQLException {
        Map<String, Object> row = row(m);
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            int i = 1;
            for (Object value : row.values()) {
                if (value == null) {
                    insert.setNull(i, i <= 5 ? Types.TIMESTAMP : Types.VARCHAR);
                } else {
                    insert.setObject(i, value);
                }
                i++;
            }
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

    private static LocalDateTime timestamp(String isoInstant) {
        if (isoInstant == null) {
            return null;
        }
        try {
            return RecordColumns.utc(Instant.parse(isoInstant));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("manifest timestamp '" + isoInstant + "' is not an ISO-8601 instant");
        }
    }
}
