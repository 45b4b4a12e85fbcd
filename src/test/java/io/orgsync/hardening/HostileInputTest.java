package io.orgsync.hardening;

import io.orgsync.Sources;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.model.Member;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.CompanyShape;
import io.orgsync.simulator.FaultInjector;
import io.orgsync.simulator.FaultInjector.Hostile;
import io.orgsync.simulator.SchoolShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.Vendor;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers built to hurt: nesting bombs, bytes that are not UTF-8, 2,000,000-character names, a 400 MB body,
 * names and ids made of path tricks, NUL and control characters. Each is refused with a clear
 * failure that publishes nothing, or handled; nothing is ever written outside orgsync.file.dir and
 * the bundle keeps working (a clean run afterwards succeeds).
 */
@Timeout(180)
class HostileInputTest {

    private static final int CAP_MB = 8;
    private static VendorSimulator simulator;
    private static OrgSyncApp app;
    @TempDir
    static Path root;
    private static Path exports;

    @BeforeAll
    static void start() {
        simulator = VendorSimulator.start(SimulatorConfig.defaults().withCompany(new CompanyShape(10, 3, 60))
                .withSchool(new SchoolShape(1, 1, 2, 2, 5)));
        exports = root.resolve("exports");
        Map<String, String> overrides = new HashMap<>(Harness.overrides(simulator, exports, SourceName.values()));
        overrides.put("orgsync.http.max-response-mb", String.valueOf(CAP_MB));
        app = Harness.start(overrides);
        for (SourceName source : SourceName.values()) {
            Manifest clean = app.sync(source).manifest();
            assertThat(clean.status()).as(String.valueOf(clean.error())).isEqualTo(RunStatus.SUCCESS);
        }
    }

    @AfterAll
    static void stop() {
        app.close();
        simulator.close();
    }

    static Stream<Arguments> refused() {
        List<Arguments> cells = new ArrayList<>();
        Map<SourceName, Vendor> vendors = Map.of(Sources.WECOM, Vendor.WECOM, Sources.WECOM_SCHOOL,
                Vendor.WECOM_SCHOOL, Sources.FEISHU, Vendor.FEISHU, Sources.WUHAN_EDU, Vendor.WUHAN);
        for (SourceName source : SourceName.values()) {
            // each read limit named, not lumped in with "not JSON"
            cells.add(Arguments.of(source, vendors.get(source), Hostile.NESTING_BOMB,
                    "with a response nesting deeper than 64 levels (application/json"));
            cells.add(Arguments.of(source, vendors.get(source), Hostile.INVALID_UTF8,
                    "a body that is not JSON (bytes that are not UTF-8)"));
            cells.add(Arguments.of(source, vendors.get(source), Hostile.HUGE_STRING,
                    "with a string longer than 1000000 characters (application/json"));
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "{0} × {2}")
    @MethodSource("refused")
    void aHostileAnswerFailsTheRunCleanlyAndPublishesNothing(SourceName source, Vendor vendor, Hostile hostile,
                                                              String reason) throws Exception {
        Map<Path, String> before = Harness.tree(exports);
        Map<String, List<String>> tables = FaultMatrixTest.stateTables(exports);
        simulator.faults().hostileBodyAlways(vendor, hostile);
        try {
            Manifest failed = app.sync(source).manifest();
            assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
            assertThat(failed.error()).contains(reason).hasSizeLessThan(1000);
        } finally {
            simulator.faults().clear();
        }
        assertThat(Harness.tree(exports)).isEqualTo(before);
        assertThat(FaultMatrixTest.stateTables(exports)).isEqualTo(tables);
        assertThat(app.sync(source).manifest().status()).as("the bundle still works").isEqualTo(RunStatus.SUCCESS);
    }

    @Test
    void anAnswerFarAboveTheCapIsRefusedAfterReadingOnlyTheCap() {
        simulator.faults().hostileBodyAlways("/cgi-bin/department/list", Hostile.HUGE_BODY);
        try {
            Manifest failed = app.sync(Sources.WECOM).manifest();
            assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
            assertThat(failed.error()).contains("/cgi-bin/department/list answered a response larger than "
                    + CAP_MB * 1024 * 1024 + " bytes (orgsync.http.max-response-mb)");
        } finally {
            simulator.faults().clear();
        }
        // the client stops at the cap; what the socket buffers had taken on top is small, and far
        // from the 400 MB offered (how much heap that costs is HugeAnswerBenchmark's figure)
        assertThat(simulator.streamedBytes()).as("bytes the vendor got to send of %d offered",
                FaultInjector.HUGE_BODY_BYTES).isLessThan((CAP_MB + 32) * 1024L * 1024);
        assertThat(app.sync(Sources.WECOM).manifest().status()).isEqualTo(RunStatus.SUCCESS);
    }

    @Test
    void pathTricksNulAndHugeNamesStayInsideFileContents() throws Exception {
        Path escape = Path.of("/tmp/orgsync-escape");
        // its own folder: the ids change, so the shared folder's next run would be held by the deletion guard
        Path tricks = root.resolve("tricks");
        simulator.faults().hostileBodyAlways("/cgi-bin/department/list", Hostile.PATH_TRICKS)
                .hostileBodyAlways("/cgi-bin/user/list", Hostile.PATH_TRICKS);
        Manifest manifest;
        try (OrgSyncApp own = Harness.start(Harness.overrides(simulator, tricks, Sources.WECOM))) {
            manifest = own.sync(Sources.WECOM).manifest();
        } finally {
            simulator.faults().clear();
        }

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        List<Member> members = Harness.members(Harness.latestRun(tricks, "wecom", manifest.tenant()));
        assertThat(members).isNotEmpty().allSatisfy(m -> {
            assertThat(m.id()).startsWith("../").contains("\u0000");
            assertThat(m.name()).startsWith("../../../../tmp/orgsync-escape/\u0000").hasSizeGreaterThan(100_000);
        });
        assertThat(escape).doesNotExist();
        try (Stream<Path> all = Files.walk(root)) {
            assertThat(all.filter(p -> !p.equals(root) && Stream.of("exports", "exports-db", "tricks", "tricks-db")
                    .noneMatch(d -> p.startsWith(root.resolve(d))))).as("nothing outside the export and database folders")
                    .isEmpty();
        }
        try (Stream<Path> all = Files.walk(tricks)) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("..") || n.contains("\u0000")
                    || n.length() > 255);
        }
    }
}
