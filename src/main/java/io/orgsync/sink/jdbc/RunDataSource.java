package io.orgsync.sink.jdbc;

import org.springframework.jdbc.datasource.DelegatingDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The pool as the run's transaction and the camel-sql steps see it ({@code #orgsyncDataSource}).
 * A tenant's first run has had its transaction open since it began fetching ({@link FetchTimeLoad});
 * handed over to the thread that stages the run, that connection is the one the transaction
 * manager gets when the run's transaction begins on that thread, so the members written while
 * fetching commit or roll back with the rest of the run. Spring releases it to the pool afterwards
 * like any other.
 */
final class RunDataSource extends DelegatingDataSource {

    private final ThreadLocal<Connection> handedOver = new ThreadLocal<>();

    RunDataSource(DataSource pool) {
        super(pool);
    }

    /** The next connection this thread asks for is {@code connection}, already inside its transaction. */
    void handOver(Connection connection) {
        Connection earlier = handedOver.get();
        if (earlier != null) {
            handedOver.remove();
            Rollback.rollbackAndClose(earlier);
            throw new IllegalStateException("a first load's transaction was handed over and never taken");
        }
        handedOver.set(connection);
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = handedOver.get();
        if (connection != null) {
            handedOver.remove();
            return connection;
        }
        return super.getConnection();
    }
}
