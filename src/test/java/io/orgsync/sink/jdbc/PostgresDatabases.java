package io.orgsync.sink.jdbc;

import io.orgsync.config.JdbcSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Embedded PostgreSQL 17 (zonky). Its default pg_hba trusts everyone, so a wrong password would
 * pass; ours trusts only the {@code postgres} superuser the tests set up with and makes every
 * other user prove its password.
 */
final class PostgresDatabases extends TestDatabases {

    private final EmbeddedPostgres postgres;

    PostgresDatabases() throws IOException {
        Path hba = Files.createTempFile("orgsync-pg-hba-", ".conf");
        Files.writeString(hba, """
                local all all                  trust
                host  all postgres 127.0.0.1/32 trust
                host  all postgres ::1/128      trust
                host  all all      127.0.0.1/32 scram-sha-256
                host  all all      ::1/128      scram-sha-256
                """);
        postgres = EmbeddedPostgres.builder().setServerConfig("hba_file", hba.toString()).start();
    }

    @Override
    String name() {
        return "PostgreSQL";
    }

    @Override
    JdbcSettings fresh() throws SQLException {
        String name = nextName();
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            execute(connection, "CREATE DATABASE " + name);
        }
        return new JdbcSettings(postgres.getJdbcUrl("postgres", name), "postgres", "");
    }

    @Override
    JdbcSettings withUser(JdbcSettings database, String user, String password) throws SQLException {
        try (Connection connection = connect(database)) {
            execute(connection, "CREATE USER " + user + " PASSWORD '" + password + "' SUPERUSER");
        }
        return new JdbcSettings(database.url().replace("user=postgres", "user=" + user), user, password);
    }

    @Override
    JdbcSettings unreachable() throws IOException {
        return new JdbcSettings("jdbc:postgresql://127.0.0.1:" + closedPort() + "/orgsync", "orgsync", "");
    }

    @Override
    void failOnMember(Connection connection, String id) throws SQLException {
        execute(connection, """
                CREATE FUNCTION orgsync_test_fail() RETURNS trigger AS $$
                BEGIN
                  IF NEW.id = '%s' THEN RAISE EXCEPTION 'injected failure for member %%', NEW.id; END IF;
                  RETURN NEW;
                END $$ LANGUAGE plpgsql""".formatted(id),
                "CREATE TRIGGER orgsync_test_fail BEFORE INSERT OR UPDATE ON orgsync_member "
                        + "FOR EACH ROW EXECUTE FUNCTION orgsync_test_fail()");
    }

    @Override
    void dropFailure(Connection connection) throws SQLException {
        execute(connection, "DROP TRIGGER orgsync_test_fail ON orgsync_member", "DROP FUNCTION orgsync_test_fail()");
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
