package io.orgsync.hardening;

import com.sun.management.UnixOperatingSystemMXBean;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.simulator.CompanyShape;
import io.orgsync.simulator.FaultInjector;
import io.orgsync.simulator.SchoolShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.Vendor;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scheduler on a five-second schedule for all four sources, with a random fault switched on
 * every few seconds, for {@code -Dsoak.minutes} (default 10). Not part of CI:
 * {@code mvn -B -Psoak test}. Prints threads, open file descriptors (sockets included), heap
 * after GC and runs by status every 30 s, and fails on growth or on a run that neither succeeded
 * nor failed cleanly.
 */
class SoakBenchmark {

    @TempDir
    Path dir;
    private static volatile int simulatorPort = -1;
    private Map<String, Long> fdsAfterWarmUp = Map.of();
    private Map<String, Long> fdTargetsAfterWarmUp = Map.of();
    private Map<String, Long> fdsAtEnd = Map.of();
    private Map<String, Long> fdTargetsAtEnd = Map.of();

    @Test
    void runsForMinutesWithoutGrowingThreadsConnectionsOrHeap() throws Exception {
        Duration length = Duration.ofMinutes(Long.getLong("soak.minutes", 10));
        Path exports = dir.resolve("exports");
        Random random = new Random(8);
        List<Consumer<FaultInjector>> faults = List.of(
                f -> f.failNext(Vendor.values()[random.nextInt(4)], 3, 503),
                f -> f.slowNext(Vendor.values()[random.nextInt(4)], 2, Duration.ofMillis(1500)),
                f -> f.invalidateTokens(),
                f -> f.rateLimit(Vendor.values()[random.nextInt(4)], 5),
                f -> f.malformedBody(Vendor.values()[random.nextInt(4)], 1),
                f -> f.htmlErrorPage(Vendor.values()[random.nextInt(4)], 1),
                f -> f.failAlways(Vendor.values()[random.nextInt(4)], 500),
                f -> f.departmentCycle(Vendor.values()[random.nextInt(4)]),
                f -> f.feishuRecursionForbidden(),
                f -> f.hostileBody(Vendor.values()[random.nextInt(4)], 1, FaultInjector.Hostile.NESTING_BOMB),
                f -> { });
        List<String> samples = new ArrayList<>();
        try (VendorSimulator simulator = VendorSimulator.start(SimulatorConfig.defaults()
                .withCompany(new CompanyShape(40, 4, 800)).withSchool(new SchoolShape(1, 2, 3, 3, 20)))) {
            simulatorPort = simulator.port();
            Map<String, String> overrides = Harness.overrides(simulator, exports, SourceName.values());
            overrides.put("orgsync.schedule", "0/5 * * * * ?");
            overrides.put("orgsync.http.read-timeout-ms", "1000");
            for (SourceName s : SourceName.values()) {
                overrides.put(s.key("max-requests-per-second"), "1000");
                overrides.put(s.key("max-requests-per-minute"), "60000");
            }
            try (OrgSyncApp app = OrgSyncApp.create(Path.of("application.properties"), Path.of("routes"), overrides,
                    false)) {
                app.start();
                long end = System.nanoTime() + length.toNanos();
                long nextSample = System.nanoTime();
                while (System.nanoTime() < end) {
                    simulator.faults().clear();
                    faults.get(random.nextInt(faults.size())).accept(simulator.faults());
                    if (System.nanoTime() >= nextSample) {
                        samples.add(sample(exports));
                        System.out.println("soak " + samples.get(samples.size() - 1) + " " + fdKinds());
                        if (samples.size() == 2) {
                            fdsAfterWarmUp = fdKinds();
                            fdTargetsAfterWarmUp = fdTargets();
                        }
                        nextSample += TimeUnit.SECONDS.toNanos(30);
                    }
                    TimeUnit.SECONDS.sleep(3 + random.nextInt(5)); // the pace of the fault switching, not a wait for a condition
                }
                simulator.faults().clear();
                // the last sample with the scheduler still running: growth shows here, not after close
                samples.add(sample(exports));
                System.out.println("soak " + samples.get(samples.size() - 1) + " " + fdKinds());
                fdsAtEnd = fdKinds();
                fdTargetsAtEnd = fdTargets();
            }
            System.out.println("after the bundle closed (the simulator still up): " + sample(exports) + " " + fdKinds());
        }
        System.out.println("soak samples:\n" + String.join("\n", samples));
        System.out.println("open file descriptors by kind, after the first sample and at the end: " + fdsAfterWarmUp
                + " -> " + fdsAtEnd);
        System.out.println("descriptors open at the end that were not after the first sample: "
                + difference(fdTargetsAtEnd, fdTargetsAfterWarmUp));
        Map<String, Long> first = parse(samples.get(1));
        Map<String, Long> last = parse(samples.get(samples.size() - 1));
        assertThat(last.get("threads")).as("threads").isLessThanOrEqualTo(first.get("threads") + 10);
        // connections in flight vary with the faults of the moment by a few; a leak grows with every run
        assertThat(last.get("fds")).as("open file descriptors").isLessThanOrEqualTo(first.get("fds") + 10);
        assertThat(last.get("heapMb")).as("heap after GC").isLessThanOrEqualTo(first.get("heapMb") * 2 + 50);
        assertThat(last.get("other")).as("runs neither success, failed nor held").isZero();
        assertThat(last.get("success")).isPositive();
    }

    private static String sample(Path exports) throws Exception {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heap = (rt.totalMemory() - rt.freeMemory()) >> 20;
        long fds = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getOpenFileDescriptorCount() : -1;
        Map<String, Long> runs = new LinkedHashMap<>(Map.of("success", 0L, "failed", 0L, "held", 0L, "other", 0L));
        if (Files.exists(exports.resolveSibling("exports-db"))) {
            try (Connection c = DriverManager.getConnection(Harness.databaseUrl(exports), "sa", "");
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT status, COUNT(*) FROM orgsync_run GROUP BY status")) {
                while (rs.next()) {
                    String status = rs.getString(1);
                    runs.merge(runs.containsKey(status) && !status.equals("other") ? status : "other", rs.getLong(2),
                            Long::sum);
                }
            }
        }
        return "threads=" + ManagementFactory.getThreadMXBean().getThreadCount() + " fds=" + fds + " heapMb=" + heap + " success=" + runs.get("success")
                + " failed=" + runs.get("failed") + " held=" + runs.get("held") + " other=" + runs.get("other");
    }

    /**
     * This process's descriptors by what they point at (socket, pipe, anon_inode, jar, other
     * file), read from /proc: a count alone cannot tell our leak from the JVM's or a library's.
     */
    private static Map<String, Long> fdKinds() {
        Map<String, Long> kinds = new java.util.TreeMap<>();
        fdTargets().forEach((target, n) -> {
            String kind = target.startsWith("socket:") ? target : target.startsWith("pipe:") ? "pipe"
                    : target.startsWith("anon_inode:") ? target : target.endsWith(".jar") ? "jar" : "file";
            kinds.merge(kind, n, Long::sum);
        });
        return kinds;
    }

    /**
     * Targets of /proc/self/fd; a socket is named by what it connects (the simulator's server
     * side, a client's connection to the simulator, a listener, other), pipes are lumped.
     */
    private static Map<String, Long> fdTargets() {
        Map<String, String> sockets = tcpSockets();
        Map<String, Long> targets = new java.util.TreeMap<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    java.util.regex.Matcher socket = java.util.regex.Pattern.compile("^socket:\\[(\\d+)]$").matcher(target);
                    if (socket.matches()) {
                        target = "socket:" + sockets.getOrDefault(socket.group(1), "not tcp");
                    }
                    targets.merge(target.replaceAll("^pipe:\\[\\d+]$", "pipe:"), 1L, Long::sum);
                } catch (java.io.IOException closedMeanwhile) {
                    // the listing's own descriptor, or one closed between list and read
                }
            }
        } catch (java.io.IOException noProc) {
            return Map.of();
        }
        return targets;
    }

    /** TCP sockets by inode, from /proc/self/net/tcp and tcp6: "simulator server side", "client to simulator", … */
    private static Map<String, String> tcpSockets() {
        Map<String, String> byInode = new java.util.HashMap<>();
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table)).stream().skip(1).toList()) {
                    String[] f = line.trim().split("\\s+");
                    int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                    int remote = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
                    String state = f[3];
                    String what = state.equals("0A") ? "listen" : local == simulatorPort ? "simulator server side"
                            : remote == simulatorPort ? "client to simulator" : "other";
                    if (!state.equals("0A") && !state.equals("01")) {
                        what += " state " + state;
                    }
                    byInode.put(f[9], what);
                }
            } catch (java.io.IOException | RuntimeException e) {
                // no /proc: counts by kind only
            }
        }
        return byInode;
    }

    private static Map<String, Long> difference(Map<String, Long> now, Map<String, Long> then) {
        Map<String, Long> diff = new java.util.TreeMap<>();
        now.forEach((k, v) -> {
            long d = v - then.getOrDefault(k, 0L);
            if (d != 0) {
                diff.put(k, d);
            }
        });
        then.forEach((k, v) -> diff.putIfAbsent(k, now.containsKey(k) ? 0 : -v));
        diff.values().removeIf(v -> v == 0);
        return diff;
    }

    private static Map<String, Long> parse(String sample) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String pair : sample.split(" ")) {
            String[] kv = pair.split("=");
            values.put(kv[0], Long.parseLong(kv[1]));
        }
        return values;
    }
}
