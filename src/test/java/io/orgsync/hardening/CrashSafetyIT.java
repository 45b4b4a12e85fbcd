package io.orgsync.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.orgsync.model.CanonicalJson;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
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

    @BeforeEach
    void start() throws IOException {
        simulator = VendorSimulator.start(SimulatorConfig.defaults().withSchool(new SchoolShape(2, 3, 3, 4, 40)));
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
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

    @AfterEach
    void stop() {
        release.countDown();
        receiver.stop(0);
        simulator.close();
    }

    @Test
    void killedAtAnyPointTheNextRunEndsExactlyWhereAnUninterruptedRunDoes() throws Exception {
        Path reference = workDir("reference");
        assertThat(runToTheEnd(reference)).isZero();
        Snapshot expected = snapshot(reference);
        assertThat(expected.members()).hasSizeGreaterThan(500);

        Path work = workDir("crashed");
        List<String> points = new ArrayList<>();

        // 1. fetching: the vendor answers slowly, killed after a few calls
        simulator.faults().slow(Vendor.WECOM_SCHOOL, Duration.ofMillis(100));
        long before = simulator.calls();
        assertThat(killWhen(work, () -> simulator.calls() >= before + 3)).as("killed mid-run").isTrue();
        simulator.faults().clear();
        assertNothingHalfPublished(work);
        points.add("fetching");

        // 2. staging: as soon as a temporary run directory appears (files written, database being applied)
        assertThat(killWhen(work, () -> hasTemporaryRunDirectory(work))).as("killed mid-run").isTrue();
        assertThat(leftoverTemporaryDirectories(work)).as("the kill left a temporary run directory").isNotEmpty();
        assertNothingHalfPublished(work);
        points.add("writing files / applying to the database");

        // 3. delivering webhooks: the receiver holds the first request
        hang.set(true);
        int receivedBefore = received.get();
        assertThat(killWhen(work, () -> received.get() > receivedBefore)).as("killed mid-run").isTrue();
        hang.set(false);
        assertNothingHalfPublished(work);
        points.add("delivering webhooks");

        // 4. at random moments of whole runs
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 3; i++) {
            long delay = 300 + random.nextInt(2500);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
            boolean killed = killWhen(work, () -> System.nanoTime() >= deadline);
            assertNothingHalfPublished(work);
            points.add("random " + delay + " ms" + (killed ? "" : " (ended first)"));
        }

        System.out.println("killed at: " + points);
        int exit = runToTheEnd(work);
        assertThat(exit).as("the run after the kills").isZero();
        assertThat(leftoverTemporaryDirectories(work)).as("cleaned on start").isEmpty();
        Snapshot actual = snapshot(work);
        assertThat(actual.departments()).isEqualTo(expected.departments());
        assertThat(actual.members()).isEqualTo(expected.members());
        assertThat(actual.tables()).as("database after kills at " + points).isEqualTo(expected.tables());
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
