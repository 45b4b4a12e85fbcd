package io.orgsync.sink.jdbc;

/** The JDBC store suite on PostgreSQL 17 (embedded, zonky). */
class PostgresStoreTest extends JdbcStoreContract {

    @Override
    protected TestDatabases startDatabases() throws Exception {
        return new PostgresDatabases();
    }
}
