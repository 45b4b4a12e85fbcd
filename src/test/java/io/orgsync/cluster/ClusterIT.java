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
import org.quartz.CronExpression;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three {@code target/orgsync.jar} processes, one embedded PostgreSQL, {@code orgsync.cluster.enabled=true}:
 * they share one schedule, each firing runs on exactly one of them, and a sync cut short by a
 * killed process is run again by another.
 *
 * <p>Firings are counted from Quartz's own record of the shared trigger (its previous fire time in
 * {@code ORGSYNC_QRTZ_TRIGGERS}), runs from the "run started" lines of every node's log, both read
 * at moments when nothing is executing (no {@code EXECUTING} row in {@code ORGSYNC_QRTZ_FIRED_TRIGGERS}).
 * Nothing here waits for time to pass or asserts how long anything took: without clustering each
 * node would run every firing, and the counts would differ.
 */
class ClusterIT {

    private static final Pattern RUN_STARTED = Pattern.compile("run started runId=(\\S+) source=wecom-school");
    private static final Pattern RUN_SUCCEEDED =
            Pattern.compile("run summary runId=(\\S+) source=wecom-school \\S+ status=success");
    private static final long CHECKIN_MS = 1000;
    /** A generous bound for things that take seconds; reaching it is a failure, never the expected path. */
    private static final Duration PATIENCE = Duration.ofMinutes(3);

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
        // every second second; the count below does not depend on how long a run takes
        String cron = "0/2 * * * * ?";
        Instant launched = Instant.now();
        for (int i = 1; i <= 3; i++) {
            nodes.add(start(i, cron, Map.of()));
        }
        awaitTrue(() -> nodes.stream().allMatch(Node::started), "all three started");
        System.out.printf("cluster: three processes up in %d ms%n", Duration.between(launched, Instant.now()).toMillis());

        Quiet before = awaitQuiet(quiet -> quiet.prevFireTime() > 0, "a first firing, then nothing executing");
        awaitTrue(() -> trigger().prevFireTime() >= before.prevFireTime() + 4 * 2000, "four more firings");
        Quiet after = awaitQuiet(quiet -> true, "nothing executing");

        long firings = firingsBetween(cron, before.prevFireTime(), after.prevFireTime());
        List<String> runsBetween = new ArrayList<>();
        for (Node node : nodes) {
            runsBetween.addAll(after.started(node).subList(before.started(node).size(), after.started(node).size()));
        }
        assertThat(firings).as("firings between the two quiet moments").isGreaterThanOrEqualTo(4);
        assertThat(runsBetween).as("runs started on any node for %d firings", firings).hasSize((int) firings)
                .doesNotHaveDuplicates();
        // one cluster, not three schedulers that happen to share a database
        assertThat(schedulerInstances()).as("scheduler instances checked in").hasSize(3);

        for (Node node : nodes) {
            node.process.destroy();
        }
        for (Node node : nodes) {
            assertThat(node.process.waitFor(30, TimeUnit.SECONDS)).as("node %d stops on SIGTERM", node.id).isTrue();
        }
        List<RunRow> rows = runRows();
        assertThat(rows).allMatch(r -> r.status().equals("success"));
        // every run recorded is logged by exactly one process
        Map<String, Integer> ranOn = new HashMap<>();
        for (Node node : nodes) {
            for (String runId : node.matches(RUN_STARTED)) {
                ranOn.merge(runId, 1, Integer::sum);
            }
        }
        assertThat(ranOn.keySet()).containsExactlyInAnyOrderElementsOf(rows.stream().map(RunRow::runId).toList());
        assertThat(ranOn.values()).allMatch(n -> n == 1);
        System.out.printf("cluster: %d firings counted, %d runs in all, runs per node %s%n", firings, rows.size(),
                nodes.stream().map(n -> n.id + "=" + n.matches(RUN_STARTED).size()).toList());
    }

    @Test
    void aSyncCutShortByAKilledProcessIsRunAgainByAnotherAndOnlyOnce() throws Exception {
        // the first run's first vendor call is answered only long after the test has killed its
        // process (or when the simulator closes): the run is certainly still going at the kill.
        // The read timeout outlasts that hold, so the victim cannot give up and retry by itself.
        simulator.faults().slowNext(Vendor.WECOM_SCHOOL, 1, PATIENCE);
        Map<String, String> patientReads = Map.of("ORGSYNC_HTTP_READ_TIMEOUT_MS", String.valueOf(PATIENCE.toMillis() * 2));
        // once a minute, first about 20 s from now: whenever the nodes are up, one firing starts one
        // run; a later regular firing is counted from the trigger's record, not ruled out by timing
        int second = Instant.now().plusSeconds(20).atZone(ZoneId.systemDefault()).getSecond();
        String cron = second + " * * * * ?";
        for (int i = 1; i <= 3; i++) {
            nodes.add(start(i, cron, patientReads));
        }
        awaitTrue(() -> nodes.stream().anyMatch(n -> !n.matches(RUN_STARTED).isEmpty()), "the firing started a run");
        Node victim = nodes.stream().filter(n -> !n.matches(RUN_STARTED).isEmpty()).findFirst().orElseThrow();
        String cutShort = victim.matches(RUN_STARTED).get(0);
        long firedAt = trigger().prevFireTime();
        awaitTrue(() -> nodes.stream().allMatch(Node::started), "all three started");
        awaitTrue(() -> schedulerInstances().size() == 3, "three scheduler instances checked in");
        // the hold is taken by the first call that reaches the simulator: the victim's, not the rescuer's
        awaitTrue(() -> simulator.calls() >= 1, "the held run's first call reached the vendor");
        assertThat(simulator.calls()).as("the held run waits in its first call").isEqualTo(1);
        assertThat(nodes.stream().flatMap(n -> n.matches(RUN_STARTED).stream()))
                .as("the held run is the only one so far").containsExactly(cutShort);

        victim.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Instant killed = Instant.now();
        assertThat(victim.matches(RUN_SUCCEEDED)).as("killed mid-run").isEmpty();
        List<Node> survivors = nodes.stream().filter(n -> n != victim).toList();

        // the survivors notice the dead node (its check-ins stop) and, in one transaction, forget it
        // and hand its run to one of them as a recovery trigger, which lasts until that run has ended:
        // with the node forgotten, no recovery trigger left and nothing executing, the recovery is over
        Quiet recovered = awaitQuiet(quiet -> quiet.instances() == 2 && quiet.recoveryTriggers() == 0,
                "the dead node forgotten and nothing left to recover or executing");

        long regularFirings = firingsBetween(cron, firedAt, recovered.prevFireTime());
        List<String> rerun = survivors.stream().flatMap(n -> recovered.started(n).stream()).toList();
        assertThat(rerun).as("runs on the survivors: the recovery plus %d regular firing(s)", regularFirings)
                .hasSize((int) (1 + regularFirings)).doesNotHaveDuplicates().doesNotContain(cutShort);
        assertThat(victim.matches(RUN_STARTED)).containsExactly(cutShort);
        Map<String, RunRow> rows = new HashMap<>();
        runRows().forEach(r -> rows.put(r.runId(), r));
        assertThat(rerun).allSatisfy(runId -> assertThat(rows.get(runId)).as("run %s", runId).isNotNull()
                .extracting(RunRow::status).isEqualTo("success"));
        assertThat(Optional.ofNullable(rows.get(cutShort)).map(RunRow::status)).as("the killed run never succeeded")
                .isNotEqualTo(Optional.of("success"));
        RunRow first = rerun.stream().map(rows::get).min(java.util.Comparator.comparing(RunRow::startedAt)).orElseThrow();
        Node rescuer = survivors.stream().filter(n -> recovered.started(n).contains(first.runId())).findFirst()
                .orElseThrow();
        System.out.printf("cluster: killed node %d at %s; node %d ran it again %d ms later (check-in %d ms), "
                        + "finished at %s; %d regular firing(s) meanwhile%n", victim.id, killed, rescuer.id,
                Duration.between(killed, first.startedAt()).toMillis(), CHECKIN_MS, first.finishedAt(),
                regularFirings);
    }

    private Node start(int id, String cron, Map<String, String> extraEnv) throws IOException {
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
        env.putAll(extraEnv);
        Path log = work.resolve("node-" + id + ".log");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return new Node(id, builder.start(), log);
    }

    /** The cron instants in {@code (after, upTo]}: the firings Quartz made between two of its fire times. */
    private static long firingsBetween(String cron, long after, long upTo) throws ParseException {
        CronExpression expression = new CronExpression(cron);
        long count = 0;
        for (Date next = expression.getNextValidTimeAfter(new Date(after)); next != null && next.getTime() <= upTo;
             next = expression.getNextValidTimeAfter(next)) {
            count++;
        }
        return count;
    }

    /**
     * The shared trigger and the logs at a moment when no firing is executing, and that holds:
     * the same trigger state read before and after the logs, so every firing it records has
     * finished (its "run started" line is written) and no later one has begun.
     */
    private Quiet awaitQuiet(java.util.function.Predicate<Quiet> also, String what) throws InterruptedException {
        Quiet[] found = new Quiet[1];
        awaitTrue(() -> {
            TriggerState state = trigger();
            if (state.executing() > 0) {
                return false;
            }
            Map<Integer, List<String>> started = new HashMap<>();
            for (Node node : nodes) {
                started.put(node.id, node.matches(RUN_STARTED));
            }
            Quiet quiet = new Quiet(state, started);
            if (!trigger().equals(state) || !also.test(quiet)) {
                return false;
            }
            found[0] = quiet;
            return true;
        }, what);
        return found[0];
    }

    private TriggerState trigger() {
        return query(statement -> {
            ResultSet rs = statement.executeQuery("SELECT t.prev_fire_time,"
                    + " (SELECT count(*) FROM orgsync_qrtz_fired_triggers f"
                    + "   WHERE f.sched_name = t.sched_name AND f.state = 'EXECUTING'),"
                    + " (SELECT count(*) FROM orgsync_qrtz_triggers r"
                    + "   WHERE r.sched_name = t.sched_name AND r.trigger_group = 'RECOVERING_JOBS'),"
                    + " (SELECT count(*) FROM orgsync_qrtz_scheduler_state s WHERE s.sched_name = t.sched_name)"
                    + " FROM orgsync_qrtz_triggers t WHERE t.sched_name = 'orgsync'"
                    + " AND t.trigger_group = 'orgsync' AND t.trigger_name = 'wecom-school'");
            return rs.next() ? new TriggerState(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4))
                    : new TriggerState(-1, 0, 0, 0);
        }, new TriggerState(-1, 0, 0, 0));
    }

    private List<String> schedulerInstances() {
        return query(statement -> {
            List<String> instances = new ArrayList<>();
            ResultSet rs = statement.executeQuery("SELECT instance_name FROM orgsync_qrtz_scheduler_state "
                    + "WHERE sched_name = 'orgsync'");
            while (rs.next()) {
                instances.add(rs.getString(1));
            }
            return instances;
        }, List.of());
    }

    private List<RunRow> runRows() {
        return query(statement -> {
            List<RunRow> rows = new ArrayList<>();
            ResultSet rs = statement.executeQuery(
                    "SELECT run_id, status, started_at, finished_at FROM orgsync_run ORDER BY started_at");
            while (rs.next()) {
                rows.add(new RunRow(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant()));
            }
            return rows;
        }, List.of());
    }

    /** {@code whenMissing} until the first node has created the tables. */
    private <T> T query(SqlQuery<T> query, T whenMissing) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            return query.run(statement);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) { // undefined_table
                return whenMissing;
            }
            throw new AssertionError(e);
        }
    }

    private void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up after " + PATIENCE.toSeconds() + " s waiting for: " + what
                        + "\n" + trigger() + "\n" + nodes);
            }
            Thread.sleep(50); // polling the database and the log files, which notify nobody
        }
    }

    @FunctionalInterface
    private interface SqlQuery<T> {
        T run(Statement statement) throws SQLException;
    }

    /** The shared trigger's last fire time, firings executing, recoveries pending and schedulers checked in. */
    private record TriggerState(long prevFireTime, long executing, long recoveryTriggers, long instances) {
    }

    private record Quiet(TriggerState trigger, Map<Integer, List<String>> startedByNode) {

        long prevFireTime() {
            return trigger.prevFireTime();
        }

        long instances() {
            return trigger.instances();
        }

        long recoveryTriggers() {
            return trigger.recoveryTriggers();
        }

        List<String> started(Node node) {
            return startedByNode.get(node.id);
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
