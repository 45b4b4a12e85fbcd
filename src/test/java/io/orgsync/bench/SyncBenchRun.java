package io.orgsync.bench;

import io.orgsync.Sources;
import io.orgsync.DemoSetup;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.run.Manifest;
import io.orgsync.simulator.CompanyOrg;
import io.orgsync.simulator.CompanyShape;
import io.orgsync.simulator.LoggedRequest;
import io.orgsync.simulator.SchoolOrg;
import io.orgsync.simulator.SchoolShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.Reader;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * One benchmark run in a JVM of its own, so peak heap and RSS belong to this run alone:
 * {@code SyncBenchRun <source> <members> <limited|lifted> <h2|pg> <workdir> <rtt-ms> <first[,again]>}.
 * Prints one {@code BENCH ...} line per sync with the figures.
 *
 * <p>"limited": the simulator refuses more than the vendor's documented per-second rate per API
 * (WeCom 100/s, Feishu 50/s, Wuhan 20/s) and the bundle runs with its shipped pacing defaults.
 * "lifted": no limit anywhere, so the run is bound by the bundle itself (mapping and sinks).
 *
 * <p>The minimal time is the sum over the APIs a run uses of what the vendor's limits allow for
 * that API's minimal number of calls: the phases are dependent (departments before their members),
 * and each API has its own limit. For {@code n} calls at {@code s}/s and {@code m}/min in rolling
 * windows the fastest schedule sends {@code m} calls at {@code s}/s, waits for the minute to
 * pass, and so on: {@code 60·⌊(n−1)/m⌋ + ((n−1) mod m + 1)/s} seconds.
 */
public final class SyncBenchRun {

    /** Written by the simulator process once it serves: the settings that point the bundle at it. */
    static final String SIMULATOR_FILE = "simulator.properties";
    private static final String MINIMAL_PREFIX = "bench.minimal.";
    private static final int WARM_UP_MEMBERS = 2_000;
    private static final int WARM_UP_SYNCS = 3;

    public static void main(String[] args) throws Exception {
        if (args[0].equals("simulate")) {
            simulate(args);
        } else {
            run(args);
        }
        System.exit(0);
    }

    /**
     * {@code simulate <source> <members> <limited|lifted> <workdir> <rtt-ms>}: the vendor simulator in a
     * process of its own, so that the organisation it holds (a million generated people) is not
     * counted in the bundle's heap. Serves until its stdin closes. With a round trip, every request
     * is answered that long after it came; the vendor counts it against its limit when it comes.
     */
    private static void simulate(String[] args) throws Exception {
        SourceName source = source(args[1]);
        int members = Integer.parseInt(args[2]);
        boolean limited = args[3].equals("limited");
        Path work = Path.of(args[4]);
        int rttMs = Integer.parseInt(args[5]);
        Files.createDirectories(work);
        warmUp(source, work.resolve("simulator-warm-up"));
        SimulatorConfig config = organisation(source, members);
        if (rttMs > 0) {
            // a delayed answer sleeps on one of the simulator's threads: enough of them for every
            // request the bundle may keep in flight (orgsync.<source>.concurrency is at most 64,
            // and a token call), or the simulator's pool, not the bundle, would bound the run
            config = config.withThreads(config.threads() + 65);
        }
        try (VendorSimulator simulator = VendorSimulator.start(config)) {
            if (limited) {
                simulator.faults().rateLimit(Sources.simulated(source), source.definition().defaultPerSecond());
            }
            if (rttMs > 0) {
                simulator.faults().slow(Sources.simulated(source), java.time.Duration.ofMillis(rttMs));
            }
            Properties settings = new Properties();
            settings.putAll(DemoSetup.simulatorSettings(simulator));
            minimalCalls(source, simulator).forEach((api, n) -> settings.put(MINIMAL_PREFIX + api, Long.toString(n)));
            Path temporary = work.resolve(SIMULATOR_FILE + ".tmp");
            try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                settings.store(out, "orgsync benchmark simulator");
            }
            Files.move(temporary, work.resolve(SIMULATOR_FILE), StandardCopyOption.ATOMIC_MOVE);
            System.out.println("SIMULATOR " + simulator.baseUrl());
            // the benchmark closes our stdin when the run is over
            while (System.in.read() >= 0) {
                // nothing to read; waiting for end of stream
            }
            printRequestsPerSecond(simulator.requestLog());
        }
    }

    private static SimulatorConfig organisation(SourceName source, int members) {
        SimulatorConfig config = SimulatorConfig.defaults().withThreads(8);
        if (source == Sources.WECOM || source == Sources.FEISHU) {
            return config.withCompany(new CompanyShape(Math.max(10, members / 100), 6, members));
        }
        return config.withSchool(school(members));
    }

    /**
     * A vendor's servers are warm when a sync begins; a simulator just started is not, and its
     * first answers, interpreted while its JIT compiles the HTTP server and the vendor's handlers,
     * cost a bundle's first sync about 0.3 s that no vendor would (a WeCom gettoken answered in
     * 325 ms instead of 45). So this JVM first serves a few small syncs of the same source, made by
     * the shipped bundle against a simulator of its own: the code that answers is compiled, and
     * the organisation and counters of the simulator measured are untouched.
     */
    private static void warmUp(SourceName source, Path dir) throws Exception {
        try (VendorSimulator small = VendorSimulator.start(organisation(source, WARM_UP_MEMBERS));
             OrgSyncApp app = Harness.start(warmUpSettings(small, dir, source))) {
            for (int i = 0; i < WARM_UP_SYNCS; i++) {
                OrgSyncApp.RunOutcome outcome = app.sync(source);
                if (outcome.manifest() == null) {
                    throw new IllegalStateException("the simulator's warm-up sync failed: " + outcome);
                }
            }
        }
        SyncBenchmark.deleteTree(dir);
    }

    private static Map<String, String> warmUpSettings(VendorSimulator small, Path dir, SourceName source) {
        Map<String, String> settings = Harness.overrides(small, dir.resolve("exports"), source);
        settings.put("orgsync.sinks", "file");
        return settings;
    }

    /**
     * {@code <source> <members> <limited|lifted> <h2|pg> <workdir> <rtt-ms> <first[,again]>}, against the
     * simulator of {@code workdir}; the round trip is the simulator's, named here for the BENCH line.
     */
    private static void run(String[] args) throws Exception {
        SourceName source = source(args[0]);
        int members = Integer.parseInt(args[1]);
        boolean limited = args[2].equals("limited");
        boolean postgres = args[3].equals("pg");
        Path work = Path.of(args[4]);
        List<String> syncs = List.of(args[6].split(","));
        Properties simulator = new Properties();
        try (Reader in = Files.newBufferedReader(work.resolve(SIMULATOR_FILE), StandardCharsets.UTF_8)) {
            simulator.load(in);
        }
        Map<String, String> settings = new HashMap<>();
        Map<String, Long> minimal = new LinkedHashMap<>();
        for (String key : simulator.stringPropertyNames()) {
            if (key.startsWith(MINIMAL_PREFIX)) {
                minimal.put(key.substring(MINIMAL_PREFIX.length()), Long.parseLong(simulator.getProperty(key)));
            } else {
                settings.put(key, simulator.getProperty(key));
            }
        }
        LiveHeap liveHeap = LiveHeap.watch();
        try (EmbeddedPostgres pg = postgres ? EmbeddedPostgres.builder().start() : null) {
            Map<String, String> overrides = Harness.overrides(settings, work.resolve("exports"), source);
            if (pg != null) {
                try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE bench");
                }
                overrides.put("orgsync.jdbc.url", pg.getJdbcUrl("postgres", "bench"));
                overrides.put("orgsync.jdbc.username", "postgres");
                overrides.put("orgsync.jdbc.password", "");
            }
            // "into the file sink and into PostgreSQL": the pg run fills the jdbc tables too; the H2
            // runs go to the file sink alone, whose state is the compact copy
            overrides.put("orgsync.sinks", pg != null ? "file,jdbc" : "file");
            overrides.put("orgsync.http.read-timeout-ms", "60000");
            overrides.put("orgsync.http.max-pages", "1000000");
            if (!limited) {
                overrides.put(source.key("max-requests-per-second"), "100000");
                overrides.put(source.key("max-requests-per-minute"), "6000000");
            }
            try (OrgSyncApp app = Harness.start(overrides)) {
                double bound = limited ? bound(source, minimal) : 0;
                long minCalls = minimal.values().stream().mapToLong(Long::longValue).sum();
                print("first", measure(app, source, liveHeap), args, members, limited, bound, minCalls, liveHeap);
                if (!syncs.contains("again")) {
                    return;
                }
                if (limited && (long) source.definition().defaultPerSecond() * 60 > source.definition().defaultPerMinute()) {
                    // the first run spent the minute's budget (Feishu): a scheduled run starts with a
                    // fresh minute, and the bound assumes one
                    Thread.sleep(61_000);
                }
                // nothing changed at the vendor: what every scheduled run after the first costs; lifted,
                // also what the bundle does with a JVM whose JIT has compiled it (the first sync of a
                // fresh JVM on two cores shares them with the compiler)
                print("again", measure(app, source, liveHeap), args, members, limited, bound, minCalls, liveHeap);
            }
        }
    }

    private record Measured(Manifest manifest, double wall) {
    }

    private static Measured measure(OrgSyncApp app, SourceName source, LiveHeap liveHeap) throws Exception {
        System.gc();
        resetPeaks();
        liveHeap.reset();
        long started = System.nanoTime();
        OrgSyncApp.RunOutcome outcome = app.sync(source);
        double wall = (System.nanoTime() - started) / 1e9;
        if (outcome.manifest() == null) {
            throw new IllegalStateException("no manifest: " + outcome);
        }
        return new Measured(outcome.manifest(), wall);
    }

    private static void print(String sync, Measured run, String[] args, int members, boolean limited, double bound,
                              long minCalls, LiveHeap liveHeap) throws Exception {
        Manifest manifest = run.manifest();
        double wall = run.wall();
        long records = manifest.departments() + manifest.members();
        System.out.printf(Locale.ROOT,
                "BENCH source=%s size=%d mode=%s rtt=%sms db=%s sync=%s xmx=%dm status=%s departments=%d members=%d "
                        + "created=%d wall=%.1fs bound=%s ratio=%s apiCalls=%d minCalls=%d retries=%d "
                        + "peakHeap=%dMB peakLiveHeap=%dMB peakRss=%dMB recordsPerSec=%.0f error=%s%n",
                args[0], members, args[2], args[5], args[3], sync, Runtime.getRuntime().maxMemory() >> 20,
                manifest.status().wireName(), manifest.departments(), manifest.members(), manifest.created(), wall,
                limited ? String.format(Locale.ROOT, "%.1fs", bound) : "-",
                limited ? String.format(Locale.ROOT, "%.2f", wall / bound) : "-",
                manifest.apiCalls(), minCalls, manifest.retries(), peakHeap() >> 20, liveHeap.peak() >> 20,
                peakRss() >> 10, records / wall, manifest.error() == null ? "-" : '"' + manifest.error() + '"');
    }

    /** Requests the simulator took in each second of the run, so a fetch slower than its bound shows where. */
    private static void printRequestsPerSecond(List<LoggedRequest> log) {
        if (log.isEmpty()) {
            return;
        }
        long start = log.get(0).nanoTime();
        Map<Long, Integer> perSecond = new TreeMap<>();
        for (LoggedRequest request : log) {
            perSecond.merge((request.nanoTime() - start) / 1_000_000_000L, 1, Integer::sum);
        }
        System.out.println("REQUESTS per second from the first: " + perSecond.values());
    }

    private static SourceName source(String id) {
        return SourceName.of(id).orElseThrow(() -> new IllegalArgumentException("unknown source " + id));
    }

    /** About {@code members} students: 45 per class, 3 stages of 3 grades per campus. */
    private static SchoolShape school(int members) {
        int classes = Math.max(9, members / 45);
        int campuses = Math.max(1, (int) Math.round(Math.sqrt(classes / 9.0 / 25.0)));
        int perGrade = Math.max(1, (int) Math.round(classes / (9.0 * campuses)));
        return new SchoolShape(campuses, 3, 3, perGrade, 45);
    }

    /** The fewest calls per API that can read the generated organisation (token call included). */
    static Map<String, Long> minimalCalls(SourceName source, VendorSimulator simulator) {
        Map<String, Long> calls = new LinkedHashMap<>();
        calls.put("token", 1L);
        switch (source.id()) {
            case "wecom" -> {
                calls.put("department/list", 1L);
                calls.put("user/list", (long) simulator.company().departments().size());
            }
            case "feishu" -> {
                CompanyOrg company = simulator.company();
                calls.put("children", Math.max(1, ceil(company.departments().size() - 1, 50)));
                Map<Integer, Long> direct = new HashMap<>();
                for (CompanyOrg.Employee e : company.employees()) {
                    for (Integer d : e.departmentIds()) {
                        direct.merge(d, 1L, Long::sum);
                    }
                }
                long pages = 0;
                for (CompanyOrg.Department d : company.departments()) {
                    pages += Math.max(1, ceil(direct.getOrDefault(d.id(), 0L), 50));
                }
                calls.put("find_by_department", pages);
            }
            case "wecom-school" -> {
                SchoolOrg school = simulator.school();
                calls.put("school/department/list", 1L);
                calls.put("school/user/list", school.departments().stream()
                        .filter(d -> d.type() == SchoolOrg.TYPE_CLASS).count());
            }
            case "wuhan-edu" -> {
                SchoolOrg school = simulator.school();
                calls.put("get-org-info", 1L);
                calls.put("get-child-list", school.departments().stream().map(SchoolOrg.Department::wuhanParentId)
                        .filter(Objects::nonNull).distinct().count());
                calls.put("get-org-member-simple-list", ceil(school.teacherCount() + school.studentCount(), 500));
                calls.put("get-org-parents-list", ceil(school.parentCount(), 100));
            }
        }
        return calls;
    }

    static double bound(SourceName source, Map<String, Long> minimal) {
        double seconds = 0;
        for (long n : minimal.values()) {
            seconds += seconds(n, source.definition().defaultPerSecond(), source.definition().defaultPerMinute());
        }
        return seconds;
    }

    static double seconds(long n, int perSecond, int perMinute) {
        if (n <= 0) {
            return 0;
        }
        if ((long) perSecond * 60 <= perMinute) {
            return (double) n / perSecond;
        }
        return 60.0 * ((n - 1) / perMinute) + ((n - 1) % perMinute + 1) / (double) perSecond;
    }

    private static long ceil(long n, int size) {
        return (n + size - 1) / size;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    private static long peakHeap() {
        long sum = 0;
        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
        for (MemoryPoolMXBean pool : pools) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** VmHWM: the process's peak resident set, in kB. */
    private static long peakRss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
