package io.orgsync.cluster;

import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.Vendor;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.BundleProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three {@code target/orgsync.jar} processes, one embedded PostgreSQL, {@code orgsync.cluster.enabled=true}:
 * they share one schedule, each firing runs on exactly one of them, and a sync cut short by a
 * killed process is run again by another.
 */
class ClusterIT {

    private static final Pattern RUN_STARTED = Pattern.compile("run started runId=(\\S+) source=wecom-school");
    private static final Pattern RUN_SUCCEEDED =
            Pattern.compile("run summary runId=(\\S+) source=wecom-school \\S+ status=success");
    private static final long CHECKIN_MS = 1000;

    @TempDir
    Path work;

    private EmbeddedPostgres postgres;
    private VendorSimulator simulator;
    private final List<Node> nodes = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        simulator = VendorSimulator.start(SimulatorConfig.defaults());
        BundleProcess.copyProjectFiles(work);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Node node : nodes) {
            node.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        simulator.close();
        postgres.close();
    }

    @Test
    void everyFiringOfASharedScheduleRunsOnExactlyOneOfThreeProcesses() throws Exception {
        // every second second; runs take well under that against the local simulator
        Instant launched = Instant.now();
        for (int i = 1; i <= 3; i++) {
            nodes.add(start(i, "0/2 * * * * ?"));
        }
        awaitTrue(Duration.ofSeconds(60), () -> nodes.stream().allMatch(Node::started), "all three started");
        Instant joined = Instant.now();
        System.out.printf("cluster: three processes up in %d ms%n", Duration.between(launched, joined).toMillis());
        // one cluster, not three schedulers that happen to share a database
        assertThat(schedulerInstances()).hasSize(3);
        awaitTrue(Duration.ofSeconds(60), () -> successRows().stream()
                .filter(r -> r.startedAt().isAfter(joined)).count() >= 4, "four runs after all joined");
        for (Node node : nodes) {
            node.process.destroy();
        }
        for (Node node : nodes) {
            assertThat(node.process.waitFor(30, TimeUnit.SECONDS)).as("node %d stops on SIGTERM", node.id).isTrue();
        }

        List<RunRow> rows = runRows();
        Map<Long, List<RunRow>> bySlot = new TreeMap<>();
        for (RunRow row : rows) {
            bySlot.computeIfAbsent(row.startedAt().getEpochSecond() / 2, k -> new ArrayList<>()).add(row);
        }
        assertThat(rows).allMatch(r -> r.status().equals("success"));
        assertThat(bySlot.values()).as("runs per firing: %s", bySlot).allMatch(runs -> runs.size() == 1);
        // and every run is logged by exactly one process
        Map<String, Integer> ranOn = new HashMap<>();
        for (Node node : nodes) {
            for (String runId : node.matches(RUN_STARTED)) {
                ranOn.merge(runId, 1, Integer::sum);
            }
        }
        assertThat(ranOn.keySet()).containsExactlyInAnyOrderElementsOf(rows.stream().map(RunRow::runId).toList());
        assertThat(ranOn.values()).allMatch(n -> n == 1);
        System.out.printf("cluster: %d firings, runs per node %s%n", rows.size(),
                nodes.stream().map(n -> n.id + "=" + n.matches(RUN_STARTED).size()).toList());
    }

    @Test
    void aSyncCutShortByAKilledProcessIsRunAgainByAnotherWithinTheRecoveryInterval() throws Exception {
        // about 7 s per run (18 calls): the run is still going when its process is killed
        simulator.faults().slow(Vendor.WECOM_SCHOOL, Duration.ofMillis(400));
        // one firing only, after every node is up (three start in about 13 s on two cores): any
        // later run can only be a recovery
        ZonedDateTime fireAt = ZonedDateTime.now(ZoneId.systemDefault()).plusSeconds(22).withNano(0);
        String once = fireAt.getSecond() + " " + fireAt.getMinute() + " " + fireAt.getHour() + " "
                + fireAt.getDayOfMonth() + " " + fireAt.getMonthValue() + " ? " + fireAt.getYear();
        for (int i = 1; i <= 3; i++) {
            nodes.add(start(i, once));
        }
        awaitTrue(Duration.ofSeconds(60), () -> nodes.stream().allMatch(Node::started), "all three started");
        awaitTrue(Duration.ofSeconds(60), () -> nodes.stream().anyMatch(n -> !n.matches(RUN_STARTED).isEmpty()),
                "the firing started a run");
        Node victim = nodes.stream().filter(n -> !n.matches(RUN_STARTED).isEmpty()).findFirst().orElseThrow();
        Thread.sleep(2000);
        victim.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Instant killed = Instant.now();
        assertThat(victim.matches(RUN_SUCCEEDED)).as("killed mid-run").isEmpty();

        // a dead node is noticed after its check-in interval plus Quartz's 7.5 s grace, then the run takes ~9 s
        Duration recovery = Duration.ofMillis(CHECKIN_MS + 7_500 + 5_000);
        awaitTrue(recovery.plusSeconds(20), () -> !successRows().isEmpty(), "a recovered run succeeded");
        RunRow recovered = successRows().get(0);
        // the run row commits before the summary line reaches the node's log file
        awaitTrue(Duration.ofSeconds(10), () -> nodes.stream()
                .anyMatch(n -> n.matches(RUN_SUCCEEDED).contains(recovered.runId())), "the rescuer's summary line");
        Node rescuer = nodes.stream().filter(n -> n.matches(RUN_SUCCEEDED).contains(recovered.runId())).findFirst()
                .orElseThrow();
        assertThat(rescuer).isNotSameAs(victim);
        assertThat(Duration.between(killed, recovered.startedAt()))
                .as("recovery started within the recovery interval").isLessThanOrEqualTo(recovery);
        System.out.printf("cluster: killed node %d at %s; node %d restarted the run %d ms later, finished at %s%n",
                victim.id, killed, rescuer.id, Duration.between(killed, recovered.startedAt()).toMillis(),
                recovered.finishedAt());
        // exactly one success: the recovery ran once, not once per surviving node
        Thread.sleep(3000);
        assertThat(successRows()).hasSize(1);
    }

    private Node start(int id, String cron) throws IOException {
        List<String> command = BundleProcess.command(List.of("-Xmx256m"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("ORGSYNC_") || k.startsWith("WECOM_"));
        env.put("WECOM_SCHOOL_CORP_ID", simulator.credentials().wecomSchoolCorpId());
        env.put("WECOM_SCHOOL_CORP_SECRET", simulator.credentials().wecomSchoolCorpSecret());
        env.put("ORGSYNC_WECOM_SCHOOL_BASE_URL", simulator.baseUrl());
        env.put("ORGSYNC_WECOM_SCHOOL_SCHEDULE", cron);
        env.put("ORGSYNC_JDBC_URL", postgres.getJdbcUrl("postgres", "postgres"));
        env.put("ORGSYNC_JDBC_USERNAME", "postgres");
        env.put("ORGSYNC_FILE_DIR", "exports-" + id);
        env.put("ORGSYNC_CLUSTER_ENABLED", "true");
        env.put("ORGSYNC_CLUSTER_CHECKIN_INTERVAL_MS", String.valueOf(CHECKIN_MS));
        env.put("ORGSYNC_MANAGEMENT_ENABLED", "false");
        Path log = work.resolve("node-" + id + ".log");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return new Node(id, builder.start(), log);
    }

    private List<String> schedulerInstances() {
        List<String> instances = new ArrayList<>();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            ResultSet rs = statement.executeQuery("SELECT instance_name FROM orgsync_qrtz_scheduler_state "
                    + "WHERE sched_name = 'orgsync'");
            while (rs.next()) {
                instances.add(rs.getString(1));
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        return instances;
    }

    private List<RunRow> successRows() {
        return runRows().stream().filter(r -> r.status().equals("success")).toList();
    }

    private List<RunRow> runRows() {
        List<RunRow> rows = new ArrayList<>();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            ResultSet rs = statement.executeQuery(
                    "SELECT run_id, status, started_at, finished_at FROM orgsync_run ORDER BY started_at");
            while (rs.next()) {
                rows.add(new RunRow(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        rs.getTimestamp(4).toInstant()));
            }
        } catch (java.sql.SQLException e) {
            // the table appears when the first node has migrated the database
            return List.of();
        }
        return rows;
    }

    private static void awaitTrue(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            Thread.sleep(200);
        }
    }

    private record RunRow(String runId, String status, Instant startedAt, Instant finishedAt) {
    }

    private record Node(int id, Process process, Path log) {

        boolean started() {
            if (!process.isAlive()) {
                throw new AssertionError("node " + id + " exited " + process.exitValue() + ":\n" + text());
            }
            return text().contains("orgsync service started");
        }

        List<String> matches(Pattern pattern) {
            List<String> found = new ArrayList<>();
            Matcher m = pattern.matcher(text());
            while (m.find()) {
                found.add(m.group(1));
            }
            return found;
        }

        String text() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }

        @Override
        public String toString() {
            return "node " + id + Optional.of(text()).map(t -> t.length() > 4000 ? t.substring(t.length() - 4000) : t)
                    .map(t -> ":\n" + t).orElse("");
        }
    }
}
