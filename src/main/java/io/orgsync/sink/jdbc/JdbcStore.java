package io.orgsync.sink.jdbc;

import io.orgsync.run.CanonicalLines;
import io.orgsync.run.FirstLoad;
import io.orgsync.run.Manifest;
import io.orgsync.run.PreviousRun;
import io.orgsync.run.RunFailedException;
import io.orgsync.run.RunResult;
import io.orgsync.run.RunStatus;
import io.orgsync.run.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code jdbc} sink and the state store: per source and tenant,
 * the canonical records of the last successful run, which the next run is compared with. A run
 * that goes to the jdbc sink ({@link RunResult#tables()}) is applied to the {@code orgsync_*}
 * tables; any other run only replaces the tenant's {@link CompactState}, which takes a few rows
 * where the tables take several per member. {@link #load} reads whichever holds the last run.
 *
 * <p>A run is applied from its change list, not by rewriting the snapshot: created and updated
 * records are upserted (which also revives a soft-deleted row), vanished ones get
 * {@code deleted_at}, a changed member's departments and relations are replaced, and nothing is
 * written for an unchanged record — so an unchanged re-run touches no record row at all. Everything
 * happens in one transaction opened by {@link #stage} and committed only by
 * {@link Staged#commit()}, after every other sink has staged too.
 *
 * <p>{@link #load} remembers which run it saw; {@link #stage} locks the tenant's
 * {@code orgsync_state} row and refuses to apply changes computed against another run, so two
 * processes syncing the same tenant cannot interleave their changes.
 */
public final class JdbcStore implements StateStore, AutoCloseable {

    public static final String NAME = "jdbc";
    /** Rows per JDBC batch: big enough for few round trips, small enough to bound driver memory. */
    public static final int DEFAULT_BATCH_SIZE = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);

    private final Database database;
    private final RunLog runLog;
    private final Clock clock;
    private final int batchSize;
    /** Bytes per piece of the compact state; tests make it small to write many. */
    private final int pieceBytes;
    private final RecordTables tables;
    private final FirstLoads firstLoads;
    /** Per source and tenant, the run {@link #load} last saw (empty: none yet). */
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();

    public JdbcStore(Database database, Clock clock) {
        this(database, clock, DEFAULT_BATCH_SIZE);
    }

    public JdbcStore(Database database, Clock clock, int batchSize) {
        this(database, clock, batchSize, CompactState.PIECE_BYTES);
    }

    JdbcStore(Database database, Clock clock, int batchSize, int pieceBytes) {
        if (batchSize < 1 || pieceBytes < 1) {
            throw new IllegalArgumentException("batch size and piece size must be positive, were " + batchSize
                    + " and " + pieceBytes);
        }
        this.database = database;
        this.runLog = new RunLog(database.dataSource());
        this.clock = clock;
        this.pieceBytes = pieceBytes;
        this.batchSize = batchSize;
        this.tables = new RecordTables(database.dialect(), batchSize);
        this.firstLoads = new FirstLoads(database, clock, batchSize);
    }

    @Override
    public String name() {
        return NAME;
    }

    public Database database() {
        return database;
    }

    /** The tenant's {@link LastRun}, remembering which run it was for {@link #stage} to check. */
    @Override
    public PreviousRun load(String source, String tenant) throws SQLException {
        LastRun last = LastRun.read(database, batchSize, source, tenant);
        loaded.put(key(source, tenant), new Loaded(last.runId(), last.compact()));
        return last.previous();
    }

    /** The run a load saw, and whether the compact state held it (so the tables may show an older one). */
    private record Loaded(String runId, boolean compact) {
    }

    @Override
    public FirstLoad firstLoad(String source, String tenant, String runId) {
        return firstLoads.start(source, tenant, runId);
    }

    @Override
    public Staged stage(RunResult result) throws SQLException {
        Manifest manifest = result.manifest();
        checkSuccessful(result);
        String key = key(manifest.source(), manifest.tenant());
        Loaded comparedWith = loaded.get(key);
        if (comparedWith == null) {
            throw new IllegalStateException("run " + manifest.runId() + " is staged without its previous state "
                    + "having been loaded: its changes cannot be trusted");
        }
        FetchTimeLoad firstLoad = firstLoads.running(manifest.runId());
        Connection early = firstLoad != null ? firstLoad.handOver() : null;
        if (early == null) {
            firstLoad = null;
        }
        Connection connection = early != null ? early : database.dataSource().getConnection();
        boolean staged = false;
        try {
            connection.setAutoCommit(false);
            String durable = database.dialect().inTransaction();
            if (durable != null) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(durable);
                }
            }
            LocalDateTime now = firstLoad != null ? firstLoad.now() : RecordColumns.utc(clock.instant());
            StateRow.lock(connection, manifest, comparedWith.runId(), now);
            if (!result.tables() && firstLoad == null) {
                keepCompact(connection, result, comparedWith);
            } else if (comparedWith.compact()) {
                tables.applyWhole(connection, result, now);
            } else {
                tables.apply(connection, result, now, firstLoad);
            }
            RunLog.insert(connection, manifest);
            StateRow.advance(connection, manifest, now);
            staged = true;
            return new StagedTransaction(connection, manifest, database.dialect().afterCommit());
        } catch (SQLException e) {
            throw new RunFailedException("the database did not take run " + manifest.runId() + ": "
                    + Database.describe(e), e);
        } finally {
            if (!staged) {
                StagedTransaction.rollbackAndClose(connection);
            }
        }
    }

    /**
     * A run that does not go to the tables: the compact state takes its records, all of them,
     * since it holds one run whole; a run that changed nothing only renames the run they belong
     * to. The tables keep showing the last run that went to them.
     */
    private void keepCompact(Connection connection, RunResult result, Loaded comparedWith)
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
        CompactState.write(connection, manifest.source(), manifest.tenant(), manifest.runId(), pieceBytes,
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

    @Override
    public Set<String> committed(Collection<String> runIds) throws SQLException {
        return runLog.committed(runIds);
    }

    @Override
    public void recordUnapplied(Manifest manifest) throws SQLException {
        runLog.recordUnapplied(manifest);
    }

    @Override
    public void amend(Manifest manifest) throws SQLException {
        runLog.amend(manifest);
    }

    @Override
    public void close() {
        database.close();
    }

    /** Only successful runs are applied. */
    private static void checkSuccessful(RunResult result) {
        Manifest m = result.manifest();
        if (m.status() != RunStatus.SUCCESS) {
            throw new IllegalArgumentException("only successful runs are applied; run " + m.runId() + " is "
                    + (m.status() == null ? null : m.status().wireName()));
        }
    }

    private static String key(String source, String tenant) {
        return source + "\u0000" + tenant;
    }
}
