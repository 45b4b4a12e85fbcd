package io.orgsync.sink.jdbc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A transaction opened outside the run's own (a first load's, while it cannot be handed over) that
 * must take nothing.
 */
final class Rollback {

    /** The sink's own logger name, which operators filter and search the log by. */
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);

    private Rollback() {
    }

    static void rollbackAndClose(Connection connection) {
        try (connection) {
            connection.rollback();
        } catch (SQLException e) {
            LOG.warn("could not roll back a staged run; the database discards it with the connection: {}",
                    Database.firstLine(e.getMessage()));
        }
    }
}
