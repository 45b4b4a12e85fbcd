package io.orgsync.sink.jdbc;

import io.orgsync.config.JdbcSettings;
import org.h2.api.Trigger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/** H2 file databases under a temporary folder, as the embedded default uses. */
final class H2Databases extends TestDatabases {

    private final Path dir;

    H2Databases() throws IOException {
        dir = Files.createTempDirectory("orgsync-h2-");
    }

    @Override
    String name() {
        return "H2";
    }

    @Override
    JdbcSettings fresh() {
        return new JdbcSettings("jdbc:h2:file:" + dir.resolve(nextName()).resolve("orgsync")
                + ";DB_CLOSE_ON_EXIT=FALSE", "", "");
    }

    @Override
    JdbcSettings withUser(JdbcSettings database, String user, String password) throws SQLException {
        try (Connection connection = connect(database)) {
            execute(connection, "CREATE USER " + user + " PASSWORD '" + password + "' ADMIN");
        }
        return new JdbcSettings(database.url(), user, password);
    }

    @Override
    JdbcSettings unreachable() throws IOException {
        return new JdbcSettings("jdbc:h2:tcp://127.0.0.1:" + closedPort() + "/orgsync", "", "");
    }

    @Override
    void failOnMember(Connection connection, String id) throws SQLException {
        FailingTrigger.id = id;
        execute(connection, "CREATE TRIGGER orgsync_test_fail BEFORE INSERT, UPDATE ON orgsync_member "
                + "FOR EACH ROW CALL '" + FailingTrigger.class.getName() + "'");
    }

    @Override
    void dropFailure(Connection connection) throws SQLException {
        execute(connection, "DROP TRIGGER orgsync_test_fail");
    }

    @Override
    public void close() {
        // the folder lies under target/test-tmp; mvn clean takes it
    }

    /** H2 triggers are Java classes; this one refuses the member row named in {@link #id}. */
    public static final class FailingTrigger implements Trigger {
        static volatile String id;

        @Override
        public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
            if (newRow != null && id != null && id.equals(newRow[2])) {
                throw new SQLException("injected failure for member " + id, "45000");
            }
        }
    }
}
