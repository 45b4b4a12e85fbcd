package io.orgsync.sink.jdbc;

/** The JDBC store suite on H2, the embedded default. */
class H2StoreTest extends JdbcStoreContract {

    @Override
    protected TestDatabases startDatabases() throws Exception {
        return new H2Databases();
    }
}
