package io.orgsync.sink.jdbc;

import io.orgsync.run.Manifest;
import io.orgsync.run.RunFailedException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.Objects;

/**
 * A tenant's {@code orgsync_state} row: which run the state holds. Read by every load; locked by
 * staging and by a first load, which is what keeps two processes from applying runs of one tenant
 * at once.
 *
 * @param lastRunId null when the row does not exist or no run committed yet
 */
record StateRow(boolean exists, String lastRunId) {

    static StateRow read(Connection connection, String source, String tenant, boolean forUpdate)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT last_run_id FROM orgsync_state "
                + "WHERE source = ? AND tenant = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            select.setString(1, source);
            select.setString(2, tenant);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? new StateRow(true, row.getString(1)) : new StateRow(false, null);
            }
        }
    }

    static void insert(Connection connection, String source, String tenant, LocalDateTime now)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO orgsync_state (source, tenant, last_run_id, updated_at) VALUES (?, ?, NULL, ?)")) {
            insert.setString(1, source);
            insert.setString(2, tenant);
            insert.setObject(3, now);
            insert.executeUpdate();
        }
    }

    /**
     * The row lock serialises runs of one tenant across processes. The first run of a tenant
     * creates the row; of two first runs racing, the second fails on the key and applies nothing.
     */
    static void lock(Connection connection, Manifest manifest, String comparedWith, LocalDateTime now)
            throws SQLException {
        StateRow state = read(connection, manifest.source(), manifest.tenant(), true);
        if (!state.exists()) {
            insert(connection, manifest.source(), manifest.tenant(), now);
        }
        if (!Objects.equals(state.lastRunId(), comparedWith)) {
            throw new RunFailedException("run " + state.lastRunId() + " of " + manifest.source() + "/"
                    + manifest.tenant() + " reached the database after run " + manifest.runId()
                    + " had read its previous state (" + comparedWith + "); nothing was applied, and the next run "
                    + "compares with the newer state");
        }
    }

    /** The staged run becomes the one the state holds, inside the transaction that applies it. */
    static void advance(Connection connection, Manifest manifest, LocalDateTime now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE orgsync_state SET last_run_id = ?, updated_at = ? WHERE source = ? AND tenant = ?")) {
            update.setString(1, manifest.runId());
            update.setObject(2, now);
            update.setString(3, manifest.source());
            update.setString(4, manifest.tenant());
            update.executeUpdate();
        }
    }
}
