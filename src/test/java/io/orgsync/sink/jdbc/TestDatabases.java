package io.orgsync.sink.jdbc;

import io.orgsync.config.JdbcSettings;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real database server for {@link JdbcStoreContract}: started once per test class, handing out
 * one fresh, empty database per test so that tests share nothing but the server.
 */
abstract class TestDatabases implements AutoCloseable {

    private final AtomicInteger next = new AtomicInteger();

    abstract String name();

    /** Connection settings of a new, empty database. */
    abstract JdbcSettings fresh() throws Exception;

    /** Settings for {@code database} as a new user who logs in with {@code password}. */
    abstract JdbcSettings withUser(JdbcSettings database, String user, String password) throws Exception;

    /** Settings that point at a port where nothing listens. */
    abstract JdbcSettings unreachable() throws IOException;

    /**
     * A trigger that makes every insert or update of the member row with {@code id} fail, as a
     * constraint or a full disk would: the database itself refuses, not the code under test.
     */
    abstract void failOnMember(Connection connection, String id) throws SQLException;

    abstract void dropFailure(Connection connection) throws SQLException;

    protected String nextName() {
        return "orgsync_t" + next.incrementAndGet();
    }

    static Connection connect(JdbcSettings settings) throws SQLException {
        return DriverManager.getConnection(SqlDialect.of(settings.url()).driverUrl(settings.url()),
                settings.username().isEmpty() ? "sa" : settings.username(), settings.password());
    }

    static void execute(Connection connection, String... statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
