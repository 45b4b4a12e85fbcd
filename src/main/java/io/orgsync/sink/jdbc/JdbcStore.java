package io.orgsync.sink.jdbc;

import io.orgsync.run.FirstLoad;
import io.orgsync.run.Manifest;
import io.orgsync.run.PreviousRun;
import io.orgsync.run.RunResult;
import io.orgsync.run.StateStore;

import java.sql.SQLException;
import java.time.Clock;
import java.util.Collection;
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
 * written for an unchanged record — so an unchanged re-run touches no record row at all. The route
 * {@code sink-jdbc} ({@link JdbcSink}) applies it inside the run's one transaction, committed only
 * after every other sink has staged too.
 *
 * <p>{@link #load} remembers which run it saw; the route locks the tenant's
 * {@code orgsync_state} row and refuses to apply changes computed against another run, so two
 * processes syncing the same tenant cannot interleave their changes.
 */
public final class JdbcStore implements StateStore, AutoCloseable {

    public static final String NAME = "jdbc";
    /** Rows per JDBC batch: big enough for few round trips, small enough to bound driver memory. */
    public static final int DEFAULT_BATCH_SIZE = 1000;

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
    record Loaded(String runId, boolean compact) {
    }

    @Override
    public FirstLoad firstLoad(String source, String tenant, String runId) {
        return firstLoads.start(source, tenant, runId);
    }

    /** The run {@link #load} last saw of that tenant; null before any load. */
    Loaded loaded(String source, String tenant) {
        return loaded.get(key(source, tenant));
    }

    Clock clock() {
        return clock;
    }

    FirstLoads firstLoads() {
        return firstLoads;
    }

    RecordTables tables() {
        return tables;
    }

    int pieceBytes() {
        return pieceBytes;
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

    private static String key(String source, String tenant) {
        return source + "\u0000" + tenant;
    }
}
