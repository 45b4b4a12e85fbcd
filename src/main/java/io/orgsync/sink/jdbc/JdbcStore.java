package io.orgsync.sink.jdbc;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.CanonicalRecord;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;
import io.orgsync.run.CanonicalLines;
import io.orgsync.run.Change;
import io.orgsync.run.ChangeOp;
import io.orgsync.run.DigestedRecords;
import io.orgsync.run.FirstLoad;
import io.orgsync.run.Manifest;
import io.orgsync.run.PreviousRun;
import io.orgsync.run.RunFailedException;
import io.orgsync.run.RunResult;
import io.orgsync.run.RunStatus;
import io.orgsync.run.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import javax.sql.DataSource;

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
    /** The id columns are VARCHAR(255); longer vendor ids are refused rather than truncated. */
    static final int MAX_ID_LENGTH = 255;

    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);

    private static final List<String> KEY = List.of("source", "tenant", "id");
    private static final List<String> DEPARTMENT_COLUMNS = List.of("source", "tenant", "id", "parent_id", "name",
            "type", "sort_order", "path", "attributes", "record_json", "content_hash", "last_run_id", "updated_at",
            "deleted_at");
    private static final List<String> MEMBER_COLUMNS = List.of("source", "tenant", "id", "name", "role", "mobile",
            "email", "status", "attributes", "record_json", "content_hash", "last_run_id", "updated_at",
            "deleted_at");
    static final String INSERT_MEMBERSHIP = "INSERT INTO orgsync_member_department "
            + "(source, tenant, member_id, department_id) VALUES (?, ?, ?, ?)";
    static final String INSERT_RELATION = "INSERT INTO orgsync_relation "
            + "(source, tenant, member_id, related_id, role, relation) VALUES (?, ?, ?, ?, ?, ?)";

    private static final ObjectReader DEPARTMENT_READER = reader(Department.class);
    private static final ObjectReader MEMBER_READER = reader(Member.class);
    /** Ids per {@code IN (…)} when fetching last known records: well under every driver's parameter limit. */
    private static final int IN_LIST = 500;

    private final Database database;
    private final RunLog runLog;
    private final Clock clock;
    private final int batchSize;
    /** Bytes per piece of the compact state; tests make it small to write many. */
    private final int pieceBytes;
    private final String upsertDepartment;
    private final String upsertMember;
    private final String insertMember;
    /** Per source and tenant, the run {@link #load} last saw (empty: none yet). */
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();
    /** First runs writing while they fetch, by run id, until staged or closed. */
    private final Map<String, FetchTimeLoad> firstLoads = new ConcurrentHashMap<>();
    /**
     * A first load keeps its connection for the whole fetch: two at most, so that the other runs'
     * reads and applies, and the health check, always find one in the pool.
     */
    private final Semaphore firstLoadConnections = new Semaphore(Database.POOL_SIZE - 2);

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
        this.upsertDepartment = database.dialect().upsert("orgsync_department", KEY, DEPARTMENT_COLUMNS);
        this.upsertMember = database.dialect().upsert("orgsync_member", KEY, MEMBER_COLUMNS);
        this.insertMember = SqlDialect.insert("orgsync_member", MEMBER_COLUMNS);
    }

    @Override
    public String name() {
        return NAME;
    }

    public Database database() {
        return database;
    }

    /**
     * The last run's records as {@link DigestedRecords}: ids and content hashes, read in one
     * repeatable-read transaction so that departments and members belong to the same run, from
     * the compact state when it holds that run and from the live rows ({@code deleted_at is null})
     * otherwise. Whole records are fetched later, and only for the deletions. Departments come
     * in tree order (by path) and members by id, whatever order the database returns them in, so
     * change lists are the same on every database and in either form.
     */
    @Override
    public PreviousRun load(String source, String tenant) throws SQLException {
        String runId;
        boolean compact;
        StoredRecords<Department> departments;
        StoredRecords<Member> members;
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setAutoCommit(false);
            try {
                runId = readState(connection, source, tenant, false).lastRunId();
                compact = runId != null && runId.equals(CompactState.runId(connection, source, tenant));
                if (compact) {
                    List<StoredRow> departmentRows = new ArrayList<>();
                    // members straight into their packed form: they are a repeat sync's memory
                    PackedDigests.Builder memberDigests = new PackedDigests.Builder(true);
                    CompactState.read(connection, source, tenant, runId, line -> {
                        CompactLine read = CompactLine.of(line, source, tenant);
                        if (read.department()) {
                            departmentRows.add(new StoredRow(read.id(), sha256(line), read.path()));
                        } else {
                            memberDigests.add(read.id(), sha256(line));
                        }
                    });
                    DataSource data = database.dataSource();
                    departments = new StoredRecords<>(new FromCompactState<>(data, source, tenant, runId,
                            Department.class), inTreeOrder(departmentRows));
                    members = new StoredRecords<>(new FromCompactState<>(data, source, tenant, runId, Member.class),
                            memberDigests.build());
                } else {
                    departments = readLive(connection, "orgsync_department", source, tenant, Department.class, true);
                    members = readLive(connection, "orgsync_member", source, tenant, Member.class, false);
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
        if (runId == null && !(departments.isEmpty() && members.isEmpty())) {
            // without a run, the guard would see "no previous run" and let anything through
            throw new RunFailedException("the database holds records of " + source + "/" + tenant
                    + " but orgsync_state names no run for them; restore orgsync_state or remove those rows");
        }
        loaded.put(key(source, tenant), new Loaded(runId, compact));
        return runId == null ? PreviousRun.none() : new PreviousRun(runId, departments, members);
    }

    /** The run a load saw, and whether the compact state held it (so the tables may show an older one). */
    private record Loaded(String runId, boolean compact) {
    }

    private <R extends CanonicalRecord> StoredRecords<R> readLive(Connection connection, String table, String source,
                                                                  String tenant, Class<R> type, boolean byPath)
            throws SQLException {
        List<StoredRow> rows = new ArrayList<>();
        PackedDigests.Builder byId = new PackedDigests.Builder(true);
        try (PreparedStatement select = connection.prepareStatement("SELECT id, content_hash"
                + (byPath ? ", path" : "") + " FROM " + table + " WHERE source = ? AND tenant = ? AND deleted_at IS NULL")) {
            select.setString(1, source);
            select.setString(2, tenant);
            // streams instead of holding a million rows in the driver (PostgreSQL needs autocommit off)
            select.setFetchSize(batchSize);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    byte[] digest = HexFormat.of().parseHex(rs.getString(2));
                    if (byPath) {
                        rows.add(new StoredRow(rs.getString(1), digest, rs.getString(3)));
                    } else {
                        byId.add(rs.getString(1), digest);
                    }
                }
            }
        }
        return new StoredRecords<>(new FromTable<>(database.dataSource(), table, source, tenant, type),
                byPath ? inTreeOrder(rows) : byId.build());
    }

    /** A department of the last run: its id, the SHA-256 of its record_json and its path joined by {@code /}. */
    private record StoredRow(String id, byte[] hash, String path) {
    }

    /** Departments by path, parents before their children, then by id. */
    private static PackedDigests inTreeOrder(List<StoredRow> rows) {
        rows.sort(Comparator.<StoredRow, List<String>>comparing(r -> List.of(r.path().split("/", -1)),
                JdbcStore::compareLists).thenComparing(StoredRow::id));
        PackedDigests.Builder packed = new PackedDigests.Builder(false);
        for (StoredRow row : rows) {
            packed.add(row.id(), row.hash());
        }
        return packed.build();
    }

    /** A parent's path is a prefix of its children's, so parents sort first. */
    private static int compareLists(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** Where a kind's last known records are read from, by id. */
    private interface RecordsById<R extends CanonicalRecord> {
        /** The records of these ids that are there. */
        Map<String, R> read(List<String> ids);

        /** For messages: {@code orgsync_member}, or the compact state. */
        String where();
    }

    /** One kind of a tenant's last run: ids and SHA-256 of record_json, records on request. */
    private static final class StoredRecords<R extends CanonicalRecord> extends DigestedRecords<R> {
        private final RecordsById<R> records;
        private final PackedDigests digests;

        StoredRecords(RecordsById<R> records, PackedDigests digests) {
            this.records = records;
            this.digests = digests;
        }

        @Override
        public int size() {
            return digests.size();
        }

        @Override
        public String idAt(int index) {
            return digests.id(index);
        }

        /**
         * The hash of the text stage() would store (see {@link JdbcStore#recordJson}), against the
         * stored one: that text is the line's, unpaired surrogates escaped as {@code toUtf8Line} does.
         */
        @Override
        public boolean sameContent(int index, byte[] canonicalLine) {
            return digests.digestEquals(index, sha256(canonicalLine));
        }

        /**
         * Read after the load's transaction: should another process have applied a run in
         * between, {@link #stage} finds orgsync_state moved on and applies nothing.
         */
        @Override
        public List<R> lastKnown(int[] indices) {
            List<String> wanted = new ArrayList<>(indices.length);
            for (int index : indices) {
                wanted.add(digests.id(index));
            }
            Map<String, R> byId = records.read(wanted);
            List<R> found = new ArrayList<>(indices.length);
            for (String id : wanted) {
                R record = byId.get(id);
                if (record == null) {
                    throw new RunFailedException(records.where() + "/" + id
                            + " disappeared while this run was compared with it");
                }
                found.add(record);
            }
            return found;
        }
    }

    private record FromTable<R extends CanonicalRecord>(DataSource database, String table, String source,
                                                        String tenant, Class<R> type) implements RecordsById<R> {
        @Override
        public String where() {
            return table + " row " + source + "/" + tenant;
        }

        @Override
        public Map<String, R> read(List<String> ids) {
            Map<String, R> byId = new HashMap<>();
            try (Connection connection = database.getConnection()) {
                for (int from = 0; from < ids.size(); from += IN_LIST) {
                    int to = Math.min(ids.size(), from + IN_LIST);
                    String sql = "SELECT id, record_json FROM " + table + " WHERE source = ? AND tenant = ? AND id IN ("
                            + String.join(", ", Collections.nCopies(to - from, "?")) + ")";
                    try (PreparedStatement select = connection.prepareStatement(sql)) {
                        select.setString(1, source);
                        select.setString(2, tenant);
                        for (int i = from; i < to; i++) {
                            select.setString(3 + i - from, ids.get(i));
                        }
                        try (ResultSet rs = select.executeQuery()) {
                            while (rs.next()) {
                                byId.put(rs.getString(1), parse(type, where(), rs.getString(1), source, tenant,
                                        rs.getString(2)));
                            }
                        }
                    }
                }
            } catch (SQLException e) {
                throw new RunFailedException("cannot read the last known records from " + table + ": "
                        + describe(e), e);
            }
            return byId;
        }
    }

    private record FromCompactState<R extends CanonicalRecord>(DataSource database, String source, String tenant,
                                                               String runId, Class<R> type)
            implements RecordsById<R> {
        @Override
        public String where() {
            return "compact state line " + source + "/" + tenant;
        }

        @Override
        public Map<String, R> read(List<String> ids) {
            java.util.Set<String> wanted = new java.util.HashSet<>(ids);
            boolean departments = type == Department.class;
            Map<String, R> byId = new HashMap<>();
            try (Connection connection = database.getConnection()) {
                CompactState.read(connection, source, tenant, runId, line -> {
                    CompactLine read = CompactLine.of(line, source, tenant);
                    if (read.department() == departments && wanted.contains(read.id())) {
                        byId.put(read.id(), parse(type, where(), read.id(), source, tenant, line));
                    }
                });
            } catch (CompactState.StateMovedOn e) {
                throw new RunFailedException("run " + e.getMessage() + " of " + source + "/" + tenant
                        + " was applied while this run was compared with run " + runId + "; nothing was applied");
            } catch (SQLException e) {
                throw new RunFailedException("cannot read the last known records from the compact state: "
                        + describe(e), e);
            }
            return byId;
        }
    }

    /**
     * What a load needs of a compact state line: the kind, the id and a department's path, read
     * without building the record; a line of another source or tenant fails the load.
     */
    private record CompactLine(boolean department, String id, String path) {

        static CompactLine of(byte[] line, String source, String tenant) {
            try (com.fasterxml.jackson.core.JsonParser parser = CanonicalJson.MAPPER.getFactory().createParser(line)) {
                if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                    throw new IllegalStateException("not a JSON object");
                }
                String kind = null;
                String lineSource = null;
                String lineTenant = null;
                String id = null;
                String path = null;
                while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    com.fasterxml.jackson.core.JsonToken value = parser.nextToken();
                    switch (field) {
                        case "kind" -> kind = parser.getValueAsString();
                        case "source" -> lineSource = parser.getValueAsString();
                        case "tenant" -> lineTenant = parser.getValueAsString();
                        case "id" -> id = parser.getValueAsString();
                        case "path" -> {
                            List<String> ids = new ArrayList<>();
                            if (value == com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
                                while (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
                                    ids.add(parser.getValueAsString());
                                }
                            }
                            path = String.join("/", ids);
                        }
                        default -> parser.skipChildren();
                    }
                    boolean member = "member".equals(kind);
                    if (member && lineSource != null && lineTenant != null && id != null) {
                        break;
                    }
                }
                if (!source.equals(lineSource) || !tenant.equals(lineTenant) || id == null
                        || !("member".equals(kind) || "department".equals(kind) && path != null)) {
                    throw new IllegalStateException("a " + kind + " of " + lineSource + "/" + lineTenant);
                }
                return new CompactLine("department".equals(kind), id, path);
            } catch (IOException | IllegalStateException e) {
                throw new RunFailedException("the compact state of " + source + "/" + tenant
                        + " holds a line that is not one of its records: " + e.getMessage(), e);
            }
        }
    }

    private static <R extends CanonicalRecord> R parse(Class<R> type, String where, String id, String source,
                                                       String tenant, String json) {
        return checked(type, where, id, source, tenant, reader -> reader.readValue(json));
    }

    /** A compact state line, as the UTF-8 it was written in. */
    private static <R extends CanonicalRecord> R parse(Class<R> type, String where, String id, String source,
                                                       String tenant, byte[] json) {
        return checked(type, where, id, source, tenant, reader -> reader.readValue(json));
    }

    private interface Reading {
        Object read(ObjectReader reader) throws IOException;
    }

    private static <R extends CanonicalRecord> R checked(Class<R> type, String where, String id, String source,
                                                         String tenant, Reading reading) {
        ObjectReader reader = type == Department.class ? DEPARTMENT_READER : MEMBER_READER;
        R record;
        try {
            record = type.cast(reading.read(reader));
        } catch (IOException | ClassCastException e) {
            throw new RunFailedException(where + "/" + id + " has unreadable record_json: " + e.getMessage(), e);
        }
        if (record == null || !id.equals(record.id()) || !source.equals(record.source())
                || !tenant.equals(record.tenant())) {
            throw new RunFailedException(where + "/" + id + " holds the record_json of another record");
        }
        return record;
    }

    /**
     * Only while the tenant has no committed run and no member rows at all: then every member the
     * run lists is created, and a plain INSERT of its first listing is right. The transaction
     * takes the tenant's {@code orgsync_state} row now, as staging would later. Any trouble here
     * returns null, leaving the run to be applied when staged, which reports what is wrong.
     */
    @Override
    public FirstLoad firstLoad(String source, String tenant, String runId) {
        if (!firstLoadConnections.tryAcquire()) {
            return null;
        }
        Connection connection = null;
        boolean started = false;
        try {
            connection = database.dataSource().getConnection();
            connection.setAutoCommit(false);
            LocalDateTime now = utc(clock.instant());
            State state = readState(connection, source, tenant, true);
            if (state.lastRunId() != null || hasMembers(connection, source, tenant)) {
                return null;
            }
            if (!state.exists()) {
                insertState(connection, source, tenant, now);
            }
            FetchTimeLoad load = new FetchTimeLoad(connection, batchSize, insertMember, source, tenant, runId, now,
                    () -> {
                        if (firstLoads.remove(runId) != null) {
                            firstLoadConnections.release();
                        }
                    });
            firstLoads.put(runId, load);
            started = true;
            return load;
        } catch (SQLException | RuntimeException e) {
            LOG.debug("run {} is applied when staged, not while fetching: {}", runId, e.getMessage());
            return null;
        } finally {
            if (!started) {
                if (connection != null) {
                    rollbackAndClose(connection);
                }
                firstLoadConnections.release();
            }
        }
    }

    private static boolean hasMembers(Connection connection, String source, String tenant) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT 1 FROM orgsync_member WHERE source = ? AND tenant = ?")) {
            select.setMaxRows(1);
            select.setString(1, source);
            select.setString(2, tenant);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        }
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
        FetchTimeLoad firstLoad = firstLoads.get(manifest.runId());
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
            LocalDateTime now = firstLoad != null ? firstLoad.now() : utc(clock.instant());
            lockState(connection, manifest, comparedWith.runId(), now);
            if (!result.tables() && firstLoad == null) {
                keepCompact(connection, result, comparedWith);
            } else if (comparedWith.compact()) {
                applyWhole(connection, result, now);
            } else {
                apply(connection, result, now, firstLoad);
            }
            RunLog.insert(connection, manifest);
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE orgsync_state SET last_run_id = ?, updated_at = ? WHERE source = ? AND tenant = ?")) {
                update.setString(1, manifest.runId());
                update.setObject(2, now);
                update.setString(3, manifest.source());
                update.setString(4, manifest.tenant());
                update.executeUpdate();
            }
            staged = true;
            return new StagedTransaction(connection, manifest, database.dialect().afterCommit());
        } catch (SQLException e) {
            throw new RunFailedException("the database did not take run " + manifest.runId() + ": " + describe(e), e);
        } finally {
            if (!staged) {
                rollbackAndClose(connection);
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

    /**
     * The tables showed an older run than the one compared with (the runs between kept only the
     * compact state): every record of this run is written, and every live row it does not hold
     * is marked deleted, so that the tables equal this run's snapshot as if they had followed
     * every run. The compact state goes: the tables hold the state again.
     */
    private void applyWhole(Connection connection, RunResult result, LocalDateTime now) throws SQLException {
        Manifest manifest = result.manifest();
        String runId = manifest.runId();
        for (String table : List.of("orgsync_member_department", "orgsync_relation")) {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM " + table + " WHERE source = ? AND tenant = ?")) {
                delete.setString(1, manifest.source());
                delete.setString(2, manifest.tenant());
                delete.executeUpdate();
            }
        }
        try (Batch departments = new Batch(batchSize, connection, upsertDepartment);
             Batch members = new Batch(batchSize, connection, upsertMember);
             Batch memberships = new Batch(batchSize, connection, INSERT_MEMBERSHIP);
             Batch relations = new Batch(batchSize, connection, INSERT_RELATION)) {
            for (Department d : result.departments()) {
                checkApplicable(runId, manifest.source(), manifest.tenant(), d);
                bindDepartment(departments.statement, d, runId, now);
                departments.add();
            }
            for (Member m : result.members()) {
                checkApplicable(runId, manifest.source(), manifest.tenant(), m);
                bindMember(members.statement, m, runId, now);
                members.add();
                addMemberships(memberships, relations, m);
            }
            departments.flush();
            members.flush();
            memberships.flush();
            relations.flush();
        }
        for (String table : List.of("orgsync_department", "orgsync_member")) {
            try (PreparedStatement vanished = connection.prepareStatement(SOFT_DELETE_ALL_BUT_RUN.formatted(table))) {
                vanished.setObject(1, now);
                vanished.setObject(2, now);
                vanished.setString(3, runId);
                vanished.setString(4, manifest.source());
                vanished.setString(5, manifest.tenant());
                vanished.setString(6, runId);
                vanished.executeUpdate();
            }
        }
        CompactState.delete(connection, manifest.source(), manifest.tenant());
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

    /**
     * The row lock serialises runs of one tenant across processes. The first run of a tenant
     * creates the row; of two first runs racing, the second fails on the key and applies nothing.
     */
    private static void lockState(Connection connection, Manifest manifest, String comparedWith, LocalDateTime now)
            throws SQLException {
        State state = readState(connection, manifest.source(), manifest.tenant(), true);
        if (!state.exists()) {
            insertState(connection, manifest.source(), manifest.tenant(), now);
        }
        if (!Objects.equals(state.lastRunId(), comparedWith)) {
            throw new RunFailedException("run " + state.lastRunId() + " of " + manifest.source() + "/"
                    + manifest.tenant() + " reached the database after run " + manifest.runId()
                    + " had read its previous state (" + comparedWith + "); nothing was applied, and the next run "
                    + "compares with the newer state");
        }
    }

    private static void insertState(Connection connection, String source, String tenant, LocalDateTime now)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO orgsync_state (source, tenant, last_run_id, updated_at) VALUES (?, ?, NULL, ?)")) {
            insert.setString(1, source);
            insert.setString(2, tenant);
            insert.setObject(3, now);
            insert.executeUpdate();
        }
    }

    private static boolean hasDeletedMembers(Connection connection, Manifest manifest) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM orgsync_member "
                + "WHERE source = ? AND tenant = ? AND deleted_at IS NOT NULL")) {
            select.setMaxRows(1);
            select.setString(1, manifest.source());
            select.setString(2, manifest.tenant());
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        }
    }

    /** @param lastRunId null when the row does not exist or no run committed yet */
    private record State(boolean exists, String lastRunId) {
    }

    private static State readState(Connection connection, String source, String tenant, boolean forUpdate)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT last_run_id FROM orgsync_state "
                + "WHERE source = ? AND tenant = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            select.setString(1, source);
            select.setString(2, tenant);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? new State(true, row.getString(1)) : new State(false, null);
            }
        }
    }

    /**
     * One pass over the change list, which may be read from disk record by record. Statement
     * order matters only for a changed member's departments and relations: the old ones are
     * deleted before the new ones are inserted, which the insert batches ensure by sending the
     * pending deletions before themselves. Members that were not live have none (they are removed
     * on deletion), so created members only insert. Every record is checked before it is bound:
     * what cannot be stored fails the run, and the transaction takes nothing.
     *
     * <p>A created member is a plain INSERT when the tenant has no soft-deleted member rows, which
     * is always so on its first run: no row of that id can exist. An upsert looks the key up
     * first, which on embedded H2 doubled the time a first run of 100,000 members spent writing
     * them. With soft-deleted rows about, a created member may be one coming back, so it upserts.
     *
     * <p>After a {@link FetchTimeLoad}, the members it wrote are skipped, those of them that came
     * again with other text are rewritten from their combined record as an update would be, and
     * those it did not write (parents, runs that came while its writer was busy) are inserted.
     */
    private void apply(Connection connection, RunResult result, LocalDateTime now, FetchTimeLoad firstLoad)
            throws SQLException {
        Manifest manifest = result.manifest();
        String runId = manifest.runId();
        List<Department> departmentDeletes = new ArrayList<>();
        // a first load began on a tenant without member rows, and only it wrote any since
        boolean createdAreNew = firstLoad != null || !hasDeletedMembers(connection, manifest);
        long alreadyWritten = 0;
        long rewrittenWritten = 0;
        try (Batch departments = new Batch(batchSize, connection, upsertDepartment);
             Batch members = new Batch(batchSize, connection, upsertMember);
             Batch newMembers = new Batch(batchSize, connection, insertMember);
             Batch memberDeletes = new Batch(batchSize, connection, SOFT_DELETE.formatted("orgsync_member"));
             Batch departmentsOf = new Batch(batchSize, connection,
                     "DELETE FROM orgsync_member_department WHERE source = ? AND tenant = ? AND member_id = ?");
             Batch relationsOf = new Batch(batchSize, connection,
                     "DELETE FROM orgsync_relation WHERE source = ? AND tenant = ? AND member_id = ?");
             Batch memberships = new Batch(batchSize, connection, INSERT_MEMBERSHIP).after(departmentsOf);
             Batch relations = new Batch(batchSize, connection, INSERT_RELATION).after(relationsOf)) {
            for (Change change : result.changes()) {
                FetchTimeLoad.Written early = firstLoad != null && change.op() == ChangeOp.CREATE
                        && change.record() instanceof Member ? firstLoad.earlyWrite(change.record().id())
                        : FetchTimeLoad.Written.NO;
                if (early == FetchTimeLoad.Written.AS_PUBLISHED) {
                    alreadyWritten++;
                    continue;
                }
                // only a row written while fetching needs rewriting; the others are plain inserts now
                boolean rewritten = early == FetchTimeLoad.Written.THEN_CHANGED;
                if (rewritten) {
                    rewrittenWritten++;
                }
                checkApplicable(runId, manifest.source(), manifest.tenant(), change.record());
                if (change.record() instanceof Department d) {
                    if (change.op() == ChangeOp.DELETE) {
                        departmentDeletes.add(d);
                    } else {
                        bindDepartment(departments.statement, d, runId, now);
                        departments.add();
                    }
                } else if (change.record() instanceof Member m) {
                    if (change.op() != ChangeOp.CREATE || rewritten) {
                        departmentsOf.bindKey(m).add();
                        relationsOf.bindKey(m).add();
                    }
                    switch (change.op()) {
                        case CREATE, UPDATE -> {
                            Batch into = change.op() == ChangeOp.CREATE && createdAreNew && !rewritten
                                    ? newMembers : members;
                            bindMember(into.statement, m, runId, now);
                            into.add();
                            addMemberships(memberships, relations, m);
                        }
                        case DELETE -> {
                            bindSoftDelete(memberDeletes.statement, m, runId, now);
                            memberDeletes.add();
                        }
                        default -> throw new IllegalArgumentException("unknown change op " + change.op());
                    }
                }
            }
            departments.flush();
            members.flush();
            newMembers.flush();
            memberDeletes.flush();
            memberships.flush();
            relations.flush();
            departmentsOf.flush();
            relationsOf.flush();
        }
        if (firstLoad != null && alreadyWritten + rewrittenWritten < firstLoad.written()) {
            // a member written while fetching that the run does not publish would stay in the tables
            throw new RunFailedException("run " + runId + " wrote " + firstLoad.written() + " members while fetching "
                    + "but publishes " + (alreadyWritten + rewrittenWritten) + " of them; nothing was applied");
        }
        try (Batch delete = new Batch(batchSize, connection, SOFT_DELETE.formatted("orgsync_department"))) {
            for (Department d : departmentDeletes) {
                bindSoftDelete(delete.statement, d, runId, now);
                delete.add();
            }
            delete.flush();
        }
    }

    static void addMemberships(Batch memberships, Batch relations, Member m) throws SQLException {
        // the key is the pair: a department listed twice is one row
        for (String departmentId : new LinkedHashSet<>(m.departmentIds())) {
            memberships.bindKey(m).statement.setString(4, departmentId);
            memberships.add();
        }
        for (Relation r : distinctByRelatedId(m.relations()).values()) {
            PreparedStatement s = relations.bindKey(m).statement;
            s.setString(4, r.id());
            setString(s, 5, r.role() == null ? null : r.role().wireName());
            setString(s, 6, DbText.column(r.relation()));
            relations.add();
        }
    }

    private static void bindDepartment(PreparedStatement s, Department d, String runId, LocalDateTime now)
            throws SQLException {
        String json = recordJson(d);
        s.setString(1, d.source());
        s.setString(2, d.tenant());
        s.setString(3, d.id());
        setString(s, 4, d.parentId());
        setString(s, 5, DbText.column(d.name()));
        setString(s, 6, d.type() == null ? null : d.type().wireName());
        if (d.order() == null) {
            s.setNull(7, Types.BIGINT);
        } else {
            s.setLong(7, d.order());
        }
        s.setString(8, DbText.column(String.join("/", d.path())));
        bindRecordColumns(s, d.attributes(), json, runId, now);
    }

    /** Columns 9 to 14 of both tables: attributes, record_json, content_hash, last_run_id, updated_at, deleted_at. */
    private static void bindRecordColumns(PreparedStatement s, ObjectNode attributes, String json, String runId,
                                          LocalDateTime now) throws SQLException {
        s.setString(9, CanonicalJson.toEscapedLine(attributes));
        s.setString(10, json);
        s.setString(11, hash(json));
        s.setString(12, runId);
        s.setObject(13, now);
        s.setNull(14, Types.TIMESTAMP);
    }

    static void bindMember(PreparedStatement s, Member m, String runId, LocalDateTime now)
            throws SQLException {
        String json = recordJson(m);
        s.setString(1, m.source());
        s.setString(2, m.tenant());
        s.setString(3, m.id());
        setString(s, 4, DbText.column(m.name()));
        setString(s, 5, m.role() == null ? null : m.role().wireName());
        setString(s, 6, DbText.column(m.mobile()));
        setString(s, 7, DbText.column(m.email()));
        setString(s, 8, m.status() == null ? null : m.status().wireName());
        bindRecordColumns(s, m.attributes(), json, runId, now);
    }

    /** Only a row still live is marked, so a repeated delete cannot move {@code deleted_at}. */
    private static final String SOFT_DELETE = "UPDATE %s SET deleted_at = ?, updated_at = ?, last_run_id = ? "
            + "WHERE source = ? AND tenant = ? AND id = ? AND deleted_at IS NULL";

    private static final String SOFT_DELETE_ALL_BUT_RUN = "UPDATE %s SET deleted_at = ?, updated_at = ?, "
            + "last_run_id = ? WHERE source = ? AND tenant = ? AND deleted_at IS NULL AND last_run_id <> ?";

    private static void bindSoftDelete(PreparedStatement s, CanonicalRecord record, String runId, LocalDateTime now)
            throws SQLException {
        s.setObject(1, now);
        s.setObject(2, now);
        s.setString(3, runId);
        s.setString(4, record.source());
        s.setString(5, record.tenant());
        s.setString(6, record.id());
    }

    /**
     * The table's key is (member, related id): should a vendor name the same person twice with
     * different roles, the first listing is kept (record_json still holds both).
     */
    private static Map<String, Relation> distinctByRelatedId(List<Relation> relations) {
        Map<String, Relation> byId = new LinkedHashMap<>();
        for (Relation relation : relations) {
            byId.putIfAbsent(relation.id(), relation);
        }
        return byId;
    }

    /** Only successful runs are applied. */
    private static void checkSuccessful(RunResult result) {
        Manifest m = result.manifest();
        if (m.status() != RunStatus.SUCCESS) {
            throw new IllegalArgumentException("only successful runs are applied; run " + m.runId() + " is "
                    + (m.status() == null ? null : m.status().wireName()));
        }
    }

    /**
     * What cannot be stored must fail the run, with the record named, rather than be truncated
     * into another id; the run's transaction then takes nothing.
     */
    static void checkApplicable(String runId, String source, String tenant, CanonicalRecord record) {
        if (!source.equals(record.source()) || !tenant.equals(record.tenant())) {
            throw new IllegalArgumentException("run " + runId + " of " + source + "/" + tenant
                    + " holds a " + record.kind() + " of " + record.source() + "/" + record.tenant());
        }
        checkId(record.kind() + " id", record.id(), record);
        if (record instanceof Department d) {
            checkId("parentId", d.parentId() == null ? "" : d.parentId(), record);
        } else if (record instanceof Member member) {
            member.departmentIds().forEach(id -> checkId("department id", id, record));
            member.relations().forEach(r -> checkId("related id", r.id(), record));
        }
    }

    private static void checkId(String what, String id, CanonicalRecord record) {
        if (id == null) {
            throw new RunFailedException(record.kind() + " '" + record.id() + "' has a null " + what);
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new RunFailedException(record.kind() + " '" + record.id().substring(0,
                    Math.min(40, record.id().length())) + "…' has a " + what + " of " + id.length()
                    + " characters; the database keeps at most " + MAX_ID_LENGTH);
        }
    }

    static void setString(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }

    /** Columns are TIMESTAMP/DATETIME without zone on every database; values are UTC. */
    static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC);
    }

    /** The record_json column: the canonical line, with unpaired surrogates escaped. */
    static String recordJson(CanonicalRecord record) {
        return CanonicalJson.toEscapedLine(record);
    }

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    });

    static byte[] sha256(String json) {
        return sha256(json.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] sha256(byte[] utf8) {
        return SHA_256.get().digest(utf8);
    }

    /** The content_hash column. */
    static String hash(String json) {
        return HexFormat.of().formatHex(sha256(json));
    }

    private static ObjectReader reader(Class<?> type) {
        return CanonicalJson.MAPPER.readerFor(type).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    private static String key(String source, String tenant) {
        return source + "\u0000" + tenant;
    }

    /**
     * The database's own reason, first line only: a batch failure's message quotes the whole
     * statement with its values (names, mobiles), which belong neither in a log nor in the run's
     * {@code error}.
     */
    static String describe(SQLException e) {
        SQLException reason = e;
        if (e instanceof BatchUpdateException && e.getNextException() != null) {
            reason = e.getNextException();
        } else if (e instanceof BatchUpdateException && e.getCause() instanceof SQLException cause) {
            reason = cause;
        }
        String text = Database.firstLine(reason.getMessage());
        int batchEntry = text.indexOf("Call getNextException");
        if (batchEntry >= 0) {
            text = text.substring(0, batchEntry).strip();
        }
        if (text.length() > 300) {
            text = text.substring(0, 300) + "…";
        }
        return text + (reason.getSQLState() == null ? "" : " (SQL state " + reason.getSQLState() + ")");
    }

    static void rollbackAndClose(Connection connection) {
        try (connection) {
            connection.rollback();
        } catch (SQLException e) {
            LOG.warn("could not roll back a staged run; the database discards it with the connection: {}",
                    Database.firstLine(e.getMessage()));
        }
    }

    /** A run applied inside an open transaction: invisible to every other connection until committed. */
    private static final class StagedTransaction implements Staged {
        private final Connection connection;
        private final Manifest manifest;
        private final String afterCommit;
        private boolean done;

        StagedTransaction(Connection connection, Manifest manifest, String afterCommit) {
            this.connection = connection;
            this.manifest = manifest;
            this.afterCommit = afterCommit;
        }

        /**
         * Returns once the run is durable: every other sink publishes it after this, and a run a
         * crash could still take back must never be visible anywhere.
         */
        @Override
        public void commit() {
            if (done) {
                throw new IllegalStateException("run " + manifest.runId() + " was already committed or discarded");
            }
            done = true;
            try (connection) {
                connection.commit();
                if (afterCommit != null) {
                    connection.setAutoCommit(true);
                    try (Statement statement = connection.createStatement()) {
                        statement.execute(afterCommit);
                    }
                }
            } catch (SQLException e) {
                throw new RunFailedException("the database did not commit run " + manifest.runId() + ": "
                        + describe(e), e);
            }
        }

        @Override
        public void close() {
            if (!done) {
                done = true;
                rollbackAndClose(connection);
            }
        }
    }
}
