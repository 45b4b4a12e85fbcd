package io.orgsync.hardening;

import io.orgsync.Sources;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Member;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.CompanyShape;
import io.orgsync.simulator.FaultInjector;
import io.orgsync.simulator.SchoolShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.Vendor;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vendor faults as one matrix (docs/sources.md lists what each vendor may answer; docs/guarantees.md
 * says a failed run publishes nothing): every fault a vendor may show × every source, through the
 * shipped routes. Each cell states its outcome: either the run succeeds and publishes exactly the
 * records of a clean run (the per-vendor SyncTests prove a clean run equals the simulator's ground
 * truth), or it fails with a named reason and leaves the exports tree and every state table as
 * they were. Every run ends by itself, retries and timeouts being bounded: nothing here asserts how
 * long a run took (the report lists it; the class's timeout only bounds a hang). Cells that a vendor
 * cannot produce are skipped with the reason, so the report shows the whole matrix.
 *
 * <p>One simulator, one export folder and one running bundle per source, shared by that source's
 * cells in order: a failed cell runs on top of the successful runs before it, which is what "a
 * failed run never changes what earlier runs published" needs.
 */
@Timeout(300)
class FaultMatrixTest {

    /** The bundle gives up on an answer after this; the slow faults are longer. */
    private static final int READ_TIMEOUT_MS = 1000;
    private static final Duration SLOWER_THAN_TIMEOUT = Duration.ofMillis(2500);

    enum Fault {
        TOKEN_INVALIDATED, RATE_LIMITED, TRANSIENT_5XX, TIMEOUT_TRANSIENT, TIMEOUT_PERSISTENT, MALFORMED_BODY,
        HTML_ERROR_PAGE, PAGE_TOKEN_REPEAT, DEPARTMENT_CYCLE, ORPHAN, FEISHU_43010, PERSISTENT_5XX
    }

    /** What a cell must end with; {@code notApplicable} names why the vendor cannot show the fault. */
    record Expected(boolean succeeds, List<String> reason, String notApplicable) {
        static Expected success() {
            return new Expected(true, List.of(), null);
        }

        static Expected failed(String... reason) {
            return new Expected(false, List.of(reason), null);
        }

        static Expected notApplicable(String why) {
            return new Expected(false, List.of(), why);
        }
    }

    /** The matrix: the expected outcome of every cell, written out so a change in behaviour fails. */
    static Expected expected(Fault fault, SourceName source) {
        return switch (fault) {
            // refresh once and retry; rate limits waited out; transient faults retried with back-off
            case TOKEN_INVALIDATED, RATE_LIMITED, TRANSIENT_5XX, TIMEOUT_TRANSIENT, ORPHAN -> Expected.success();
            case TIMEOUT_PERSISTENT -> Expected.failed("retries");
            case MALFORMED_BODY -> Expected.failed("not JSON");
            case HTML_ERROR_PAGE -> Expected.failed("not JSON", "text/html");
            case PAGE_TOKEN_REPEAT -> switch (source.id()) {
                case "wecom-school" -> Expected.notApplicable("WeCom school lists are not paged (no cursor to repeat)");
                // Wuhan pages by number: the fault is a page that repeats the rows already read
                case "wuhan-edu" -> Expected.failed("paging does not advance");
                default -> Expected.failed("repeated a page token");
            };
            case DEPARTMENT_CYCLE -> Expected.failed("department cycle");
            case FEISHU_43010 -> source == Sources.FEISHU
                    ? Expected.success()
                    : Expected.notApplicable("43010 is Feishu's answer to a recursive children call; "
                            + "the other vendors have no such call");
            case PERSISTENT_5XX -> Expected.failed("500", "retries");
        };
    }

    /** The fault switched on in the simulator for one cell. */
    static void inject(Fault fault, VendorSimulator simulator, Vendor vendor) {
        FaultInjector faults = simulator.faults();
        switch (fault) {
            // a token revoked between runs (the bundle holds a cached one) and the new one expiring mid-run
            case TOKEN_INVALIDATED -> faults.invalidateTokens(vendor).expireTokensAfterCalls(vendor, 3);
            // the bundle's own pacing is lifted (see overrides) so the vendor's limit is what stops it
            case RATE_LIMITED -> faults.rateLimit(vendor, 5);
            case TRANSIENT_5XX -> faults.failNext(vendor, 2, 503).failNext(vendor, 1, 500);
            case TIMEOUT_TRANSIENT -> faults.slowNext(vendor, 2, SLOWER_THAN_TIMEOUT);
            case TIMEOUT_PERSISTENT -> faults.slow(vendor, SLOWER_THAN_TIMEOUT);
            case MALFORMED_BODY -> faults.malformedBody(vendor, 1);
            case HTML_ERROR_PAGE -> faults.htmlErrorPage(vendor, 1);
            case PAGE_TOKEN_REPEAT -> faults.repeatPageToken(vendor);
            case DEPARTMENT_CYCLE -> faults.departmentCycle(vendor);
            case ORPHAN -> faults.orphanDepartment(vendor);
            case FEISHU_43010 -> faults.feishuRecursionForbidden();
            case PERSISTENT_5XX -> faults.failAlways(vendor, 500);
        }
    }

    /** Settings a cell needs beyond the source's shared bundle (which then runs on its own). */
    static Map<String, String> cellOverrides(Fault fault, SourceName source) {
        if (fault == Fault.PAGE_TOKEN_REPEAT && source == Sources.WECOM) {
            // WeCom's detailed user/list is not paged; the cursor API is user/list_id
            return Map.of("orgsync.wecom.member-mode", "list_id");
        }
        return Map.of();
    }

    static Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        for (SourceName source : SourceName.values()) {
            for (Fault fault : Fault.values()) {
                cells.add(Arguments.of(source, fault));
            }
        }
        return cells.stream();
    }

    @TempDir
    static Path root;
    private static final Map<SourceName, Fixture> FIXTURES = new LinkedHashMap<>();

    /** A source's simulator, bundle and the records of its clean reference run. */
    private record Fixture(VendorSimulator simulator, Vendor vendor, Path exports, Map<String, String> overrides,
                           OrgSyncApp app, Set<String> departments, Set<String> members) {
    }

    /** The matrix as it ran, printed for the note. */
    private static final List<String> OUTCOMES = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterAll
    static void stop() {
        System.out.println("| source | fault | status | apiCalls | retries | took | error |\n|---|---|---|---|---|---|---|\n"
                + String.join("\n", OUTCOMES));
        FIXTURES.values().forEach(f -> {
            f.app().close();
            f.simulator().close();
        });
    }

    @ParameterizedTest(name = "{0} × {1}")
    @MethodSource("cells")
    void eachFaultEndsAsTheMatrixSays(SourceName source, Fault fault) throws Exception {
        Expected expected = expected(fault, source);
        Assumptions.assumeTrue(expected.notApplicable() == null, () -> "not applicable: " + expected.notApplicable());
        Fixture fixture = fixture(source);
        VendorSimulator simulator = fixture.simulator();
        simulator.faults().clear();
        simulator.resetCounters();
        Map<Path, String> filesBefore = Harness.tree(fixture.exports());
        Map<String, List<String>> tablesBefore = stateTables(fixture.exports());

        inject(fault, simulator, fixture.vendor());
        Map<String, String> extra = cellOverrides(fault, source);
        long started = System.nanoTime();
        Manifest manifest;
        if (extra.isEmpty()) {
            manifest = fixture.app().sync(source).manifest();
        } else {
            Map<String, String> overrides = new HashMap<>(fixture.overrides());
            overrides.putAll(extra);
            try (OrgSyncApp own = Harness.start(overrides)) {
                manifest = own.sync(source).manifest();
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        simulator.faults().clear();
        OUTCOMES.add(String.format("| %s | %s | %s | %d | %d | %.1f s | %s |", source.id(), fault,
                manifest.status().wireName(), manifest.apiCalls(), manifest.retries(), took.toMillis() / 1000.0,
                manifest.error() == null ? "" : manifest.error().replace('|', '/')));

        if (expected.succeeds()) {
            assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
            assertComplete(fault, fixture, manifest);
            assertSurvivedTheFault(fault, simulator, manifest);
        } else {
            assertThat(manifest.status()).as("status").isEqualTo(RunStatus.FAILED);
            assertThat(manifest.error()).as("the reason names the fault").contains(expected.reason());
            assertThat(Harness.tree(fixture.exports())).as("exports untouched").isEqualTo(filesBefore);
            assertThat(stateTables(fixture.exports())).as("database untouched").isEqualTo(tablesBefore);
            assertThat(lastRun(fixture.exports(), source)).as("the run row says so")
                    .isEqualTo("failed " + manifest.error());
        }
    }

    private static void assertComplete(Fault fault, Fixture fixture, Manifest manifest) {
        Path runDir = Harness.latestRun(fixture.exports(), manifest.source(), manifest.tenant());
        assertThat(runDir.getFileName().toString()).isEqualTo(manifest.runId());
        Set<String> departments = lines(Harness.departments(runDir));
        List<Member> members = Harness.members(runDir);
        if (fault == Fault.ORPHAN) {
            // the orphan is kept (and reported), everything else is there; members may list it
            assertThat(departments).containsAll(fixture.departments()).hasSize(fixture.departments().size() + 1);
            assertThat(members.stream().map(Member::id).collect(Collectors.toSet()))
                    .isEqualTo(ids(fixture.members()));
        } else {
            assertThat(departments).as("every department, as a clean run has it").isEqualTo(fixture.departments());
            assertThat(lines(members)).as("every member, as a clean run has it").isEqualTo(fixture.members());
        }
    }

    private static void assertSurvivedTheFault(Fault fault, VendorSimulator simulator, Manifest manifest) {
        switch (fault) {
            case RATE_LIMITED -> {
                assertThat(simulator.rejections()).as("the limit was hit").isPositive();
                assertThat(manifest.retries()).isGreaterThanOrEqualTo(simulator.rejections());
            }
            case TRANSIENT_5XX -> assertThat(manifest.retries()).isGreaterThanOrEqualTo(3);
            case TIMEOUT_TRANSIENT -> assertThat(manifest.retries()).isGreaterThanOrEqualTo(2);
            case TOKEN_INVALIDATED -> assertThat(manifest.retries()).isGreaterThanOrEqualTo(1);
            default -> {
            }
        }
        assertThat(manifest.apiCalls()).as("every request counted").isEqualTo(simulator.calls());
    }

    private static synchronized Fixture fixture(SourceName source) {
        return FIXTURES.computeIfAbsent(source, s -> {
            SimulatorConfig config = switch (s.id()) {
                case "wecom", "feishu" -> SimulatorConfig.defaults().withCompany(new CompanyShape(25, 4, 300));
                case "wecom-school", "wuhan-edu" -> SimulatorConfig.defaults().withSchool(new SchoolShape(2, 2, 2, 3, 8));
                default -> throw new IllegalArgumentException("no case for source " + s.id());
            };
            Vendor vendor = Sources.simulated(s);
            VendorSimulator simulator = VendorSimulator.start(config);
            Path exports = root.resolve(s.id());
            Map<String, String> overrides = new HashMap<>(Harness.overrides(simulator, exports, s));
            overrides.put("orgsync.http.read-timeout-ms", String.valueOf(READ_TIMEOUT_MS));
            // the bundle's pacing would keep it under the simulator's limit; the matrix wants the limit hit
            overrides.put(s.key("max-requests-per-second"), "1000");
            overrides.put(s.key("max-requests-per-minute"), "60000");
            OrgSyncApp app = Harness.start(overrides);
            Manifest clean = app.sync(s).manifest();
            assertThat(clean.status()).as(String.valueOf(clean.error())).isEqualTo(RunStatus.SUCCESS);
            Path runDir = Harness.latestRun(exports, clean.source(), clean.tenant());
            return new Fixture(simulator, vendor, exports, overrides, app,
                    lines(Harness.departments(runDir)), lines(Harness.members(runDir)));
        });
    }

    private static <T> Set<String> lines(List<T> records) {
        return records.stream().map(CanonicalJson::toLine).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> ids(Set<String> memberLines) {
        return memberLines.stream().map(l -> CanonicalJson.fromLine(l, Member.class).id()).collect(Collectors.toSet());
    }

    /** Every row of every table a run publishes to or keeps state in; orgsync_run gains a row per run by design. */
    static Map<String, List<String>> stateTables(Path exports) throws SQLException {
        Map<String, List<String>> tables = new HashMap<>();
        try (Connection c = DriverManager.getConnection(Harness.databaseUrl(exports), "sa", "");
             Statement st = c.createStatement()) {
            for (String table : List.of("orgsync_department", "orgsync_member", "orgsync_member_department",
                    "orgsync_relation", "orgsync_state", "orgsync_compact_state")) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= n; i++) {
                            row.append(rs.getString(i)).append('|');
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

    private static String lastRun(Path exports, SourceName source) throws SQLException {
        try (Connection c = DriverManager.getConnection(Harness.databaseUrl(exports), "sa", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT status, error FROM orgsync_run WHERE source = '" + source.id()
                     + "' ORDER BY started_at DESC, run_id DESC LIMIT 1")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1) + " " + rs.getString(2);
        }
    }
}
