package io.orgsync.sink.jdbc;


import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;

/**
 * A tenant's {@code orgsync_state} row: which run the state holds. Read by every load; locked by
 * a first load here and by the route {@code sink-jdbc}, which is what keeps two processes from
 * applying runs of one tenant at once.
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
}
