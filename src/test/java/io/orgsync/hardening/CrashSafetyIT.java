package io.orgsync.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.orgsync.model.CanonicalJson;
import io.orgsync.simulator.SchoolShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.Vendor;
import io.orgsync.simulator.VendorSimulator;
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

    // ---------------------------------------------------------------- checks

    private record Snapshot(Set<String> departments, Set<String> members, Map<String, List<String>> tables) {
    }

    private static Snapshot snapshot(Path work) throws Exception {
        Path tenantDir = tenantDir(work);
        JsonNode latest = CanonicalJson.MAPPER.readTree(tenantDir.resolve("latest.json").toFile());
        Path runDir = tenantDir.resolve(latest.path("runId").asText());
        return new Snapshot(lines(runDir.resolve("departments.jsonl")), lines(runDir.resolve("members.jsonl")),
                tables(work));
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
    private static Map<String, List<String>> tables(Path work) throws Exception {
        Map<String, List<String>> tables = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + work.resolve("data/orgsync"), "sa", "");
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
        Files.copy(Path.of("application.properties"), work.resolve("application.properties"));
        Path routes = Files.createDirectories(work.resolve("routes"));
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        return work;
    }

    private int runToTheEnd(Path work) throws Exception {
        Process process = start(work);
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
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Path.of(System.getProperty("orgsync.jar", "target/orgsync.jar")).toAbsolutePath().toString(),
                "--run-once");
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
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("stdout.txt").toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("stderr.txt").toFile()));
        return builder.start();
    }
}
