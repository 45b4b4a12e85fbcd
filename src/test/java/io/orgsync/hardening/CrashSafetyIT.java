package io.orgsync.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.orgsync.model.CanonicalJson;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.orgsync.simulator.OrgDiff;
import io.orgsync.simulator.OrgSnapshot;
import io.orgsync.simulator.SchoolChanges;
import io.orgsync.simulator.SchoolOrg;
import io.orgsync.simulator.SchoolShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.Vendor;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.BundleProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code target/orgsync.jar} killed with {@code destroyForcibly} (SIGKILL: no shutdown hook, no
 * finally) at several points of a run, then started again: after each kill nothing half-written
 * is visible, the next start removes leftover temporary run directories, and after the next
 * complete run the exports and the database hold exactly what an uninterrupted run gives.
 */
@Timeout(300)
class CrashSafetyIT {

    private static final String SECRET = "whsec_" + Base64.getEncoder()
            .encodeToString("crash-safety-test-webhook-secret".getBytes(StandardCharsets.US_ASCII));
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path root;
    private VendorSimulator simulator;
    private HttpServer receiver;
    /** While set, the receiver takes a request and never answers it: the bundle is "delivering". */
    private final AtomicBoolean hang = new AtomicBoolean();
    private final AtomicInteger received = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final Set<String> appliedIds = new HashSet<>();
    private final Map<String, JsonNode> receiverRecords = new java.util.concurrent.ConcurrentHashMap<>();
    private final Set<String> receivedRuns = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The uninterrupted history needs no receiver: the crashed one's receiver is checked against its exports. */
    private static final Map<String, String> WITHOUT_WEBHOOK = Map.of("ORGSYNC_SINKS", "file,jdbc");

    @BeforeEach
    void start() throws IOException {
        simulator = VendorSimulator.start(SimulatorConfig.defaults().withSchool(new SchoolShape(2, 3, 3, 4, 40)));
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        receiver.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            // a receiver applies a message before it answers; the kills may then take the answer away
            apply(exchange.getRequestHeaders().getFirst("webhook-id"), body);
            received.incrementAndGet();
            if (hang.get()) {
                try {
                    release.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    /** What a receiver that deduplicates by webhook-id holds: the records, by kind and id. */
    private synchronized void apply(String webhookId, byte[] body) throws IOException {
        if (webhookId == null || !appliedIds.add(webhookId)) {
            return;
        }
        JsonNode message = CanonicalJson.MAPPER.readTree(body);
        receivedRuns.add(message.path("runId").asText());
        for (JsonNode change : message.path("changes")) {
            JsonNode record = change.path("record");
            String key = record.path("kind").asText() + "/" + record.path("id").asText();
            if ("delete".equals(change.path("op").asText())) {
                receiverRecords.remove(key);
            } else {
                receiverRecords.put(key, record);
            }
        }
    }

    @AfterEach
    void stop() {
        release.countDown();
        receiver.stop(0);
        simulator.close();
    }

    /**
     * A school changes between two syncs. The uninterrupted history is: sync, change, sync. The
     * crashed one syncs, changes, then is killed in the second sync at each point in turn before a
     * sync is let finish. After every kill, whatever a reader sees (run folders, latest.json) is a
     * run the database records as successful; at the end the exports and tables equal the
     * uninterrupted history's, the committed runs' change counts add up to the simulator's own diff,
     * and a receiver that applied every webhook message it got (deduplicated by webhook-id) holds
     * exactly the published records: nothing of a run the database lost ever reached it.
     */
    @Test
    void killedAtAnyPointEverySinkAgreesWithTheDatabaseAndTheHistoryEndsAsAnUninterruptedOne() throws Exception {
        Path reference = workDir("reference");
        Path work = workDir("crashed");
        assertThat(runToTheEnd(reference, WITHOUT_WEBHOOK)).isZero();
        assertThat(runToTheEnd(work)).isZero();
        OrgSnapshot before = simulator.snapshot();
        changeTheSchool();
        OrgDiff expected = simulator.changesSince(before, Vendor.WECOM_SCHOOL);
        assertThat(expected.created() + expected.updated() + expected.deleted()).as("the change changes something")
                .isPositive();
        assertThat(runToTheEnd(reference, WITHOUT_WEBHOOK)).isZero();
        Snapshot uninterrupted = snapshot(reference);
        assertThat(uninterrupted.members()).hasSizeGreaterThan(500);
        List<String> points = new ArrayList<>();

        // 1. fetching: the vendor answers slowly, killed after a few calls
        simulator.faults().slow(Vendor.WECOM_SCHOOL, Duration.ofMillis(100));
        long calls = simulator.calls();
        assertThat(killWhen(work, () -> simulator.calls() >= calls + 3)).as("killed mid-run").isTrue();
        simulator.faults().clear();
        points.add("fetching: " + sinksAgreeWithTheDatabase(work));

        // 2. staging: as soon as a temporary run directory appears (files written, database being applied)
        assertThat(killWhen(work, () -> hasTemporaryRunDirectory(work))).as("killed mid-run").isTrue();
        assertThat(leftoverTemporaryDirectories(work)).as("the kill left a temporary run directory").isNotEmpty();
        points.add("hidden run folder written: " + sinksAgreeWithTheDatabase(work));

        // 3. the outbox: the run's webhook messages written, the commit not yet made
        Set<String> outboxBefore = outboxRuns(work);
        assertThat(killWhen(work, () -> !outboxBefore.containsAll(outboxRuns(work))))
                .as("killed mid-run").isTrue();
        points.add("outbox written: " + sinksAgreeWithTheDatabase(work));

        // 4. right after the commit: the moment the run's folder is published (H2 wrote commits late)
        int published = count(work, "published run ");
        hang.set(true);
        assertThat(killWhen(work, () -> count(work, "published run ") > published)).as("killed mid-run").isTrue();
        hang.set(false);
        points.add("right after the commit: " + sinksAgreeWithTheDatabase(work));

        // 5. delivering webhooks: the receiver holds the first request
        hang.set(true);
        int receivedBefore = received.get();
        assertThat(killWhen(work, () -> received.get() > receivedBefore)).as("killed mid-run").isTrue();
        hang.set(false);
        points.add("delivering webhooks: " + sinksAgreeWithTheDatabase(work));

        // 6. at random moments of whole runs
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 3; i++) {
            long delay = 300 + random.nextInt(2500);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
            boolean killed = killWhen(work, () -> System.nanoTime() >= deadline);
            points.add("random " + delay + " ms" + (killed ? "" : " (ended first)") + ": "
                    + sinksAgreeWithTheDatabase(work));
        }

        System.out.println("killed at:\n  " + String.join("\n  ", points));
        assertThat(runToTheEnd(work)).as("the run after the kills").isZero();
        sinksAgreeWithTheDatabase(work);
        assertThat(leftoverTemporaryDirectories(work)).as("cleaned on start").isEmpty();
        assertThat(outboxRuns(work)).as("every waiting message delivered").isEmpty();
        Snapshot actual = snapshot(work);
        assertThat(actual.departments()).isEqualTo(uninterrupted.departments());
        assertThat(actual.members()).isEqualTo(uninterrupted.members());
        assertThat(actual.tables()).as("database after kills at " + points).isEqualTo(uninterrupted.tables());
        assertThat(changesSinceTheFirstRun(work)).as("created, updated, deleted of the runs after the first")
                .containsExactly((long) expected.created(), (long) expected.updated(), (long) expected.deleted());
        Set<String> committed = successRuns(work);
        assertThat(receivedRuns).as("webhook messages only of runs the database committed").isSubsetOf(committed);
        Set<String> received = new TreeSet<>();
        receiverRecords.values().forEach(record -> received.add(CanonicalJson.toLine(record)));
        Set<String> publishedRecords = new TreeSet<>(actual.departments());
        publishedRecords.addAll(actual.members());
        assertThat(canonical(received)).as("what the receiver holds").isEqualTo(canonical(publishedRecords));
    }

    /**
     * The kill lands while the run's transaction is writing member rows to PostgreSQL, chosen
     * deterministically without a hook in the bundle: the test puts a trigger on
     * {@code orgsync_member} that pauses the 20th row written in a transaction, waits until
     * {@code pg_stat_activity} shows orgsync's backend paused in its member upsert with rows
     * already written (it holds a transaction id), and kills the process there. The run before
     * masked mobiles and this one shows them, so every member with a mobile is an update of a row
     * the previous run committed: those rows must stay exactly as they were, to other sessions
     * while the apply is under way and after the kill, and the next run must end where an
     * uninterrupted pair of runs does.
     */
    @Test
    void killedWhileApplyingToPostgresThePreviousRunsRowsStayIntactUntilTheNextRunCommits() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            try (Connection c = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"), "postgres",
                    "postgres"); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE reference");
                st.execute("CREATE DATABASE crashed");
            }
            String referenceUrl = postgres.getJdbcUrl("postgres", "reference");
            String crashedUrl = postgres.getJdbcUrl("postgres", "crashed");
            Map<String, String> masked = Map.of("ORGSYNC_PRIVACY_MOBILE", "masked");

            Path reference = workDir("pg-reference");
            assertThat(runToTheEnd(reference, postgresEnv(referenceUrl, masked))).isZero();
            assertThat(runToTheEnd(reference, postgresEnv(referenceUrl, Map.of()))).isZero();
            Snapshot expected = snapshot(reference, referenceUrl, "postgres", "postgres");

            Path work = workDir("pg-crashed");
            assertThat(runToTheEnd(work, postgresEnv(crashedUrl, masked))).isZero();
            Map<String, List<String>> previous = tables(crashedUrl, "postgres", "postgres");
            assertThat(previous.get("orgsync_member")).as("the second run has member rows to change")
                    .isNotEqualTo(expected.tables().get("orgsync_member"));

            try (Connection c = DriverManager.getConnection(crashedUrl, "postgres", "postgres");
                 Statement st = c.createStatement()) {
                // the pause lasts until the test lifts it: after the kill the statement then ends as a real one
                // would, and its backend finds the client gone and rolls back (a backend paused in pg_sleep does
                // not notice a dead client by itself, client_connection_check_interval notwithstanding)
                st.execute("CREATE TABLE crash_test_control (paused BOOLEAN NOT NULL)");
                st.execute("INSERT INTO crash_test_control VALUES (TRUE)");
                st.execute("""
                        CREATE FUNCTION crash_test_pause() RETURNS trigger LANGUAGE plpgsql AS $$
                        DECLARE n int := coalesce(nullif(current_setting('crash_test.rows', true), ''), '0')::int + 1;
                        BEGIN
                          PERFORM set_config('crash_test.rows', n::text, true);
                          IF n = 20 THEN
                            WHILE (SELECT paused FROM crash_test_control) LOOP PERFORM pg_sleep(0.05); END LOOP;
                          END IF;
                          RETURN NEW;
                        END $$""");
                st.execute("CREATE TRIGGER crash_test_pause BEFORE INSERT OR UPDATE ON orgsync_member "
                        + "FOR EACH ROW EXECUTE FUNCTION crash_test_pause()");

                Process process = start(work, postgresEnv(crashedUrl, Map.of()));
                long deadline = System.nanoTime() + WAIT.toNanos();
                String paused = null;
                while (paused == null) {
                    assertThat(process.isAlive()).as("the run reached the apply before it ended").isTrue();
                    assertThat(System.nanoTime()).as("orgsync paused in its member upsert in time").isLessThan(deadline);
                    try (ResultSet rs = st.executeQuery("SELECT query FROM pg_stat_activity WHERE datname = 'crashed' "
                            + "AND application_name = 'orgsync' AND wait_event = 'PgSleep' AND backend_xid IS NOT NULL")) {
                        paused = rs.next() ? rs.getString(1) : null;
                    }
                    if (paused == null) {
                        TimeUnit.MILLISECONDS.sleep(20); // polling the database's view, not waiting for time to pass
                    }
                }
                assertThat(paused).startsWith("INSERT INTO orgsync_member");
                assertThat(tables(crashedUrl, "postgres", "postgres")).as("rows written by the uncommitted apply")
                        .isEqualTo(previous);

                process.destroyForcibly();
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                st.execute("UPDATE crash_test_control SET paused = FALSE");
                long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (true) {
                    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity "
                            + "WHERE datname = 'crashed' AND application_name = 'orgsync'")) {
                        rs.next();
                        if (rs.getInt(1) == 0) {
                            break;
                        }
                    }
                    assertThat(System.nanoTime()).as("the killed process's backends ended: %s", activity(st))
                            .isLessThan(gone);
                    TimeUnit.MILLISECONDS.sleep(20);
                }
                assertThat(tables(crashedUrl, "postgres", "postgres")).as("after the kill").isEqualTo(previous);
                assertNothingHalfPublished(work);
                st.execute("DROP TRIGGER crash_test_pause ON orgsync_member");
                st.execute("DROP FUNCTION crash_test_pause()");
                st.execute("DROP TABLE crash_test_control");
            }

            assertThat(runToTheEnd(work, postgresEnv(crashedUrl, Map.of()))).as("the run after the kill").isZero();
            assertThat(leftoverTemporaryDirectories(work)).as("cleaned on start").isEmpty();
            Snapshot actual = snapshot(work, crashedUrl, "postgres", "postgres");
            assertThat(actual.departments()).isEqualTo(expected.departments());
            assertThat(actual.members()).isEqualTo(expected.members());
            assertThat(actual.tables()).isEqualTo(expected.tables());
        }
    }

    private static List<String> activity(Statement st) throws Exception {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT pid, state, wait_event_type, wait_event, backend_xid, "
                + "left(query, 60) FROM pg_stat_activity WHERE datname = 'crashed' AND application_name = 'orgsync'")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + "/" + rs.getString(4) + " xid "
                        + rs.getString(5) + ": " + rs.getString(6));
            }
        }
        return rows;
    }

    private static Map<String, String> postgresEnv(String jdbcUrl, Map<String, String> more) {
        Map<String, String> env = new HashMap<>(more);
        env.put("ORGSYNC_JDBC_URL", jdbcUrl);
        env.put("ORGSYNC_JDBC_USERNAME", "postgres");
        env.put("ORGSYNC_JDBC_PASSWORD", "postgres");
        return env;
    }

    // ---------------------------------------------------------------- checks

    private record Snapshot(Set<String> departments, Set<String> members, Map<String, List<String>> tables) {
    }

    private static Snapshot snapshot(Path work) throws Exception {
        return snapshot(work, h2Url(work), "sa", "");
    }

    private static Snapshot snapshot(Path work, String jdbcUrl, String user, String password) throws Exception {
        Path tenantDir = tenantDir(work);
        JsonNode latest = CanonicalJson.MAPPER.readTree(tenantDir.resolve("latest.json").toFile());
        Path runDir = tenantDir.resolve(latest.path("runId").asText());
        return new Snapshot(lines(runDir.resolve("departments.jsonl")), lines(runDir.resolve("members.jsonl")),
                tables(jdbcUrl, user, password));
    }

    private static String h2Url(Path work) {
        return "jdbc:h2:file:" + work.resolve("data/orgsync");
    }

    /**
     * What a reader can see is whole: latest.json names a run directory whose manifest agrees with
     * its files, and every visible run directory has its manifest.
     */
    private static void assertNothingHalfPublished(Path work) throws IOException {
        Path tenantDir = tenantDir(work);
        if (tenantDir == null || !Files.exists(tenantDir.resolve("latest.json"))) {
            return;
        }
        JsonNode latest = CanonicalJson.MAPPER.readTree(tenantDir.resolve("latest.json").toFile());
        try (Stream<Path> runs = Files.list(tenantDir)) {
            for (Path run : runs.filter(Files::isDirectory).toList()) {
                if (run.getFileName().toString().startsWith(".tmp-")) {
                    continue;
                }
                JsonNode manifest = CanonicalJson.MAPPER.readTree(run.resolve("manifest.json").toFile());
                assertThat(lines(run.resolve("departments.jsonl"))).hasSize(manifest.path("departments").asInt());
                assertThat(lines(run.resolve("members.jsonl"))).hasSize(manifest.path("members").asInt());
            }
        }
        assertThat(tenantDir.resolve(latest.path("runId").asText()).resolve("manifest.json")).exists();
    }

    private static Path tenantDir(Path work) throws IOException {
        Path source = work.resolve("exports/wecom-school");
        if (!Files.isDirectory(source)) {
            return null;
        }
        try (Stream<Path> tenants = Files.list(source)) {
            return tenants.filter(Files::isDirectory).findFirst().orElse(null);
        }
    }

    private static boolean hasTemporaryRunDirectory(Path work) {
        try {
            return !leftoverTemporaryDirectories(work).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Path> leftoverTemporaryDirectories(Path work) throws IOException {
        Path tenantDir = tenantDir(work);
        if (tenantDir == null) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(tenantDir)) {
            return entries.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList();
        }
    }

    private static Set<String> lines(Path file) throws IOException {
        return new TreeSet<>(Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isEmpty())
                .toList());
    }

    /** Every published table, without the columns that name a run or a time (they differ by design). */
    private static Map<String, List<String>> tables(String jdbcUrl, String user, String password) throws Exception {
        Map<String, List<String>> tables = new HashMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
             Statement st = c.createStatement()) {
            for (String table : List.of("orgsync_department", "orgsync_member", "orgsync_member_department",
                    "orgsync_relation")) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            String column = meta.getColumnName(i).toLowerCase(java.util.Locale.ROOT);
                            if (!column.contains("run") && !column.endsWith("_at")) {
                                row.append(column).append('=').append(rs.getString(i)).append('|');
                            }
                        }
                        rows.add(row.toString());
                    }
                }
                rows.sort(null);
                tables.put(table, rows);
            }
        }
        return tables;
    }

    /**
     * A new class with a newcomer and a parent, a class renamed, a student moved into the new class
     * and another who leaves: creates, updates and deletes of departments and members.
     */
    private void changeTheSchool() {
        SchoolOrg school = simulator.school();
        List<SchoolOrg.Department> classes = school.departments().stream()
                .filter(d -> d.type() == SchoolOrg.TYPE_CLASS).toList();
        SchoolOrg.Department renamed = classes.get(0);
        SchoolOrg.Student moving = school.students().get(3);
        SchoolOrg.Student leaving = school.students().get(7);
        SchoolChanges change = school.change();
        int newClass = change.addDepartment(classes.get(1).parentId(), "插班", SchoolOrg.TYPE_CLASS);
        String newcomer = change.addStudent("林晓", newClass);
        change.addParent(newcomer, "妈妈");
        change.renameDepartment(renamed.id(), "向日葵班")
                .moveStudent(moving.id(), newClass)
                .deleteStudent(leaving.id())
                .apply();
    }

    /**
     * What a reader may see agrees with the database: every visible run folder and the run
     * latest.json names are runs it records as successful. (An outbox folder of a run it does not
     * record may remain until the next start, which removes it before anything is sent.)
     *
     * @return what the kill left, for the report
     */
    private String sinksAgreeWithTheDatabase(Path work) throws Exception {
        Set<String> success = successRuns(work);
        Path tenantDir = tenantDir(work);
        List<String> visible = new ArrayList<>();
        String latest = null;
        if (tenantDir != null) {
            try (Stream<Path> runs = Files.list(tenantDir)) {
                runs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                        .sorted().forEach(visible::add);
            }
            if (Files.exists(tenantDir.resolve("latest.json"))) {
                latest = CanonicalJson.MAPPER.readTree(tenantDir.resolve("latest.json").toFile()).path("runId").asText();
            }
        }
        assertThat(success).as("run folders a reader sees").containsAll(visible);
        if (latest != null) {
            assertThat(success).as("the run latest.json names").contains(latest);
        }
        assertNothingHalfPublished(work);
        Set<String> outbox = outboxRuns(work);
        return success.size() + " committed run(s); visible " + shortIds(visible) + ", latest.json " + shortIds(
                latest == null ? List.of() : List.of(latest)) + ", outbox " + shortIds(List.copyOf(outbox))
                + (outbox.stream().anyMatch(r -> !success.contains(r)) ? " (uncommitted: removed at the next start)" : "");
    }

    private static String shortIds(List<String> runIds) {
        return runIds.stream().map(id -> id.substring(id.length() - 6)).toList().toString();
    }

    private static Set<String> successRuns(Path work) throws Exception {
        Set<String> runs = new TreeSet<>();
        try (Connection c = DriverManager.getConnection(h2Url(work), "sa", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT run_id FROM orgsync_run WHERE status = 'success'")) {
            while (rs.next()) {
                runs.add(rs.getString(1));
            }
        }
        return runs;
    }

    /** Created, updated and deleted summed over the successful runs after the first. */
    private static List<Long> changesSinceTheFirstRun(Path work) throws Exception {
        long[] sums = new long[3];
        try (Connection c = DriverManager.getConnection(h2Url(work), "sa", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT created, updated, deleted FROM orgsync_run "
                     + "WHERE status = 'success' ORDER BY run_id")) {
            assertThat(rs.next()).as("a first run").isTrue();
            while (rs.next()) {
                for (int i = 0; i < 3; i++) {
                    sums[i] += rs.getLong(i + 1);
                }
            }
        }
        return List.of(sums[0], sums[1], sums[2]);
    }

    private static Set<String> outboxRuns(Path work) {
        Path outbox = work.resolve("exports/dead-letter");
        if (!Files.isDirectory(outbox)) {
            return Set.of();
        }
        try (Stream<Path> runs = Files.list(outbox)) {
            return runs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).collect(
                    java.util.stream.Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            return Set.of();
        }
    }

    /** Lines of the bundle's log holding {@code text} so far. */
    private static int count(Path work, String text) {
        try {
            Path log = work.resolve("stdout.txt");
            if (!Files.exists(log)) {
                return 0;
            }
            return (int) Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains(text)).count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Records compared as JSON values, not as text. */
    private static Set<JsonNode> canonical(Set<String> lines) {
        Set<JsonNode> nodes = new HashSet<>();
        for (String line : lines) {
            nodes.add(CanonicalJson.fromLine(line, JsonNode.class));
        }
        return nodes;
    }

    // ---------------------------------------------------------------- the process

    private Path workDir(String name) throws IOException {
        Path work = Files.createDirectories(root.resolve(name));
        BundleProcess.copyProjectFiles(work);
        return work;
    }

    private int runToTheEnd(Path work) throws Exception {
        return runToTheEnd(work, Map.of());
    }

    private int runToTheEnd(Path work, Map<String, String> extraEnv) throws Exception {
        Process process = start(work, extraEnv);
        assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("finished").isTrue();
        return process.exitValue();
    }

    /**
     * Starts a run and kills it (SIGKILL) once {@code when} holds, or lets it end by itself;
     * true when it was killed while still running.
     */
    private boolean killWhen(Path work, BooleanSupplier when) throws Exception {
        Process process = start(work);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (process.isAlive() && !when.getAsBoolean()) {
            assertThat(System.nanoTime()).as("kill point reached in time").isLessThan(deadline);
            Thread.onSpinWait();
        }
        boolean alive = process.isAlive();
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return alive;
    }

    private Process start(Path work) throws IOException {
        return start(work, Map.of());
    }

    private Process start(Path work, Map<String, String> extraEnv) throws IOException {
        List<String> command = BundleProcess.command(List.of(), "--run-once");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("ORGSYNC_") || k.startsWith("WECOM_"));
        env.put("WECOM_SCHOOL_CORP_ID", simulator.credentials().wecomSchoolCorpId());
        env.put("WECOM_SCHOOL_CORP_SECRET", simulator.credentials().wecomSchoolCorpSecret());
        env.put("ORGSYNC_WECOM_SCHOOL_BASE_URL", simulator.baseUrl());
        env.put("ORGSYNC_WECOM_SCHOOL_MAX_REQUESTS_PER_SECOND", "1000");
        env.put("ORGSYNC_WECOM_SCHOOL_MAX_REQUESTS_PER_MINUTE", "60000");
        env.put("ORGSYNC_SINKS", "file,jdbc,webhook");
        env.put("ORGSYNC_WEBHOOK_URL", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
        env.put("ORGSYNC_WEBHOOK_SECRET", SECRET);
        env.put("ORGSYNC_WEBHOOK_READ_TIMEOUT_MS", "60000");
        env.putAll(extraEnv);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("stdout.txt").toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("stderr.txt").toFile()));
        return builder.start();
    }
}
