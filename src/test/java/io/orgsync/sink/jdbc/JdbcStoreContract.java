package io.orgsync.sink.jdbc;

import io.orgsync.Sources;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.ConfigurationException;
import io.orgsync.config.SourceName;
import io.orgsync.config.JdbcSettings;
import io.orgsync.config.OrgSyncSettings;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Department;
import io.orgsync.model.DepartmentType;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;
import io.orgsync.model.Role;
import io.orgsync.run.Change;
import io.orgsync.run.ChangeDetector;
import io.orgsync.run.Manifest;
import io.orgsync.run.PreviousRun;
import io.orgsync.run.RunFailedException;
import io.orgsync.run.RunResult;
import io.orgsync.run.RunContext;
import io.orgsync.run.RunCoordinator;
import io.orgsync.run.RunStatus;
import io.orgsync.run.Sink;
import io.orgsync.simulator.SchoolOrg;
import io.orgsync.sink.file.FileSink;
import io.orgsync.simulator.SchoolShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import static io.orgsync.run.Fixtures.SOURCE;
import static io.orgsync.run.Fixtures.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The JDBC sink and state store against a real database: every subclass runs this same suite on
 * its own server (H2, PostgreSQL, MariaDB), each test on a fresh database.
 *
 * <p>Runs go through the real {@link RunCoordinator} and the shipped {@code orgsync.camel.yaml}
 * and {@code jdbc-sink.camel.yaml} routes; only the vendor fetch is replaced by canonical records
 * put into the run's snapshot, so that every mutation (create, rename, move, delete, revive) can
 * be made exactly. The last tests run the whole bundle (shipped routes, wecom-school source,
 * file sink) against the vendor simulator through {@link Harness}, into the same database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
abstract class JdbcStoreContract {

    static final List<String> RECORD_TABLES = List.of("orgsync_department", "orgsync_member",
            "orgsync_member_department", "orgsync_relation");
    static final List<String> ALL_TABLES = List.of("orgsync_department", "orgsync_member",
            "orgsync_member_department", "orgsync_relation", "orgsync_run", "orgsync_state");
    private static final Map<String, String> KEYS = Map.of(
            "orgsync_department", "source, tenant, id",
            "orgsync_member", "source, tenant, id",
            "orgsync_member_department", "source, tenant, member_id, department_id",
            "orgsync_relation", "source, tenant, member_id, related_id",
            "orgsync_run", "run_id",
            "orgsync_state", "source, tenant");

    private TestDatabases databases;
    /** Started by the first end-to-end test of the class. */
    private VendorSimulator simulator;
    protected JdbcSettings settings;
    private Database database;
    private JdbcStore store;
    /** Every reading moves a second on, so that a row written twice could not keep its updated_at by luck. */
    private final TickingClock clock = new TickingClock();
    private final List<Runner> runners = new ArrayList<>();

    protected abstract TestDatabases startDatabases() throws Exception;

    @BeforeAll
    void startServer() throws Exception {
        databases = startDatabases();
    }

    @AfterAll
    void stopServer() throws Exception {
        if (simulator != null) {
            simulator.close();
        }
        if (databases != null) {
            databases.close();
        }
    }

    @BeforeEach
    void freshDatabase() throws Exception {
        settings = databases.fresh();
        database = Database.open(settings);
        // small batches, so that a failure half-way comes after several batches were sent; small
        // pieces, so that a compact state of a few dozen records is cut into several
        store = new JdbcStore(database, clock, 7, 256);
    }

    @AfterEach
    void closeDatabase() {
        runners.forEach(Runner::close);
        runners.clear();
        if (database != null) {
            database.close();
        }
    }

    // ------------------------------------------------------------------ the suite

    @Test
    void theSchemaHasEveryTableAndColumnOfTheContract() throws SQLException {
        Map<String, List<String>> expected = Map.of(
                "orgsync_department", List.of("source", "tenant", "id", "parent_id", "name", "type", "sort_order",
                        "path", "attributes", "updated_at", "deleted_at", "record_json", "content_hash"),
                "orgsync_member", List.of("source", "tenant", "id", "name", "role", "mobile", "email", "status",
                        "attributes", "updated_at", "deleted_at", "record_json", "content_hash"),
                "orgsync_member_department", List.of("source", "tenant", "member_id", "department_id"),
                "orgsync_relation", List.of("source", "tenant", "member_id", "related_id", "role", "relation"),
                "orgsync_run", List.of("run_id", "source", "tenant", "started_at", "finished_at", "status",
                        "departments", "members", "created", "updated", "deleted", "api_calls", "error"));
        try (Connection connection = database.dataSource().getConnection()) {
            for (var table : expected.entrySet()) {
                assertThat(columns(connection, table.getKey())).as(table.getKey())
                        .containsAll(table.getValue());
            }
        }
        // a second start finds the schema in place and migrates nothing
        Database.open(settings).close();
    }

    @Test
    void theFirstRunLoadsEverything() throws Exception {
        Org org = Org.school(10);

        Manifest manifest = runner().run(org);

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(List.of(manifest.created(), manifest.updated(), manifest.deleted())).containsExactly(47L, 0L, 0L);
        assertThat(count("orgsync_department")).isEqualTo(7);
        assertThat(count("orgsync_member")).isEqualTo(40);
        assertThat(count("orgsync_member_department")).isEqualTo(40);
        assertThat(count("orgsync_relation")).isEqualTo(80);

        Map<String, Object> c3 = row("orgsync_department", "c3");
        Department expected = org.department("c3");
        assertThat(c3).containsEntry("parent_id", "g2").containsEntry("name", "2年级1班")
                .containsEntry("type", "class").containsEntry("path", "1/g2/c3")
                .containsEntry("attributes", "{\"id\":\"c3\"}")
                .containsEntry("record_json", CanonicalJson.toLine(expected))
                .containsEntry("content_hash", sha256(CanonicalJson.toLine(expected)))
                .containsEntry("deleted_at", null);
        assertThat(((Number) c3.get("sort_order")).longValue()).isEqualTo(10L);
        Map<String, Object> s12 = row("orgsync_member", "s12");
        assertThat(s12).containsEntry("name", "学生12").containsEntry("role", "student")
                .containsEntry("status", "active").containsEntry("email", "s12@example.org")
                .containsEntry("mobile", null)
                .containsEntry("record_json", CanonicalJson.toLine(org.member("s12")));
        assertThat(memberships("s12")).containsExactly("c2");
        assertThat(relations("s12")).containsExactly("ps12 parent 妈妈", "qs12 parent 爸爸");

        Map<String, Object> run = runRow(manifest.runId());
        assertThat(run).containsEntry("status", "success").containsEntry("source", SOURCE)
                .containsEntry("tenant", TENANT).containsEntry("error", null);
        assertThat(longs(run, "departments", "members", "created", "updated", "deleted"))
                .containsExactly(7L, 40L, 47L, 0L, 0L);
        assertThat(state()).isEqualTo(manifest.runId());
    }

    @Test
    void anUnchangedRerunWritesNoRecordRowAndCountsNothing() throws Exception {
        Org org = Org.school(10);
        Runner runner = runner();
        runner.run(org);
        Map<String, List<List<String>>> before = dump(RECORD_TABLES);

        Manifest again = runner.run(org);

        assertThat(again.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(List.of(again.created(), again.updated(), again.deleted())).containsExactly(0L, 0L, 0L);
        // updated_at and last_run_id included: not one record row was rewritten
        assertThat(dump(RECORD_TABLES)).isEqualTo(before);
        assertThat(longs(runRow(again.runId()), "created", "updated", "deleted")).containsExactly(0L, 0L, 0L);
        assertThat(state()).isEqualTo(again.runId());
    }

    @Test
    void mutationsGiveExactCountsAndRows() throws Exception {
        Org first = Org.school(10);
        Runner runner = runner();
        Manifest initial = runner.run(first);
        Map<String, Object> untouched = row("orgsync_member", "s20");

        Org second = first
                .with(Org.student("s41", "新同学", "c4"))            // create
                .rename("s02", "王小明")                            // rename
                .move("s03", "c2", "c3")                           // move between classes
                .withAttribute("s05", "score", 2)                  // attributes alone
                .moveDepartment("c4", "g1")                        // a class changes grade
                .without("s04");                                   // delete
        Manifest changed = runner.run(second);

        assertThat(changed.status()).as(String.valueOf(changed.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(List.of(changed.created(), changed.updated(), changed.deleted())).containsExactly(1L, 4L, 1L);
        assertThat(row("orgsync_member", "s41")).containsEntry("name", "新同学").containsEntry("deleted_at", null);
        assertThat(memberships("s41")).containsExactly("c4");
        assertThat(row("orgsync_member", "s02")).containsEntry("name", "王小明")
                .containsEntry("last_run_id", changed.runId());
        assertThat(memberships("s03")).containsExactly("c2", "c3");
        assertThat((String) row("orgsync_member", "s05").get("attributes")).contains("\"score\":2");
        assertThat(row("orgsync_department", "c4")).containsEntry("parent_id", "g1").containsEntry("path", "1/g1/c4");
        Map<String, Object> deleted = row("orgsync_member", "s04");
        assertThat(deleted.get("deleted_at")).isNotNull();
        // the row keeps the last known record, and only live members have departments and relations
        assertThat(deleted).containsEntry("record_json", CanonicalJson.toLine(first.member("s04")));
        assertThat(memberships("s04")).isEmpty();
        assertThat(relations("s04")).isEmpty();
        assertThat(row("orgsync_member", "s20")).as("an unchanged member is not rewritten").isEqualTo(untouched);
        assertThat(count("orgsync_member")).isEqualTo(41);

        Manifest revived = runner.run(second.with(first.member("s04")));

        assertThat(List.of(revived.created(), revived.updated(), revived.deleted())).containsExactly(1L, 0L, 0L);
        Map<String, Object> back = row("orgsync_member", "s04");
        assertThat(back).containsEntry("deleted_at", null).containsEntry("last_run_id", revived.runId());
        assertThat(memberships("s04")).containsExactly("c1");
        assertThat(relations("s04")).hasSize(2);
        assertThat(state()).isEqualTo(revived.runId());
        assertThat(runStatuses()).containsExactly(initial.runId() + " success", changed.runId() + " success",
                revived.runId() + " success");
    }

    @Test
    void aMassDeletionIsHeldAndChangesNothingButItsRunRow() throws Exception {
        Org org = Org.school(10);
        Runner runner = runner();
        Manifest first = runner.run(org);
        Map<String, List<List<String>>> before = dump(RECORD_TABLES);

        Manifest held = runner.run(org.withoutFirstMembers(20));

        assertThat(held.status()).isEqualTo(RunStatus.HELD);
        assertThat(held.deleted()).isEqualTo(20);
        assertThat(held.error()).contains("members: 20 of 40 would be deleted, above the limit of 8")
                .contains("orgsync.deletes.force=true");
        assertThat(dump(RECORD_TABLES)).isEqualTo(before);
        assertThat(state()).as("the state still shows the first run").isEqualTo(first.runId());
        Map<String, Object> run = runRow(held.runId());
        assertThat(run).containsEntry("status", "held").containsEntry("error", held.error());
        assertThat(longs(run, "deleted", "members")).containsExactly(20L, 20L);
    }

    @Test
    void forceAppliesAHeldDeletion() throws Exception {
        Org org = Org.school(10);
        runner().run(org);
        assertThat(runner().run(org.withoutFirstMembers(20)).status()).isEqualTo(RunStatus.HELD);

        Manifest forced = runner(Map.of("orgsync.deletes.force", "true")).run(org.withoutFirstMembers(20));

        assertThat(forced.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(List.of(forced.created(), forced.updated(), forced.deleted())).containsExactly(0L, 0L, 20L);
        assertThat(liveCount("orgsync_member")).isEqualTo(20);
        assertThat(count("orgsync_member")).isEqualTo(40);
        assertThat(count("orgsync_member_department")).isEqualTo(20);
        assertThat(state()).isEqualTo(forced.runId());
    }

    @Test
    void aRunThatFetchedNothingNeverDeletes() throws Exception {
        Runner runner = runner(Map.of("orgsync.deletes.force", "true"));
        runner.run(Org.school(2));
        Map<String, List<List<String>>> before = dump(RECORD_TABLES);

        Manifest empty = runner.run(Org.school(2), true);

        assertThat(empty.status()).isEqualTo(RunStatus.HELD);
        assertThat(empty.error()).contains("nothing is deleted on an empty fetch");
        assertThat(dump(RECORD_TABLES)).isEqualTo(before);
    }

    @Test
    void aRunFailingHalfWayThroughLeavesEveryTableRowIdentical() throws Exception {
        Org first = Org.school(10);
        Runner runner = runner();
        runner.run(first);
        Org second = first;
        for (Member m : first.members()) {
            second = second.rename(m.id(), m.name() + "·改");
        }
        second = second.with(Org.student("s41", "新同学", "c1")).without("s01", "s02")
                .moveDepartment("c4", "g1");
        Map<String, List<List<String>>> before = dump(ALL_TABLES);
        try (Connection connection = database.dataSource().getConnection()) {
            // the members are written in id order: s21 comes after some twenty rows, three batches
            databases.failOnMember(connection, "s21");
        }

        Manifest failed = runner.run(second);

        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.error()).contains("injected failure for member s21");
        Map<String, List<List<String>>> after = dump(ALL_TABLES);
        List<List<String>> runs = after.get("orgsync_run");
        assertThat(runs).hasSize(before.get("orgsync_run").size() + 1);
        assertThat(runs.removeIf(r -> r.get(0).equals(failed.runId()))).isTrue();
        assertThat(after).as("every table row for row, apart from the failed run's own row").isEqualTo(before);
        assertThat(runRow(failed.runId())).containsEntry("status", "failed");

        try (Connection connection = database.dataSource().getConnection()) {
            databases.dropFailure(connection);
        }
        Manifest retried = runner.run(second);
        assertThat(List.of(retried.created(), retried.updated(), retried.deleted())).containsExactly(1L, 39L, 2L);
    }

    // ------------------------------------------------------------------ runs that do not go to the tables

    @Test
    void aRunNotForTheTablesKeepsACompactStateThatTheNextRunIsComparedWith(@TempDir Path exports) throws Exception {
        Runner runner = runner(Map.of("orgsync.sinks", "file", "orgsync.file.dir", exports.toString()));
        Org first = Org.school(10);

        Manifest initial = runner.run(first);

        assertThat(initial.status()).as(String.valueOf(initial.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(List.of(initial.created(), initial.updated(), initial.deleted())).containsExactly(47L, 0L, 0L);
        for (String table : RECORD_TABLES) {
            assertThat(count(table)).as(table).isZero();
        }
        assertThat(compactStateRuns()).containsExactly(initial.runId());
        assertThat(scalar("SELECT COUNT(*) FROM orgsync_compact_state")).as("pieces").isGreaterThan(3);
        List<String> published = new ArrayList<>();
        first.departments().forEach(d -> published.add(CanonicalJson.toLine(d)));
        first.members().forEach(m -> published.add(CanonicalJson.toLine(m)));
        assertThat(compactStateText().lines()).containsExactlyInAnyOrderElementsOf(published);
        assertThat(state()).isEqualTo(initial.runId());
        assertThat(runRow(initial.runId())).containsEntry("status", "success");

        Org second = first.with(Org.student("s41", "新同学", "c4")).rename("s02", "王小明")
                .moveDepartment("c4", "g1").without("s04");
        Manifest changed = runner.run(second);

        assertThat(List.of(changed.created(), changed.updated(), changed.deleted())).containsExactly(1L, 2L, 1L);
        assertThat(changesFile(exports, changed)).containsExactlyInAnyOrder(
                change("create", second.member("s41")), change("update", second.member("s02")),
                change("update", second.department("c4")),
                // a delete carries the last known record, read back from the compact state
                change("delete", first.member("s04")));
        assertThat(compactStateRuns()).containsExactly(changed.runId());

        Manifest again = runner.run(second);

        assertThat(List.of(again.created(), again.updated(), again.deleted())).containsExactly(0L, 0L, 0L);
        assertThat(changesFile(exports, again)).isEmpty();
        assertThat(compactStateRuns()).containsExactly(again.runId());
        for (String table : RECORD_TABLES) {
            assertThat(count(table)).as(table).isZero();
        }
    }

    /** Earlier releases gzipped the compact state: a run after the upgrade is compared with it, then replaces it. */
    @Test
    void aCompactStateAnEarlierReleaseGzippedIsStillComparedWith(@TempDir Path exports) throws Exception {
        Runner runner = runner(Map.of("orgsync.sinks", "file", "orgsync.file.dir", exports.toString()));
        Org first = Org.school(10);
        Manifest initial = runner.run(first);
        java.io.ByteArrayOutputStream gzipped = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(gzipped)) {
            out.write(compactStateText().getBytes(StandardCharsets.UTF_8));
        }
        try (Connection connection = database.dataSource().getConnection()) {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM orgsync_compact_state")) {
                delete.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orgsync_compact_state "
                    + "(source, tenant, seq, run_id, data) VALUES (?, ?, 0, ?, ?)")) {
                insert.setString(1, SOURCE);
                insert.setString(2, TENANT);
                insert.setString(3, initial.runId());
                insert.setBytes(4, gzipped.toByteArray());
                insert.executeUpdate();
            }
        }

        Org second = first.rename("s02", "王小明").without("s04");
        Manifest changed = runner.run(second);

        assertThat(changed.status()).as(String.valueOf(changed.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(changesFile(exports, changed)).containsExactlyInAnyOrder(
                change("update", second.member("s02")), change("delete", first.member("s04")));
        assertThat(compactStateRuns()).containsExactly(changed.runId());
        assertThat(compactStatePieces().get(0)).as("Zstandard's frame magic")
                .startsWith((byte) 0x28, (byte) 0xb5, (byte) 0x2f, (byte) 0xfd);
        assertThat(runner.run(second).created()).isZero();
    }

    /**
     * Runs switch between the tables and the compact state when orgsync.sinks gains or loses
     * jdbc: no change between two runs may go unreported, and the tables, once jdbc is listed
     * again, equal the last snapshot as if they had followed every run.
     */
    @Test
    void switchingBetweenTheTablesAndTheCompactStateLosesNoChange(@TempDir Path exports) throws Exception {
        Map<String, String> compact = Map.of("orgsync.sinks", "file", "orgsync.file.dir", exports.toString());
        Org first = Org.school(10);
        runner().run(first);
        Map<String, List<List<String>>> tablesOfTheFirst = dump(RECORD_TABLES);

        Org second = first.with(Org.student("s41", "新同学", "c4")).rename("s02", "王小明").without("s04");
        Manifest toCompact = runner(compact).run(second);
        assertThat(List.of(toCompact.created(), toCompact.updated(), toCompact.deleted())).containsExactly(1L, 1L, 1L);
        assertThat(dump(RECORD_TABLES)).as("tables no sink asked for stay as they were").isEqualTo(tablesOfTheFirst);

        Org third = second.with(Org.student("s42", "又一个", "c1")).without("s05").with(first.member("s04"));
        Manifest stillCompact = runner(compact).run(third);
        assertThat(List.of(stillCompact.created(), stillCompact.updated(), stillCompact.deleted()))
                .containsExactly(2L, 0L, 1L);
        assertThat(changesFile(exports, stillCompact)).contains(change("delete", second.member("s05")));

        Org fourth = third.rename("s06", "赵六").move("s03", "c2", "c3");
        Manifest backToTables = runner().run(fourth);

        assertThat(backToTables.status()).as(String.valueOf(backToTables.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(List.of(backToTables.created(), backToTables.updated(), backToTables.deleted()))
                .containsExactly(0L, 2L, 0L);
        assertThat(compactStateRuns()).isEmpty();
        for (Member member : fourth.members()) {
            assertThat(row("orgsync_member", member.id())).as(member.id())
                    .containsEntry("record_json", CanonicalJson.toLine(member)).containsEntry("deleted_at", null);
            assertThat(memberships(member.id())).as(member.id()).isEqualTo(new TreeSet<>(member.departmentIds()));
            assertThat(relations(member.id())).as(member.id()).hasSize(member.relations().size());
        }
        for (Department department : fourth.departments()) {
            assertThat(row("orgsync_department", department.id())).as(department.id())
                    .containsEntry("record_json", CanonicalJson.toLine(department)).containsEntry("deleted_at", null);
        }
        // s05 left while the tables were not followed; it is marked deleted now, with its last record
        assertThat(row("orgsync_member", "s05").get("deleted_at")).isNotNull();
        assertThat(row("orgsync_member", "s05")).containsEntry("record_json",
                CanonicalJson.toLine(first.member("s05")));
        assertThat(memberships("s05")).isEmpty();
        assertThat(relations("s05")).isEmpty();
        assertThat(liveCount("orgsync_member")).isEqualTo(fourth.members().size());

        Map<String, List<List<String>>> tablesOfTheFourth = dump(RECORD_TABLES);
        Manifest unchanged = runner().run(fourth);
        assertThat(List.of(unchanged.created(), unchanged.updated(), unchanged.deleted()))
                .containsExactly(0L, 0L, 0L);
        assertThat(dump(RECORD_TABLES)).isEqualTo(tablesOfTheFourth);
    }

    @Test
    void aRunFailingAfterItsCompactStateWasStagedLeavesTheStateAsItWas(@TempDir Path exports) throws Exception {
        Org first = Org.school(10);
        Manifest initial = runner(Map.of("orgsync.sinks", "file", "orgsync.file.dir", exports.toString()))
                .run(first);
        Map<String, List<List<String>>> before = dump(ALL_TABLES);
        String stateBefore = compactStateText();
        // the file sink cannot create its run directory where a plain file stands
        Path blocked = java.nio.file.Files.writeString(exports.resolve("blocked"), "not a directory");

        Manifest failed = runner(Map.of("orgsync.sinks", "file", "orgsync.file.dir", blocked.toString()))
                .run(first.rename("s02", "王小明").without("s04"));

        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        Map<String, List<List<String>>> after = dump(ALL_TABLES);
        assertThat(after.get("orgsync_run").removeIf(r -> r.get(0).equals(failed.runId()))).isTrue();
        assertThat(after).isEqualTo(before);
        assertThat(compactStateRuns()).containsExactly(initial.runId());
        assertThat(compactStateText()).isEqualTo(stateBefore);
    }

    @Test
    void aCompactStateTheDatabaseRefusesHalfwayFailsTheRunAndLeavesTheStateAsItWas(@TempDir Path exports)
            throws Exception {
        Map<String, String> fileOnly = Map.of("orgsync.sinks", "file", "orgsync.file.dir", exports.toString());
        Manifest initial = runner(fileOnly).run(Org.school(2));
        Map<String, List<List<String>>> before = dump(ALL_TABLES);
        String stateBefore = compactStateText();
        long lastPiece = ((Number) query("SELECT MAX(seq) AS top_seq FROM orgsync_compact_state").get(0).get("top_seq"))
                .longValue();
        // the database refuses the first piece beyond those the first run needed, as a full disk would
        try (Connection connection = database.dataSource().getConnection()) {
            TestDatabases.execute(connection, "ALTER TABLE orgsync_compact_state ADD CONSTRAINT orgsync_test_fail "
                    + "CHECK (seq <= " + lastPiece + ")");
        }

        Manifest failed = runner(fileOnly).run(Org.school(10));

        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.error()).contains("the database did not take run " + failed.runId());
        Map<String, List<List<String>>> after = dump(ALL_TABLES);
        assertThat(after.get("orgsync_run").removeIf(r -> r.get(0).equals(failed.runId()))).isTrue();
        assertThat(after).isEqualTo(before);
        assertThat(compactStateRuns()).containsExactly(initial.runId());
        assertThat(compactStateText()).isEqualTo(stateBefore);
    }

    /** 400 students: the tests' 64 KB spool buffer writes a few sorted runs while they are added. */
    private static final int STUDENTS_PER_CLASS = 100;

    @Test
    void aFirstRunWhoseMembersFailWhileBeingWrittenIsAppliedWhenStagedAndLeavesNoRowWhenThatFailsToo()
            throws Exception {
        Map<String, List<List<String>>> before = dump(ALL_TABLES);
        try (Connection connection = database.dataSource().getConnection()) {
            databases.failOnMember(connection, "s21");
        }
        Runner runner = runner();

        Manifest failed = runner.run(Org.school(STUDENTS_PER_CLASS));

        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        // rolled back, then applied again when staging, where s21 fails once more
        assertThat(failed.error()).contains("the database did not take run").contains("injected failure for member s21");
        Map<String, List<List<String>>> after = dump(ALL_TABLES);
        assertThat(after.get("orgsync_run").removeIf(r -> r.get(0).equals(failed.runId()))).isTrue();
        assertThat(after).as("no member, membership, relation or state row").isEqualTo(before);

        try (Connection connection = database.dataSource().getConnection()) {
            databases.dropFailure(connection);
        }
        Manifest retried = runner.run(Org.school(STUDENTS_PER_CLASS));
        assertThat(List.of(retried.created(), retried.updated(), retried.deleted())).containsExactly(407L, 0L, 0L);
        assertThat(count("orgsync_member")).isEqualTo(400);
        assertThat(count("orgsync_member_department")).isEqualTo(400);
        assertThat(count("orgsync_relation")).isEqualTo(800);
    }

    @Test
    void aFirstRunListingPeopleSeveralTimesStoresTheirCombinedRecords() throws Exception {
        Org org = Org.school(STUDENTS_PER_CLASS);
        Member s12 = org.member("s12");
        // listed again, after everyone else, from two more classes with another guardian
        Member again = new Member(s12.source(), s12.tenant(), s12.id(), null, s12.role(), List.of("c3", "c2"),
                "13800000012", null, s12.status(), List.of(new Relation("gs12", Role.PARENT, "奶奶"),
                new Relation("ps12", Role.PARENT, "妈妈")), CanonicalJson.emptyObject().put("seat", 7));
        Member s30 = org.member("s30");
        Runner runner = runner();

        Manifest first = runner.run(org, List.of(again, s30, s30));

        assertThat(first.status()).as(String.valueOf(first.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(List.of(first.members(), first.created())).containsExactly(400L, 407L);
        assertThat(count("orgsync_member")).isEqualTo(400);
        Map<String, Object> row = row("orgsync_member", "s12");
        assertThat(row).containsEntry("name", s12.name()).containsEntry("mobile", "13800000012")
                .containsEntry("email", s12.email());
        Member combined = CanonicalJson.MAPPER.readValue((String) row.get("record_json"), Member.class);
        assertThat(combined.departmentIds()).containsExactly("c1", "c3", "c2");
        assertThat(combined.relations()).extracting(Relation::id).containsExactly("ps12", "qs12", "gs12");
        assertThat(combined.attributes().get("seat").asInt()).isEqualTo(7);
        assertThat(row.get("content_hash")).isEqualTo(sha256((String) row.get("record_json")));
        assertThat(memberships("s12")).containsExactlyInAnyOrder("c1", "c2", "c3");
        assertThat(relations("s12")).containsExactlyInAnyOrder("ps12 parent 妈妈", "qs12 parent 爸爸", "gs12 parent 奶奶");
        assertThat(memberships("s30")).containsExactly("c1");
        assertThat(count("orgsync_member_department")).isEqualTo(402);
        assertThat(count("orgsync_relation")).isEqualTo(801);
        Map<String, List<List<String>>> tables = dump(RECORD_TABLES);

        Manifest rerun = runner.run(org, List.of(again, s30, s30));

        assertThat(List.of(rerun.created(), rerun.updated(), rerun.deleted())).containsExactly(0L, 0L, 0L);
        assertThat(dump(RECORD_TABLES)).isEqualTo(tables);
    }

    @Test
    void membersOfARunThatCameWhileTheFirstLoadWasBusyAreInsertedWhenStaging() throws Exception {
        Org org = Org.school(10);
        PreviousRun none = store.load(SOURCE, TENANT);
        FetchTimeLoad load = (FetchTimeLoad) store.firstLoad(SOURCE, TENANT, "busy-run");
        assertThat(load).as("a tenant without rows gets a first load").isNotNull();
        List<Member> firstRun = org.members().subList(0, 20);
        List<Member> secondRun = org.members().subList(20, 40);
        Member s05 = org.member("s05");
        // s05 again, in a later run, from another class: its row must become the combined record
        Member s05combined = new Member(s05.source(), s05.tenant(), s05.id(), s05.name(), s05.role(),
                List.of("c1", "c3"), s05.mobile(), s05.email(), s05.status(), s05.relations(), s05.attributes());
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);

        load.addRun(ids(firstRun), lines(firstRun), line -> {
            writing.countDown();
            awaitQuietly(release);
            return decode(line);
        });
        assertThat(writing.await(60, TimeUnit.SECONDS)).isTrue();
        load.addRun(ids(secondRun), lines(secondRun), line -> {
            throw new AssertionError("a run that came while the writer was busy is not written while fetching");
        });
        load.addRun(List.of("s05"), List.of(CanonicalJson.toUtf8Line(Org.student("s05", s05.name(), "c3"))),
                line -> {
                    throw new AssertionError("a second listing is never written while fetching");
                });
        release.countDown();
        List<Member> published = new ArrayList<>(org.members());
        published.replaceAll(m -> m.id().equals("s05") ? s05combined : m);
        Manifest manifest = new Manifest("busy-run", SOURCE, TENANT, RunStatus.SUCCESS, "2026-11-21T02:00:00Z",
                "2026-11-21T02:00:01Z", 7, 40, 47, 0, 0, 0, 0, 0, null);
        try (RouteApply route = new RouteApply(store)) {
            route.apply(new RunResult(manifest, org.departments(), published,
                    ChangeDetector.diff(none, org.departments(), published)));
        }

        assertThat(load.written()).isEqualTo(20);
        Map<String, String> stored = new HashMap<>();
        query("SELECT id, record_json FROM orgsync_member WHERE tenant = ?", TENANT)
                .forEach(r -> stored.put((String) r.get("id"), (String) r.get("record_json")));
        Map<String, String> expected = new HashMap<>();
        published.forEach(m -> expected.put(m.id(), CanonicalJson.toLine(m)));
        assertThat(stored).isEqualTo(expected);
        assertThat(memberships("s05")).containsExactlyInAnyOrder("c1", "c3");
        assertThat(count("orgsync_member_department")).isEqualTo(41);
        assertThat(count("orgsync_relation")).isEqualTo(80);
        assertThat(state()).isEqualTo("busy-run");
    }

    @Test
    void aFirstRunWhoseWriterFailedWhileFetchingIsAppliedWhenStaged() throws Exception {
        Org org = Org.school(10);
        PreviousRun none = store.load(SOURCE, TENANT);
        FetchTimeLoad load = (FetchTimeLoad) store.firstLoad(SOURCE, TENANT, "fallback-run");
        assertThat(load).isNotNull();
        // as when the database drops a transaction left open too long
        load.addRun(ids(org.members()), lines(org.members()), line -> {
            throw new IllegalStateException("connection closed by the server");
        });
        Manifest manifest = new Manifest("fallback-run", SOURCE, TENANT, RunStatus.SUCCESS, "2026-11-21T02:00:00Z",
                "2026-11-21T02:00:01Z", 7, 40, 47, 0, 0, 0, 0, 0, null);

        try (RouteApply route = new RouteApply(store)) {
            route.apply(new RunResult(manifest, org.departments(), org.members(),
                    ChangeDetector.diff(none, org.departments(), org.members())));
        }

        assertThat(load.written()).isZero();
        assertThat(count("orgsync_member")).isEqualTo(40);
        assertThat(count("orgsync_member_department")).isEqualTo(40);
        assertThat(count("orgsync_relation")).isEqualTo(80);
        assertThat(row("orgsync_member", "s12")).containsEntry("record_json", CanonicalJson.toLine(org.member("s12")));
        assertThat(state()).isEqualTo("fallback-run");
    }

    private static List<String> ids(List<Member> members) {
        return members.stream().map(Member::id).sorted().toList();
    }

    private static List<byte[]> lines(List<Member> members) {
        return members.stream().sorted(java.util.Comparator.comparing(Member::id)).map(CanonicalJson::toUtf8Line).toList();
    }

    private static Member decode(byte[] line) {
        return CanonicalJson.fromUtf8Line(line, Member.class);
    }

    /** The writer stays busy until the test releases it; two minutes only bound a failing test. */
    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void changesComputedAgainstAStateAnotherProcessHasSinceReplacedAreRefused() throws Exception {
        Runner runner = runner();
        Org org = Org.school(2);
        runner.run(org);
        // a second process reads the state, then the first applies another run before it stages
        JdbcStore other = new JdbcStore(database, clock);
        PreviousRun stale = other.load(SOURCE, TENANT);
        Manifest meanwhile = runner.run(org.rename("s01", "先到"));
        Map<String, List<List<String>>> before = dump(ALL_TABLES);
        Org late = org.rename("s02", "后到");
        List<Change> changes = ChangeDetector.diff(stale, late.departments(), late.members());
        Manifest manifest = new Manifest("late-run", SOURCE, TENANT, RunStatus.SUCCESS, "2026-11-21T02:00:00Z",
                "2026-11-21T02:00:01Z", 7, 8, 0, 1, 0, 0, 0, 0, null);

        try (RouteApply route = new RouteApply(other)) {
            assertThatThrownBy(() -> route.apply(new RunResult(manifest, late.departments(), late.members(), changes)))
                    .isInstanceOf(RunFailedException.class)
                .hasMessageContaining("run " + meanwhile.runId() + " of " + SOURCE + "/" + TENANT
                            + " reached the database after run late-run");
        }
        assertThat(dump(ALL_TABLES)).isEqualTo(before);
    }

    @Test
    void rareCharactersAndEmojiRoundTripExactly() throws Exception {
        String rare = "𠀀𠀁𪚥 龘";
        String emoji = "👩‍👩‍👧‍👦 Zoë \"O'Brien\", 张三\n第二行";
        Org org = Org.school(2)
                .rename("s01", rare)
                .rename("s02", emoji)
                .with(Org.department("c1", "g1", List.of("1", "g1", "c1"), "𠮷野家 🍱 班", DepartmentType.CLASS))
                .edit("s03", m -> new Member(m.source(), m.tenant(), m.id(), m.name(), m.role(), m.departmentIds(),
                        m.mobile(), m.email(), m.status(), List.of(new Relation("p", Role.PARENT, "𠀀爸")),
                        m.attributes()));
        Runner runner = runner();

        runner.run(org);

        assertThat(row("orgsync_member", "s01")).containsEntry("name", rare);
        assertThat(row("orgsync_member", "s02")).containsEntry("name", emoji);
        assertThat(row("orgsync_department", "c1")).containsEntry("name", "𠮷野家 🍱 班");
        assertThat(relations("s03")).containsExactly("p parent 𠀀爸");
        assertThat(CanonicalJson.fromLine((String) row("orgsync_member", "s02").get("record_json"), Member.class))
                .isEqualTo(org.member("s02"));
        Manifest again = runner.run(org);
        assertThat(List.of(again.created(), again.updated(), again.deleted()))
                .as("what was read back equals what was fetched").containsExactly(0L, 0L, 0L);
    }

    @Test
    void brokenTextIsStoredWithoutMakingTheRecordLookChangedOnEveryRun() throws Exception {
        // an unpaired surrogate and NUL, as a broken vendor export might send them
        Org org = Org.school(2).rename("s01", "半个\uD840字").rename("s02", "nul\u0000name");
        Runner runner = runner();

        runner.run(org);

        assertThat(row("orgsync_member", "s01")).containsEntry("name", "半个\uFFFD字");
        assertThat(row("orgsync_member", "s02")).containsEntry("name", "nul\uFFFDname");
        Manifest again = runner.run(org);
        assertThat(List.of(again.created(), again.updated(), again.deleted())).containsExactly(0L, 0L, 0L);
    }

    @Test
    void rareTextInTheCompactStateIsNotAChangeOnTheNextRun(@TempDir Path exports) throws Exception {
        // pairs the database takes as they are, an unpaired surrogate it keeps as an escape, and NUL
        Org org = Org.school(2).rename("s01", "𠀀𪚥 👩‍👩‍👧‍👦 半个\uD840字").rename("s02", "nul\u0000name");
        Runner runner = runner(Map.of("orgsync.sinks", "file", "orgsync.file.dir", exports.toString()));

        Manifest first = runner.run(org);
        assertThat(first.status()).as(String.valueOf(first.error())).isEqualTo(RunStatus.SUCCESS);
        Manifest again = runner.run(org.without("s03"));

        assertThat(again.status()).as(String.valueOf(again.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(List.of(again.created(), again.updated(), again.deleted())).containsExactly(0L, 0L, 1L);
        Manifest third = runner.run(org.without("s03"));
        assertThat(List.of(third.created(), third.updated(), third.deleted())).containsExactly(0L, 0L, 0L);
    }

    @Test
    void aWrongPasswordIsAConfigurationErrorNamingThePasswordKey() throws Exception {
        JdbcSettings user = databases.withUser(settings, "orgsync_app", "right-password");
        Database.open(user).close(); // the right one works

        JdbcSettings wrong = new JdbcSettings(user.url(), user.username(), "wrong-password-value");
        assertThatThrownBy(() -> startApp(wrong))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.key()).isEqualTo("orgsync.jdbc.password");
                    assertThat(e.getMessage()).startsWith("orgsync.jdbc.password: ").doesNotContain("\n")
                            .doesNotContain("wrong-password-value").doesNotContain("right-password");
                });
    }

    @Test
    void anUnreachableDatabaseIsAConfigurationErrorNamingTheUrlKey() throws Exception {
        JdbcSettings unreachable = databases.unreachable();
        assertThatThrownBy(() -> startApp(unreachable))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.key()).isEqualTo("orgsync.jdbc.url");
                    assertThat(e.getMessage()).startsWith("orgsync.jdbc.url: ").doesNotContain("\n");
                });
    }

    // ------------------------------------------------------------------ the whole bundle, end to end

    @Test
    void theWecomSchoolSourceLandsInTheDatabaseAsInTheExports(@TempDir Path exports) throws Exception {
        try (OrgSyncApp app = Harness.start(bundle(exports, Map.of("orgsync.sinks", "file,jdbc")))) {
            Manifest first = sync(app);
            assertThat(first.status()).as(String.valueOf(first.error())).isEqualTo(RunStatus.SUCCESS);
            String tenant = first.tenant();
            assertThat(liveCount("orgsync_department")).isEqualTo(first.departments());
            assertThat(liveCount("orgsync_member")).isEqualTo(first.members());
            assertThat(first.created()).isEqualTo(first.departments() + first.members());
            Path runDir = exports.resolve(SOURCE).resolve(tenant).resolve(first.runId());
            // the database holds exactly what the file sink published, record for record
            Map<String, String> published = new HashMap<>();
            Harness.members(runDir).forEach(m -> published.put(m.id(), CanonicalJson.toLine(m)));
            Map<String, String> stored = new HashMap<>();
            query("SELECT id, record_json FROM orgsync_member WHERE tenant = ?", tenant)
                    .forEach(r -> stored.put((String) r.get("id"), (String) r.get("record_json")));
            assertThat(stored).isEqualTo(published);
            assertThat(longs(runRow(first.runId()), "created", "api_calls"))
                    .containsExactly(first.created(), first.apiCalls());
            Map<String, List<List<String>>> before = dump(RECORD_TABLES);

            Manifest second = sync(app);

            assertThat(List.of(second.created(), second.updated(), second.deleted())).containsExactly(0L, 0L, 0L);
            assertThat(Harness.changes(exports.resolve(SOURCE).resolve(tenant).resolve(second.runId()))).isEmpty();
            assertThat(dump(RECORD_TABLES)).isEqualTo(before);
        }
    }

    @Test
    void narrowingTheSyncToOneCampusIsHeldUntilForced(@TempDir Path exports) throws Exception {
        Manifest whole;
        try (OrgSyncApp app = Harness.start(bundle(exports, Map.of()))) {
            whole = sync(app);
        }
        Map<String, List<List<String>>> before = dump(RECORD_TABLES);
        String campus = String.valueOf(simulator.school().departments().stream()
                .filter(d -> d.type() == SchoolOrg.TYPE_CAMPUS).findFirst().orElseThrow().id());
        Map<Path, String> exportsBefore = Harness.tree(exports);

        Manifest held;
        try (OrgSyncApp app = Harness.start(bundle(exports,
                Map.of("orgsync.wecom-school.root-department-id", campus)))) {
            held = sync(app);
        }

        assertThat(held.status()).isEqualTo(RunStatus.HELD);
        assertThat(held.deleted()).isPositive();
        assertThat(dump(RECORD_TABLES)).isEqualTo(before);
        assertThat(Harness.tree(exports)).as("no run directory, latest.json unchanged").isEqualTo(exportsBefore);
        assertThat(runRow(held.runId())).containsEntry("status", "held");
        assertThat(state(whole.tenant())).isEqualTo(whole.runId());

        Manifest forced;
        try (OrgSyncApp app = Harness.start(bundle(exports, Map.of("orgsync.wecom-school.root-department-id", campus,
                "orgsync.deletes.force", "true")))) {
            forced = sync(app);
        }

        assertThat(forced.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(forced.deleted()).isEqualTo(held.deleted());
        assertThat(liveCount("orgsync_department")).isEqualTo(forced.departments());
        assertThat(liveCount("orgsync_member")).isEqualTo(forced.members());
        long deletes = Harness.changes(exports.resolve(SOURCE).resolve(forced.tenant()).resolve(forced.runId()))
                .stream().filter(c -> c.path("op").asText().equals("delete")).count();
        assertThat(deletes).isEqualTo(forced.deleted());
        assertThat(scalar("SELECT COUNT(*) FROM orgsync_member WHERE deleted_at IS NOT NULL")
                + scalar("SELECT COUNT(*) FROM orgsync_department WHERE deleted_at IS NOT NULL"))
                .isEqualTo(forced.deleted());
    }

    @Test
    void aVendorFailureLeavesTheDatabaseAsItWas(@TempDir Path exports) throws Exception {
        try (OrgSyncApp app = Harness.start(bundle(exports, Map.of()))) {
            sync(app);
            Map<String, List<List<String>>> before = dump(ALL_TABLES);
            simulator.faults().failAlways("/cgi-bin/school/user/list", 500);
            try {
                Manifest failed = sync(app);

                assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
                Map<String, List<List<String>>> after = dump(ALL_TABLES);
                assertThat(after.get("orgsync_run").removeIf(r -> r.get(0).equals(failed.runId()))).isTrue();
                assertThat(after).isEqualTo(before);
                assertThat(runRow(failed.runId())).containsEntry("status", "failed")
                        .containsEntry("error", failed.error());
            } finally {
                simulator.faults().clear();
            }
        }
    }

    private Map<String, String> bundle(Path exports, Map<String, String> extra) {
        if (simulator == null) {
            simulator = VendorSimulator.start(SimulatorConfig.defaults().withSchool(new SchoolShape(2, 2, 2, 3, 8)));
        }
        Map<String, String> overrides = Harness.overrides(simulator, exports, Sources.WECOM_SCHOOL);
        overrides.put("orgsync.jdbc.url", settings.url());
        overrides.put("orgsync.jdbc.username", settings.username());
        overrides.put("orgsync.jdbc.password", settings.password());
        // these tests read the tables
        overrides.put("orgsync.sinks", "file,jdbc");
        overrides.putAll(extra);
        return overrides;
    }

    private static Manifest sync(OrgSyncApp app) {
        OrgSyncApp.RunOutcome outcome = app.sync(Sources.WECOM_SCHOOL);
        assertThat(outcome.exception()).isNull();
        return outcome.manifest();
    }

    // ------------------------------------------------------------------ running

    Runner runner() throws Exception {
        return runner(Map.of());
    }

    Runner runner(Map<String, String> extra) throws Exception {
        Runner runner = new Runner(extra);
        runners.add(runner);
        return runner;
    }

    /** The real coordinator behind the shipped publish pipeline and sink routes. */
    final class Runner implements AutoCloseable {
        private final RunCoordinator coordinator;
        private final DefaultCamelContext context;
        private final ProducerTemplate template;

        Runner(Map<String, String> extra) throws Exception {
            Map<String, String> values = new HashMap<>(Map.of(
                    "orgsync.sources", SOURCE,
                    "orgsync.wecom-school.corp-id", TENANT,
                    "orgsync.wecom-school.corp-secret", "not-used",
                    "orgsync.sinks", "jdbc"));
            values.putAll(extra);
            OrgSyncSettings runSettings = OrgSyncSettings.load(key -> Optional.ofNullable(values.get(key)));
            // the file sink, when listed, writes where the settings say, as in the bundle
            FileSink fileSink = new FileSink(runSettings.fileDir(), runSettings.fileFormats());
            Map<String, Sink> sinks = runSettings.sinks().contains("file") ? Map.of("file", fileSink) : Map.of();
            coordinator = new RunCoordinator(runSettings, store, sinks, clock);
            context = new DefaultCamelContext();
            context.getRegistry().bind("runs", coordinator);
            context.getRegistry().bind("fileSink", fileSink);
            JdbcSink.bind(context.getRegistry(), store);
            var resources = PluginHelper.getResourceLoader(context);
            PluginHelper.getRoutesLoader(context).loadRoutes(
                    resources.resolveResource("file:routes/orgsync.camel.yaml"),
                    resources.resolveResource("file:routes/jdbc-sink.camel.yaml"),
                    resources.resolveResource("file:routes/file-sink.camel.yaml"));
            context.addRoutes(new io.orgsync.run.PublishRoutes());
            context.start();
            template = context.createProducerTemplate();
        }

        Manifest run(Org org) {
            return run(org, false);
        }

        /** @param alsoListed listings fetched after the org's own, as a person listed in several places is */
        Manifest run(Org org, List<Member> alsoListed) {
            return run(org, false, alsoListed);
        }

        Manifest run(Org org, boolean empty) {
            return run(org, empty, List.of());
        }

        /** @param empty the vendor answered with nothing at all */
        private Manifest run(Org org, boolean empty, List<Member> alsoListed) {
            Exchange exchange = new DefaultExchange(context);
            coordinator.begin(exchange.getProperties(), SOURCE);
            RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
            if (!empty) {
                org.departments().forEach(run.snapshot()::addDepartment);
                org.members().forEach(run.snapshot()::addMember);
                alsoListed.forEach(run.snapshot()::addMember);
                run.setRootDepartmentId(Org.ROOT);
            }
            Exchange done = template.send("direct:orgsync-publish", exchange);
            assertThat(done.getException()).isNull();
            return done.getProperty(RunCoordinator.MANIFEST, Manifest.class);
        }

        @Override
        public void close() {
            context.stop();
            coordinator.close();
        }
    }

    /** Starts the whole bundle as users do, against {@code jdbc}, with the shipped routes. */
    static void startApp(JdbcSettings jdbc) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("orgsync.wecom-school.corp-id", "ww1");
        overrides.put("orgsync.wecom-school.corp-secret", "not-used");
        overrides.put("orgsync.jdbc.url", jdbc.url());
        overrides.put("orgsync.jdbc.username", jdbc.username());
        overrides.put("orgsync.jdbc.password", jdbc.password());
        // the file sink would create ./exports at start in the project folder; these tests are about the database
        overrides.put("orgsync.sinks", "jdbc");
        try (OrgSyncApp app = OrgSyncApp.create(Path.of("application.properties"), Path.of("routes"), overrides,
                true)) {
            app.start();
        }
    }

    static final class TickingClock extends Clock {
        private final AtomicLong seconds = new AtomicLong(Instant.parse("2026-11-21T02:00:00Z").getEpochSecond());

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(seconds.incrementAndGet());
        }
    }

    // ------------------------------------------------------------------ reading the tables

    /** The run each piece of the compact state belongs to, in piece order. */
    private List<String> compactStateRuns() throws SQLException {
        return query("SELECT DISTINCT run_id FROM orgsync_compact_state WHERE source = ? AND tenant = ?",
                SOURCE, TENANT).stream().map(r -> (String) r.get("run_id")).toList();
    }

    /** The compact state's lines, uncompressed. */
    private String compactStateText() throws Exception {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] piece : compactStatePieces()) {
            all.write(piece);
        }
        try (var in = CompactState.decompressing(new java.io.ByteArrayInputStream(all.toByteArray()))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The compact state's pieces as stored, in order. */
    private List<byte[]> compactStatePieces() throws SQLException {
        List<byte[]> pieces = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT data FROM orgsync_compact_state WHERE source = ? AND tenant = ? ORDER BY seq")) {
            select.setString(1, SOURCE);
            select.setString(2, TENANT);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    pieces.add(rows.getBytes(1));
                }
            }
        }
        return pieces;
    }

    private static List<String> changesFile(Path exports, Manifest run) throws java.io.IOException {
        return java.nio.file.Files.readAllLines(exports.resolve(SOURCE).resolve(TENANT).resolve(run.runId())
                .resolve("changes.jsonl"), StandardCharsets.UTF_8);
    }

    private static String change(String op, io.orgsync.model.CanonicalRecord record) {
        return CanonicalJson.toLine(new Change(io.orgsync.run.ChangeOp.valueOf(op.toUpperCase(Locale.ROOT)), record));
    }

    private long count(String table) throws SQLException {
        return scalar("SELECT COUNT(*) FROM " + table);
    }

    private long liveCount(String table) throws SQLException {
        return scalar("SELECT COUNT(*) FROM " + table + " WHERE deleted_at IS NULL");
    }

    private long scalar(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             ResultSet rows = connection.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private String state() throws SQLException {
        return state(TENANT);
    }

    private String state(String tenant) throws SQLException {
        List<Map<String, Object>> rows = query("SELECT last_run_id FROM orgsync_state WHERE source = ? AND tenant = ?",
                SOURCE, tenant);
        assertThat(rows).as("orgsync_state of " + tenant).hasSize(1);
        return (String) rows.get(0).get("last_run_id");
    }

    Map<String, Object> row(String table, String id) throws SQLException {
        List<Map<String, Object>> rows = query("SELECT * FROM " + table + " WHERE source = ? AND tenant = ? AND id = ?",
                SOURCE, TENANT, id);
        assertThat(rows).as(table + " " + id).hasSize(1);
        return rows.get(0);
    }

    private Map<String, Object> runRow(String runId) throws SQLException {
        List<Map<String, Object>> rows = query("SELECT * FROM orgsync_run WHERE run_id = ?", runId);
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    private List<String> runStatuses() throws SQLException {
        return query("SELECT run_id, status FROM orgsync_run ORDER BY started_at, run_id").stream()
                .map(r -> r.get("run_id") + " " + r.get("status")).toList();
    }

    private Set<String> memberships(String memberId) throws SQLException {
        Set<String> ids = new TreeSet<>();
        query("SELECT department_id FROM orgsync_member_department WHERE source = ? AND tenant = ? AND member_id = ?",
                SOURCE, TENANT, memberId).forEach(r -> ids.add((String) r.get("department_id")));
        return ids;
    }

    private Set<String> relations(String memberId) throws SQLException {
        Set<String> relations = new TreeSet<>();
        query("SELECT related_id, role, relation FROM orgsync_relation WHERE source = ? AND tenant = ? "
                + "AND member_id = ?", SOURCE, TENANT, memberId)
                .forEach(r -> relations.add(r.get("related_id") + " " + r.get("role") + " " + r.get("relation")));
        return relations;
    }

    private static List<Long> longs(Map<String, Object> row, String... columns) {
        List<Long> values = new ArrayList<>();
        for (String column : columns) {
            values.add(((Number) row.get(column)).longValue());
        }
        return values;
    }

    /** Rows as column (lower case) → value, text columns as String. */
    List<Map<String, Object>> query(String sql, Object... parameters) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        Object value = rs.getObject(i);
                        if (value instanceof Clob clob) {
                            value = clob.getSubString(1, (int) clob.length());
                        }
                        row.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), value);
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    /** Whole tables, every column as text, in key order: what "row-identical" is compared on. */
    Map<String, List<List<String>>> dump(List<String> tables) throws SQLException {
        Map<String, List<List<String>>> dump = new LinkedHashMap<>();
        for (String table : tables) {
            List<List<String>> rows = new ArrayList<>();
            for (Map<String, Object> row : query("SELECT * FROM " + table + " ORDER BY " + KEYS.get(table))) {
                List<String> values = new ArrayList<>();
                row.values().forEach(v -> values.add(String.valueOf(v)));
                rows.add(values);
            }
            dump.put(table, rows);
        }
        return dump;
    }

    private static List<String> columns(Connection connection, String table) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        List<String> columns = new ArrayList<>();
        for (String name : List.of(table, table.toUpperCase(Locale.ROOT))) {
            try (ResultSet rs = meta.getColumns(connection.getCatalog(), null, name, null)) {
                while (rs.next()) {
                    columns.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                }
            }
        }
        return columns;
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
