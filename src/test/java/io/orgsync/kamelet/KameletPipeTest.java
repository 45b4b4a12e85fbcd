package io.orgsync.kamelet;

import org.junit.jupiter.params.provider.MethodSource;
import io.orgsync.Sources;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Pipe as Camel K would run it — {@code from: kamelet:orgsync-<id>-source?…} to
 * {@code kamelet:orgsync-file-sink?…} — inside the bundle, against the simulator: the export must
 * be the one the bundle's own route gives for the same vendor and tenant.
 */
@Timeout(120)
class KameletPipeTest {

    private static VendorSimulator simulator;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        simulator = VendorSimulator.start(SimulatorConfig.defaults());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    /** The source Kamelet's properties for the simulator, as a Pipe would set them. */
    private static String sourceUri(SourceName vendor, String tenant, String secretOverride) {
        var credentials = simulator.credentials();
        String properties = switch (vendor.id()) {
            case "feishu" -> "appId=" + credentials.feishuAppId() + "&appSecret=RAW("
                    + (secretOverride != null ? secretOverride : credentials.feishuAppSecret()) + ")";
            case "wecom" -> "corpId=" + credentials.wecomCorpId() + "&corpSecret=RAW("
                    + (secretOverride != null ? secretOverride : credentials.wecomCorpSecret()) + ")";
            case "wecom-school" -> "corpId=" + credentials.wecomSchoolCorpId() + "&corpSecret=RAW("
                    + (secretOverride != null ? secretOverride : credentials.wecomSchoolCorpSecret()) + ")";
            case "wuhan-edu" -> "appId=" + credentials.wuhanAppId() + "&appKey=RAW("
                    + (secretOverride != null ? secretOverride : credentials.wuhanAppKey()) + ")&topOrgId="
                    + credentials.wuhanTopOrgId();
            default -> throw new IllegalArgumentException("no case for source " + vendor.id());
        };
        return "kamelet:orgsync-" + vendor.id() + "-source?tenant=" + tenant + "&" + properties
                + "&baseUrl=" + simulator.baseUrl() + "&schedule=RAW(0/1 * * * * ?)";
    }

    /** The bundle with one source of its own (on a far schedule), so the Kamelets have orgsync's beans. */
    private OrgSyncApp service(Path exports) {
        Map<String, String> overrides = new HashMap<>(Harness.overrides(simulator, exports, Sources.WECOM_SCHOOL));
        return OrgSyncApp.create(Path.of("application.properties"), Path.of("routes"), overrides, false);
    }

    private static void pipe(OrgSyncApp app, String from, String to) throws Exception {
        app.context().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(from).routeId("pipe").to(to);
            }
        });
    }

    @ParameterizedTest
    @MethodSource("io.orgsync.Sources#all")
    void aPipeFromTheSourceKameletToTheFileSinkExportsWhatTheRouteDoes(SourceName vendor) throws Exception {
        Path reference = dir.resolve("reference");
        Map<String, String> overrides = new HashMap<>(Harness.overrides(simulator, reference, vendor));
        overrides.put(vendor.key("tenant"), "piped");
        try (OrgSyncApp app = Harness.start(overrides)) {
            assertThat(app.sync(vendor).manifest().status()).isEqualTo(RunStatus.SUCCESS);
        }

        Path exports = dir.resolve("exports");
        Path pipeDir = dir.resolve("pipe-exports");
        try (OrgSyncApp app = service(exports)) {
            app.start();
            NotifyBuilder emitted = new NotifyBuilder(app.context()).fromRoute("pipe").whenCompleted(1).create();
            pipe(app, sourceUri(vendor, "piped", null), "kamelet:orgsync-file-sink?dir=" + pipeDir);
            assertThat(emitted.matches(60, TimeUnit.SECONDS)).as("one run went through the pipe").isTrue();
            app.context().getRouteController().stopRoute("pipe");
        }

        Path expected = Harness.latestRun(reference, vendor.id(), "piped");
        Path actual = Harness.latestRun(pipeDir, vendor.id(), "piped");
        assertThat(Harness.departments(actual)).isNotEmpty()
                .containsExactlyInAnyOrderElementsOf(Harness.departments(expected));
        assertThat(Harness.members(actual)).isNotEmpty()
                .containsExactlyInAnyOrderElementsOf(Harness.members(expected));
        Manifest manifest = io.orgsync.model.CanonicalJson.fromLine(
                java.nio.file.Files.readString(actual.resolve("manifest.json")), Manifest.class);
        assertThat(manifest.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(manifest.apiCalls()).as("the source's requests travel with the run").isPositive();
        assertThat((long) Harness.changes(actual).size()).isEqualTo(manifest.departments() + manifest.members());
        assertThat(exports.resolve(vendor.id())).as("nothing in the bundle's own sink").doesNotExist();
    }

    @Test
    void aFailedFetchSendsNothingAndLeavesTheSinkAsItWas() throws Exception {
        Path pipeDir = dir.resolve("pipe-exports");
        Path exports = dir.resolve("exports");
        try (OrgSyncApp app = service(exports)) {
            app.start();
            NotifyBuilder fetched = new NotifyBuilder(app.context()).fromRoute("pipe").whenCompleted(1).create();
            pipe(app, sourceUri(Sources.FEISHU, "kept", null), "kamelet:orgsync-file-sink?dir=" + pipeDir);
            assertThat(fetched.matches(60, TimeUnit.SECONDS)).isTrue();
            app.context().getRouteController().stopRoute("pipe");
            app.context().removeRoute("pipe");
        }
        Map<Path, String> before = Harness.tree(pipeDir);
        assertThat(before).isNotEmpty();

        try (OrgSyncApp app = service(exports)) {
            app.start();
            pipe(app, sourceUri(Sources.FEISHU, "kept", "wrong-secret-of-the-pipe"),
                    "kamelet:orgsync-file-sink?dir=" + pipeDir);
            // the failed run's row is the event to wait for; the minute only bounds a failing test
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (failedRuns(exports) == 0) {
                assertThat(System.nanoTime()).as("the failed run is recorded").isLessThan(deadline);
                TimeUnit.MILLISECONDS.sleep(50); // polling the database, which notifies nobody
            }
            app.context().getRouteController().stopRoute("pipe");
        }
        assertThat(failedRuns(exports)).as("the failed run is recorded").isPositive();
        assertThat(Harness.tree(pipeDir)).as("the sink is as the last successful run left it").isEqualTo(before);
    }

    private static long failedRuns(Path exports) throws Exception {
        try (Connection db = DriverManager.getConnection(Harness.databaseUrl(exports), "sa", "");
             Statement statement = db.createStatement();
             ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM orgsync_run WHERE status = 'failed' "
                     + "AND tenant = 'kept' AND error LIKE 'orgsync.tenants.kept.app-secret:%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
