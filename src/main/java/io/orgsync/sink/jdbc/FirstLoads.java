package io.orgsync.sink.jdbc;

import io.orgsync.run.FirstLoad;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The first runs writing while they fetch ({@link FetchTimeLoad}), by run id, from their start
 * until staging takes their transaction over or the run ends without it.
 */
final class FirstLoads {

    /** The sink's own logger name, which operators filter and search the log by. */
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);

    private final Database database;
    private final Clock clock;
    private final int batchSize;
    private final Map<String, FetchTimeLoad> running = new ConcurrentHashMap<>();
    /**
     * A first load keeps its connection for the whole fetch: two at most, so that the other runs'
     * reads and applies, and the health check, always find one in the pool.
     */
    private final Semaphore connections = new Semaphore(Database.POOL_SIZE - 2);

    FirstLoads(Database database, Clock clock, int batchSize) {
        this.database = database;
        this.clock = clock;
        this.batchSize = batchSize;
    }

    /**
     * Only while the tenant has no committed run and no member rows at all: then every member the
     * run lists is created, and a plain INSERT of its first listing is right. The transaction
     * takes the tenant's {@code orgsync_state} row now, as staging would later. Any trouble here
     * returns null, leaving the run to be applied when staged, which reports what is wrong.
     */
    FirstLoad start(String source, String tenant, String runId) {
        if (!connections.tryAcquire()) {
            return null;
        }
        Connection connection = null;
        boolean started = false;
        try {
            connection = database.dataSource().getConnection();
            connection.setAutoCommit(false);
            LocalDateTime now = RecordColumns.utc(clock.instant());
            StateRow state = StateRow.read(connection, source, tenant, true);
            if (state.lastRunId() != null || hasMembers(connection, source, tenant)) {
                return null;
            }
            if (!state.exists()) {
                StateRow.insert(connection, source, tenant, now);
            }
            FetchTimeLoad load = new FetchTimeLoad(connection, batchSize, source, tenant, runId, now, () -> {
                if (running.remove(runId) != null) {
                    connections.release();
                }
            });
            running.put(runId, load);
            started = true;
            return load;
        } catch (SQLException | RuntimeException e) {
            LOG.debug("run {} is applied when staged, not while fetching: {}", runId, e.getMessage());
            return null;
        } finally {
            if (!started) {
                if (connection != null) {
                    Rollback.rollbackAndClose(connection);
                }
                connections.release();
            }
        }
    }

    /** The run's load until it is handed over or closed; null when the run has none. */
    FetchTimeLoad running(String runId) {
        return running.get(runId);
    }

    private static boolean hasMembers(Connection connection, String source, String tenant) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT 1 FROM orgsync_member WHERE source = ? AND tenant = ?")) {
            select.setMaxRows(1);
            select.setString(1, source);
            select.setString(2, tenant);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        }
    }
}
