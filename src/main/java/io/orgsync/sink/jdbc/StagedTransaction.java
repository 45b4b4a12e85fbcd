package io.orgsync.sink.jdbc;

import io.orgsync.run.Manifest;
import io.orgsync.run.RunFailedException;
import io.orgsync.run.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A run applied inside an open transaction: invisible to every other connection until committed. */
final class StagedTransaction implements Sink.Staged {

    /** The sink's own logger name, which operators filter and search the log by. */
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);

    private final Connection connection;
    private final Manifest manifest;
    private final String afterCommit;
    private boolean done;

    StagedTransaction(Connection connection, Manifest manifest, String afterCommit) {
        this.connection = connection;
        this.manifest = manifest;
        this.afterCommit = afterCommit;
    }

    /**
     * Returns once the run is durable: every other sink publishes it after this, and a run a
     * crash could still take back must never be visible anywhere.
     */
    @Override
    public void commit() {
        if (done) {
            throw new IllegalStateException("run " + manifest.runId() + " was already committed or discarded");
        }
        done = true;
        try (connection) {
            connection.commit();
            if (afterCommit != null) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute(afterCommit);
                }
            }
        } catch (SQLException e) {
            throw new RunFailedException("the database did not commit run " + manifest.runId() + ": "
                    + Database.describe(e), e);
        }
    }

    @Override
    public void close() {
        if (!done) {
            done = true;
            rollbackAndClose(connection);
        }
    }

    /** For every transaction that must take nothing: a staged run discarded, or one that failed on its way. */
    static void rollbackAndClose(Connection connection) {
        try (connection) {
            connection.rollback();
        } catch (SQLException e) {
            LOG.warn("could not roll back a staged run; the database discards it with the connection: {}",
                    Database.firstLine(e.getMessage()));
        }
    }
}
