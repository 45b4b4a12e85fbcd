package io.orgsync.sink.jdbc;

import io.orgsync.run.CanonicalLines;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunCoordinator;
import io.orgsync.run.RunFailedException;
import io.orgsync.run.RunResult;
import io.orgsync.run.RunStatus;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.spi.Registry;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The steps of the route {@code sink-jdbc} ({@code jdbc-sink.camel.yaml}, bean {@value #BEAN}) and
 * the transaction they run in. The route's camel-sql steps lock and advance the tenant's
 * {@code orgsync_state} row and insert the run's {@code orgsync_run} row; {@link #apply} writes the
 * records in JDBC batches on the same connection: one pass over the change list interleaves eight
 * statements, and the batches are what holds the benchmark's rate ({@code docs/performance.md}).
 * Every statement runs on the connection of the transaction the
 * route {@code orgsync-stage} opened ({@link #TRANSACTION}): nothing is visible before it commits,
 * and a run failing anywhere leaves every table as it was.
 */
public final class JdbcSink {

    public static final String BEAN = "jdbcSink";
    /** The pool inside the run's transaction, for camel-sql ({@code dataSource=#orgsyncDataSource}). */
    public static final String DATA_SOURCE = "orgsyncDataSource";
    /** Camel's {@code transacted("orgsyncTransaction")}: Spring's transaction manager over that pool. */
    public static final String TRANSACTION = "orgsyncTransaction";
    /** The exchange property holding a first run's {@link FetchTimeLoad} once its transaction goes on. */
    static final String FIRST_LOAD = "orgsyncFirstLoad";

    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);

    private final JdbcStore store;
    private final RunDataSource dataSource;
    private final Clock clock;

    private JdbcSink(JdbcStore store) {
        this.store = store;
        this.dataSource = new RunDataSource(store.database().dataSource());
        this.clock = store.clock();
    }

    /** The sink's bean, its data source and the run's transaction policy, under the names the routes use. */
    public static void bind(Registry registry, JdbcStore store) {
        JdbcSink sink = new JdbcSink(store);
        registry.bind(BEAN, sink);
        registry.bind(DATA_SOURCE, DataSource.class, sink.dataSource);
        DataSourceTransactionManager manager = new DataSourceTransactionManager(sink.dataSource);
        registry.bind(TRANSACTION, new SpringTransactionPolicy(new TransactionTemplate(manager)));
    }

    /**
     * Before the run's transaction begins: a first run that wrote members while fetching hands its
     * open transaction over, and the run's transaction begins on it.
     */
    public void continueFirstLoad(@ExchangeProperty(RunCoordinator.RESULT) RunResult result,
                                  @ExchangeProperties Map<String, Object> properties) {
        FetchTimeLoad load = store.firstLoads().running(result.manifest().runId());
        Connection connection = load == null ? null : load.handOver();
        if (connection != null) {
            dataSource.handOver(connection);
            properties.put(FIRST_LOAD, load);
        }
    }

    /**
     * The route's first step: the run's {@code orgsync_run} row by column name, with
     * {@code applied_at}, the time every row it writes carries, and {@code compared_with}, the run
     * its changes were computed against. The body for the camel-sql steps that follow.
     */
    public Map<String, Object> runRow(@ExchangeProperty(RunCoordinator.RESULT) RunResult result,
                                      @ExchangeProperty(FIRST_LOAD) FetchTimeLoad firstLoad) throws SQLException {
        Manifest manifest = result.manifest();
        if (manifest.status() != RunStatus.SUCCESS) {
            throw new IllegalArgumentException("only successful runs are applied; run " + manifest.runId() + " is "
                    + (manifest.status() == null ? null : manifest.status().wireName()));
        }
        JdbcStore.Loaded comparedWith = store.loaded(manifest.source(), manifest.tenant());
        if (comparedWith == null) {
            throw new IllegalStateException("run " + manifest.runId() + " is staged without its previous state "
                    + "having been loaded: its changes cannot be trusted");
        }
        String durable = store.database().dialect().inTransaction();
        if (durable != null) {
            try (Statement statement = connection().createStatement()) {
                statement.execute(durable);
            }
        }
        Map<String, Object> row = RunLog.row(manifest);
        row.put("applied_at", firstLoad != null ? firstLoad.now() : RecordColumns.utc(clock.instant()));
        row.put("compared_with", comparedWith.runId());
        return row;
    }

    /**
     * After the tenant's {@code orgsync_state} row was locked: changes computed against another
     * run than the one it holds are refused, so two processes syncing one tenant cannot interleave.
     *
     * @param state the locked row ({@code SELECT last_run_id … FOR UPDATE}): none before the tenant's first run
     */
    public void checkState(@Header("orgsyncStateRow") List<Map<String, Object>> state, @Body Map<String, Object> row) {
        Object holds = state.isEmpty() ? null : state.get(0).values().iterator().next();
        if (!Objects.equals(holds, row.get("compared_with"))) {
            throw new RunFailedException("run " + holds + " of " + row.get("source") + "/" + row.get("tenant")
                    + " reached the database after run " + row.get("run_id") + " had read its previous state ("
                    + row.get("compared_with") + "); nothing was applied, and the next run compares with the newer "
                    + "state");
        }
    }

    /**
     * The run's records: from its change list after a run the tables followed, whole after runs
     * that kept only the compact state, or as the compact state for a run not for the tables.
     */
    public void apply(@ExchangeProperty(RunCoordinator.RESULT) RunResult result, @Body Map<String, Object> row,
                      @ExchangeProperty(FIRST_LOAD) FetchTimeLoad firstLoad) {
        Manifest manifest = result.manifest();
        LocalDateTime now = (LocalDateTime) row.get("applied_at");
        JdbcStore.Loaded comparedWith = store.loaded(manifest.source(), manifest.tenant());
        try {
            Connection connection = connection();
            if (!result.tables() && firstLoad == null) {
                keepCompact(connection, result, comparedWith);
            } else if (comparedWith.compact()) {
                store.tables().applyWhole(connection, result, now);
            } else {
                store.tables().apply(connection, result, now, firstLoad);
            }
        } catch (SQLException e) {
            throw new RunFailedException("the database did not take run " + manifest.runId() + ": "
                    + Database.describe(e), e);
        }
    }

    /**
     * After the run's transaction committed: the run is applied, whatever a later sink does, and
     * it is made durable before any other sink shows it (H2 writes a commit to disk only later).
     */
    public void committed(@ExchangeProperties Map<String, Object> properties,
                          @ExchangeProperty(RunCoordinator.MANIFEST) Manifest manifest) {
        properties.put(RunCoordinator.STATE_COMMITTED, true);
        String afterCommit = store.database().dialect().afterCommit();
        if (afterCommit == null) {
            return;
        }
        try (Connection connection = store.database().dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            statement.execute(afterCommit);
        } catch (SQLException e) {
            throw new RunFailedException("the database did not make run " + (manifest == null ? "?" : manifest.runId())
                    + " durable: " + Database.describe(e), e);
        }
    }

    /**
     * A run that does not go to the tables: the compact state takes its records, all of them,
     * since it holds one run whole; a run that changed nothing only renames the run they belong
     * to. The tables keep showing the last run that went to them.
     */
    private void keepCompact(Connection connection, RunResult result, JdbcStore.Loaded comparedWith)
            throws SQLException {
        Manifest manifest = result.manifest();
        if (comparedWith.compact() && manifest.created() + manifest.updated() + manifest.deleted() == 0) {
            CompactState.retag(connection, manifest.source(), manifest.tenant(), manifest.runId());
            return;
        }
        if (comparedWith.runId() != null && !comparedWith.compact()) {
            LOG.warn("orgsync.sinks does not list jdbc: the orgsync_department and orgsync_member rows of {}/{} "
                    + "stay as run {} left them, and later runs keep only a compact state; list jdbc to have "
                    + "the tables follow again", manifest.source(), manifest.tenant(), comparedWith.runId());
        }
        Iterator<byte[]> lines = CanonicalLines.records(result.departments());
        Iterator<byte[]> members = CanonicalLines.records(result.members());
        CompactState.write(connection, manifest.source(), manifest.tenant(), manifest.runId(), store.pieceBytes(),
                new Iterator<>() {
            @Override
            public boolean hasNext() {
                return lines.hasNext() || members.hasNext();
            }

            @Override
            public byte[] next() {
                return lines.hasNext() ? lines.next() : members.next();
            }
        });
    }

    /** The run's transaction's connection; outside one, writing would commit row by row. */
    private Connection connection() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("the jdbc sink writes only inside the run's transaction (orgsync-stage)");
        }
        return DataSourceUtils.getConnection(dataSource);
    }
}
