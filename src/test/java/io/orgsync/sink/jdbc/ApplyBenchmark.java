package io.orgsync.sink.jdbc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.config.JdbcSettings;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Department;
import io.orgsync.model.DepartmentType;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;
import io.orgsync.model.Role;
import io.orgsync.model.Status;
import io.orgsync.run.Change;
import io.orgsync.run.ChangeCounts;
import io.orgsync.run.ChangeDetector;
import io.orgsync.run.Manifest;
import io.orgsync.run.PreviousRun;
import io.orgsync.run.RunResult;
import io.orgsync.run.RunStatus;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How fast a run reaches PostgreSQL, next to the floor of simply inserting the same rows. Not part
 * of the normal build (its name matches no test pattern); run it with
 * {@code mvn -B -Pbench test} (members: {@code -Dbench.members=100000}).
 *
 * <p>"Apply" is what a run costs on the database side, as {@code RunCoordinator} drives it:
 * load the previous state, derive the changes, stage (every row written in one transaction) and
 * commit. The floors write exactly the rows a first apply writes — members, departments,
 * memberships, relations, values precomputed — into empty tables of the same definition, with a
 * batched {@code INSERT} through the same pool and with {@code COPY}.
 */
class ApplyBenchmark {

    private static final String SOURCE = "wecom-school";
    private static final int CLASSES_PER_GRADE = 20;
    private static final int STUDENTS_PER_CLASS = 45;

    @Test
    void applyAHundredThousandMembersToPostgres() throws Exception {
        int members = Integer.getInteger("bench.members", 100_000);
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            try (Connection admin = postgres.getPostgresDatabase().getConnection();
                 Statement statement = admin.createStatement()) {
                statement.execute("CREATE DATABASE bench");
            }
            JdbcSettings settings = new JdbcSettings(postgres.getJdbcUrl("postgres", "bench"), "postgres", "");
            try (Database database = Database.open(settings)) {
                JdbcStore store = new JdbcStore(database, Clock.systemUTC());
                String version;
                try (Connection c = database.dataSource().getConnection()) {
                    version = c.getMetaData().getDatabaseProductVersion();
                }
                createFloorTables(database);

                // warm-up: JIT and connection pool, on another tenant and on the floor tables
                Org warm = org("warmup", members / 10);
                apply(store, "warmup", warm, "w1");
                insertFloor(database, warm);
                truncateFloor(database);

                Org org = org("bench", members);
                long rows = org.rowCount();
                double insertFloor = seconds(() -> insertFloor(database, org));
                truncateFloor(database);
                double copyFloor = seconds(() -> copyFloor(database, org));
                truncateFloor(database);

                long[] counts = new long[3];
                double first = seconds(() -> counts(apply(store, "bench", org, "r1"), counts));
                assertThat(counts).containsExactly(rows - org.membershipAndRelationRows(), 0, 0);
                double again = seconds(() -> counts(apply(store, "bench", org, "r2"), counts));
                assertThat(counts).containsExactly(0, 0, 0);
                Org changed = org.renameEvery(100);
                double onePercent = seconds(() -> counts(apply(store, "bench", changed, "r3"), counts));

                System.out.printf(Locale.ROOT, "%norgsync apply benchmark: PostgreSQL %s (embedded), %,d members, "
                                + "%,d departments, %,d rows per first apply%n", version, org.members.size(),
                        org.departments.size(), rows);
                line("raw floor, batched INSERT", insertFloor, rows, "");
                line("raw floor, COPY", copyFloor, rows, "");
                line("first apply", first, rows, String.format(Locale.ROOT,
                        "%.0f%% of the INSERT floor's rate (target >= 50%%)", 100 * insertFloor / first));
                System.out.printf(Locale.ROOT, "%-28s %8.2f s   %.1f%% of the first apply (target < 25%%)%n",
                        "unchanged re-apply", again, 100 * again / first);
                System.out.printf(Locale.ROOT, "%-28s %8.2f s   %,d updated%n", "re-apply, 1% renamed", onePercent,
                        counts[1]);
            }
        }
    }

    private static void line(String what, double seconds, long rows, String note) {
        System.out.printf(Locale.ROOT, "%-28s %8.2f s %,12.0f rows/s   %s%n", what, seconds, rows / seconds, note);
    }

    private static void counts(Manifest manifest, long[] counts) {
        counts[0] = manifest.created();
        counts[1] = manifest.updated();
        counts[2] = manifest.deleted();
    }

    /** The database side of a run, as RunCoordinator's compare and forSinks and the route sink-jdbc do it. */
    private static Manifest apply(JdbcStore store, String tenant, Org org, String runId) throws Exception {
        PreviousRun previous = store.load(SOURCE, tenant);
        List<Change> changes = ChangeDetector.diff(previous, org.departments, org.members);
        ChangeCounts counts = ChangeCounts.of(changes);
        Manifest manifest = new Manifest(tenant + "-" + runId, SOURCE, tenant, RunStatus.SUCCESS,
                "2026-11-21T02:00:00Z", "2026-11-21T02:01:00Z", org.departments.size(), org.members.size(),
                counts.created(), counts.updated(), counts.deleted(), 0, 0, 0, null);
        try (RouteApply route = new RouteApply(store)) {
            route.apply(new RunResult(manifest, org.departments, org.members, changes));
        }
        return manifest;
    }

    // ------------------------------------------------------------------ the floors

    private static final List<String> FLOOR_TABLES = List.of("orgsync_department", "orgsync_member",
            "orgsync_member_department", "orgsync_relation");

    private static void createFloorTables(Database database) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String table : FLOOR_TABLES) {
                s.execute("CREATE TABLE floor_" + table + " (LIKE " + table + " INCLUDING ALL)");
            }
        }
    }

    private static void truncateFloor(Database database) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String table : FLOOR_TABLES) {
                s.execute("TRUNCATE floor_" + table);
            }
        }
    }

    private static void insertFloor(Database database, Org org) throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
            batch(c, "INSERT INTO floor_orgsync_department (source, tenant, id, parent_id, name, type, sort_order, "
                    + "path, attributes, record_json, content_hash, last_run_id, updated_at, deleted_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", org.departmentRows, now);
            batch(c, "INSERT INTO floor_orgsync_member (source, tenant, id, name, role, mobile, email, status, "
                    + "attributes, record_json, content_hash, last_run_id, updated_at, deleted_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", org.memberRows, now);
            batch(c, "INSERT INTO floor_orgsync_member_department (source, tenant, member_id, department_id) "
                    + "VALUES (?, ?, ?, ?)", org.membershipRows, now);
            batch(c, "INSERT INTO floor_orgsync_relation (source, tenant, member_id, related_id, role, relation) "
                    + "VALUES (?, ?, ?, ?, ?, ?)", org.relationRows, now);
            c.commit();
        }
    }

    /** {@code null} in a row stands for the timestamp columns' "now"; a real null is {@link #NULL}. */
    private static void batch(Connection c, String sql, List<Object[]> rows, LocalDateTime now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int pending = 0;
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    Object value = row[i];
                    if (value == NULL) {
                        s.setNull(i + 1, Types.VARCHAR);
                    } else if (value == NOW) {
                        s.setObject(i + 1, now);
                    } else if (value == NO_TIME) {
                        s.setNull(i + 1, Types.TIMESTAMP);
                    } else if (value instanceof Long l) {
                        s.setLong(i + 1, l);
                    } else {
                        s.setString(i + 1, (String) value);
                    }
                }
                s.addBatch();
                if (++pending == JdbcStore.DEFAULT_BATCH_SIZE) {
                    s.executeBatch();
                    pending = 0;
                }
            }
            s.executeBatch();
        }
    }

    private static void copyFloor(Database database, Org org) throws Exception {
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            String now = LocalDateTime.now(ZoneOffset.UTC).toString();
            copy.copyIn("COPY floor_orgsync_department FROM STDIN", new StringReader(tsv(org.departmentRows, now)));
            copy.copyIn("COPY floor_orgsync_member FROM STDIN", new StringReader(tsv(org.memberRows, now)));
            copy.copyIn("COPY floor_orgsync_member_department FROM STDIN",
                    new StringReader(tsv(org.membershipRows, now)));
            copy.copyIn("COPY floor_orgsync_relation FROM STDIN", new StringReader(tsv(org.relationRows, now)));
            c.commit();
        }
    }

    private static String tsv(List<Object[]> rows, String now) {
        StringBuilder out = new StringBuilder(rows.size() * 200);
        for (Object[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    out.append('\t');
                }
                Object value = row[i];
                if (value == NULL || value == NO_TIME) {
                    out.append("\\N");
                } else if (value == NOW) {
                    out.append(now);
                } else {
                    String text = String.valueOf(value);
                    for (int k = 0; k < text.length(); k++) {
                        char ch = text.charAt(k);
                        switch (ch) {
                            case '\\' -> out.append("\\\\");
                            case '\t' -> out.append("\\t");
                            case '\n' -> out.append("\\n");
                            case '\r' -> out.append("\\r");
                            default -> out.append(ch);
                        }
                    }
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static final Object NULL = new Object();
    private static final Object NOW = new Object();
    private static final Object NO_TIME = new Object();

    // ------------------------------------------------------------------ the organisation

    /** A school district shaped like the simulator's: grades of 20 classes of 45, two parents per student. */
    private static Org org(String tenant, int memberCount) {
        List<Department> departments = new ArrayList<>();
        List<Member> members = new ArrayList<>();
        departments.add(department(tenant, "1", null, List.of("1"), "武汉市第一中学", DepartmentType.SCHOOL));
        int classes = (memberCount + STUDENTS_PER_CLASS - 1) / STUDENTS_PER_CLASS;
        int grades = (classes + CLASSES_PER_GRADE - 1) / CLASSES_PER_GRADE;
        for (int g = 1; g <= grades; g++) {
            String grade = "g" + g;
            departments.add(department(tenant, grade, "1", List.of("1", grade), g + "年级", DepartmentType.GRADE));
        }
        for (int k = 0; k < classes; k++) {
            String grade = "g" + (k / CLASSES_PER_GRADE + 1);
            String cls = "c" + (k + 1);
            departments.add(department(tenant, cls, grade, List.of("1", grade, cls),
                    (k % CLASSES_PER_GRADE + 1) + "班", DepartmentType.CLASS));
        }
        for (int i = 0; i < memberCount; i++) {
            String id = String.format("s%07d", i + 1);
            String home = "c" + (i / STUDENTS_PER_CLASS + 1);
            List<String> classIds = i % 12 == 1 ? List.of(home, "c" + ((i / STUDENTS_PER_CLASS + 2) % classes + 1))
                    : List.of(home);
            ObjectNode attributes = CanonicalJson.emptyObject();
            attributes.put("student_userid", id);
            attributes.put("student_type", 1 + i % 2);
            attributes.put("is_subscribe", i % 5 == 0 ? 0 : 1);
            attributes.putArray("parents").addObject().put("parent_userid", "p" + id).put("relation", "妈妈");
            members.add(new Member(SOURCE, tenant, id, "学生" + (i + 1) + "号", Role.STUDENT, classIds, null, null,
                    Status.ACTIVE, List.of(new Relation("p" + id, Role.PARENT, "妈妈"),
                    new Relation("q" + id, Role.PARENT, "爸爸")), attributes));
        }
        members.sort(Comparator.comparing(Member::id));
        return new Org(departments, members);
    }

    private static Department department(String tenant, String id, String parentId, List<String> path, String name,
                                         DepartmentType type) {
        ObjectNode attributes = CanonicalJson.emptyObject();
        attributes.put("type", type.ordinal());
        return new Department(SOURCE, tenant, id, parentId, name, type, 100L, path, attributes);
    }

    /** The records, and the rows a first apply writes for them, precomputed for the floors. */
    private static final class Org {
        final List<Department> departments;
        final List<Member> members;
        final List<Object[]> departmentRows = new ArrayList<>();
        final List<Object[]> memberRows = new ArrayList<>();
        final List<Object[]> membershipRows = new ArrayList<>();
        final List<Object[]> relationRows = new ArrayList<>();

        Org(List<Department> departments, List<Member> members) {
            this.departments = departments;
            this.members = members;
            for (Department d : departments) {
                String json = CanonicalJson.toLine(d);
                departmentRows.add(new Object[]{d.source(), d.tenant(), d.id(), d.parentId() == null ? NULL
                        : d.parentId(), d.name(), d.type().wireName(), d.order(), String.join("/", d.path()),
                        CanonicalJson.toLine(d.attributes()), json, sha(json), "floor", NOW, NO_TIME});
            }
            for (Member m : members) {
                String json = CanonicalJson.toLine(m);
                memberRows.add(new Object[]{m.source(), m.tenant(), m.id(), m.name(), m.role().wireName(), NULL, NULL,
                        m.status().wireName(), CanonicalJson.toLine(m.attributes()), json, sha(json), "floor", NOW,
                        NO_TIME});
                for (String departmentId : new LinkedHashSet<>(m.departmentIds())) {
                    membershipRows.add(new Object[]{m.source(), m.tenant(), m.id(), departmentId});
                }
                for (Relation r : m.relations()) {
                    relationRows.add(new Object[]{m.source(), m.tenant(), m.id(), r.id(), r.role().wireName(),
                            r.relation()});
                }
            }
        }

        long rowCount() {
            return departmentRows.size() + memberRows.size() + membershipAndRelationRows();
        }

        long membershipAndRelationRows() {
            return membershipRows.size() + (long) relationRows.size();
        }

        Org renameEvery(int nth) {
            List<Member> renamed = new ArrayList<>(members.size());
            for (int i = 0; i < members.size(); i++) {
                Member m = members.get(i);
                renamed.add(i % nth != 0 ? m : new Member(m.source(), m.tenant(), m.id(), m.name() + "（改）",
                        m.role(), m.departmentIds(), m.mobile(), m.email(), m.status(), m.relations(),
                        m.attributes()));
            }
            return new Org(departments, renamed);
        }

        private static String sha(String json) {
            try {
                return JdbcStoreContract.sha256(json);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @FunctionalInterface
    private interface Timed {
        void run() throws Exception;
    }

    private static double seconds(Timed timed) throws Exception {
        long start = System.nanoTime();
        timed.run();
        return (System.nanoTime() - start) / 1e9;
    }
}
