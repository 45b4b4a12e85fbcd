package io.orgsync.tenants;

import io.orgsync.Sources;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.Credentials;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three tenants of two sources in one bundle: two Feishu apps of two different companies and
 * one WeCom school, each on its own simulated vendor host with its own credentials and org. Each
 * must come out exactly as the source's own single-tenant route gives the same org, and a rejected
 * secret must fail its tenant alone.
 */
@Timeout(180)
class ManyTenantsSyncTest {

    private static VendorSimulator companyA;
    /** Another company and another school (another seed), with credentials of its own. */
    private static VendorSimulator companyB;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSimulators() {
        companyA = VendorSimulator.start(SimulatorConfig.defaults());
        companyB = VendorSimulator.start(SimulatorConfig.defaults().withSeed(7).withCredentials(new Credentials(
                "wwb00000000000000b", "sim-b-contacts-secret-000000000000000000",
                "wwb00000000000000b", "sim-b-school-secret-0000000000000000000",
                "cli_b000000000000000", "simFeishuSecretB000000000000000000",
                Credentials.DEFAULT_WUHAN_APP_ID, Credentials.DEFAULT_WUHAN_APP_KEY, "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0")));
    }

    @AfterAll
    static void stopSimulators() {
        companyA.close();
        companyB.close();
    }

    @BeforeEach
    void reset() {
        companyA.resetCounters();
        companyB.resetCounters();
    }

    /** No source of its own enabled: only the three named tenants run. */
    private Map<String, String> tenants(Path exports) {
        Map<String, String> overrides = Harness.overrides(companyA, exports);
        // the tests read each tenant's rows from the tables
        overrides.put("orgsync.sinks", "file,jdbc");
        overrides.put("orgsync.tenants", "hq, branch, school");
        overrides.put("orgsync.tenants.hq.source", "feishu");
        overrides.put("orgsync.tenants.hq.base-url", companyA.baseUrl());
        overrides.put("orgsync.tenants.hq.app-id", companyA.credentials().feishuAppId());
        overrides.put("orgsync.tenants.hq.app-secret", companyA.credentials().feishuAppSecret());
        overrides.put("orgsync.tenants.branch.source", "feishu");
        overrides.put("orgsync.tenants.branch.base-url", companyB.baseUrl());
        overrides.put("orgsync.tenants.branch.app-id", companyB.credentials().feishuAppId());
        overrides.put("orgsync.tenants.branch.app-secret", companyB.credentials().feishuAppSecret());
        overrides.put("orgsync.tenants.branch.schedule", "0 30 3 * * ?");
        overrides.put("orgsync.tenants.school.source", "wecom-school");
        overrides.put("orgsync.tenants.school.base-url", companyB.baseUrl());
        overrides.put("orgsync.tenants.school.corp-id", companyB.credentials().wecomSchoolCorpId());
        overrides.put("orgsync.tenants.school.corp-secret", companyB.credentials().wecomSchoolCorpSecret());
        return overrides;
    }

    @Test
    void threeTenantsOfTwoSourcesSyncIndependently() throws Exception {
        Path exports = dir.resolve("exports");
        Map<String, Manifest> manifests = runAll(tenants(exports));

        assertThat(manifests.keySet()).containsExactly("tenants.hq", "tenants.branch", "tenants.school");
        manifests.values().forEach(m -> assertThat(m.status()).as(m.error()).isEqualTo(RunStatus.SUCCESS));
        assertThat(manifests.get("tenants.hq").tenant()).isEqualTo("hq");
        assertThat(manifests.get("tenants.school").source()).isEqualTo("wecom-school");

        // own token per app: one token call on each host per app, none borrowed from another tenant
        assertThat(companyA.calls("/open-apis/auth/v3/tenant_access_token/internal")).isEqualTo(1);
        assertThat(companyB.calls("/open-apis/auth/v3/tenant_access_token/internal")).isEqualTo(1);
        assertThat(companyB.calls("/cgi-bin/gettoken")).isEqualTo(1);
        assertThat(manifests.get("tenants.hq").apiCalls() + manifests.get("tenants.branch").apiCalls()
                + manifests.get("tenants.school").apiCalls()).isEqualTo(companyA.calls() + companyB.calls());

        assertSameAsTheSourcesOwnRoute(exports, Sources.FEISHU, "hq", companyA);
        assertSameAsTheSourcesOwnRoute(exports, Sources.FEISHU, "branch", companyB);
        assertSameAsTheSourcesOwnRoute(exports, Sources.WECOM_SCHOOL, "school", companyB);
        try (Connection db = DriverManager.getConnection(Harness.databaseUrl(exports), "sa", "")) {
            assertThat(rows(db, "SELECT source || '/' || tenant || ':' || status FROM orgsync_run"))
                    .containsExactlyInAnyOrder("feishu/hq:success", "feishu/branch:success",
                            "wecom-school/school:success");
            Map<String, Long> members = counts(db, "SELECT source || '/' || tenant, COUNT(*) FROM orgsync_member "
                    + "WHERE deleted_at IS NULL GROUP BY source, tenant");
            assertThat(members).containsOnlyKeys("feishu/hq", "feishu/branch", "wecom-school/school");
            assertThat(members.get("feishu/hq")).isEqualTo(manifests.get("tenants.hq").members());
            assertThat(members.get("feishu/branch")).isEqualTo(manifests.get("tenants.branch").members());
            assertThat(members.get("wecom-school/school")).isEqualTo(manifests.get("tenants.school").members());
        }
        assertThat(Harness.members(Harness.latestRun(exports, "feishu", "hq")).stream().map(m -> m.id()).toList())
                .as("two different companies").doesNotContainAnyElementsOf(Harness.members(
                        Harness.latestRun(exports, "feishu", "branch")).stream().map(m -> m.id()).toList());
    }

    @Test
    void aRejectedSecretFailsItsTenantAloneAndNamesTheTenantsKey() throws Exception {
        Path exports = dir.resolve("exports");
        Map<String, String> overrides = tenants(exports);
        overrides.put("orgsync.tenants.branch.app-secret", "not-the-secret-of-branch");
        Map<String, OrgSyncApp.RunOutcome> outcomes = new java.util.LinkedHashMap<>();
        try (OrgSyncApp app = Harness.start(overrides)) {
            app.syncAll().forEach(outcome -> outcomes.put(outcome.configured(), outcome));
        }

        OrgSyncApp.RunOutcome branch = outcomes.get("tenants.branch");
        assertThat(branch.manifest().status()).isEqualTo(RunStatus.FAILED);
        assertThat(branch.misconfiguredKey()).isEqualTo("orgsync.tenants.branch.app-secret");
        assertThat(branch.manifest().error()).startsWith("orgsync.tenants.branch.app-secret: ")
                .doesNotContain("not-the-secret-of-branch");
        assertThat(outcomes.get("tenants.hq").manifest().status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(outcomes.get("tenants.school").manifest().status()).isEqualTo(RunStatus.SUCCESS);

        assertThat(exports.resolve("feishu").resolve("branch")).as("a failed run publishes nothing").doesNotExist();
        assertSameAsTheSourcesOwnRoute(exports, Sources.FEISHU, "hq", companyA);
        assertSameAsTheSourcesOwnRoute(exports, Sources.WECOM_SCHOOL, "school", companyB);
        try (Connection db = DriverManager.getConnection(Harness.databaseUrl(exports), "sa", "")) {
            assertThat(rows(db, "SELECT source || '/' || tenant || ':' || status FROM orgsync_run"))
                    .containsExactlyInAnyOrder("feishu/hq:success", "feishu/branch:failed",
                            "wecom-school/school:success");
            assertThat(counts(db, "SELECT source || '/' || tenant, COUNT(*) FROM orgsync_member GROUP BY source, tenant"))
                    .containsOnlyKeys("feishu/hq", "wecom-school/school");
        }
    }

    @Test
    void aRootOutsideTheVisibleRangeNamesTheTenantsOwnKey() {
        Map<String, String> overrides = tenants(dir.resolve("exports"));
        overrides.put("orgsync.tenants.school.root-department-id", "999999");
        Map<String, Manifest> manifests = runAll(overrides);
        assertThat(manifests.get("tenants.school").status()).isEqualTo(RunStatus.FAILED);
        assertThat(manifests.get("tenants.school").error()).contains("orgsync.tenants.school.root-department-id")
                .doesNotContain("orgsync.wecom-school.");
        assertThat(manifests.get("tenants.hq").status()).isEqualTo(RunStatus.SUCCESS);
    }

    @Test
    void aVendorThatIsDownFailsItsTenantAlone() {
        Path exports = dir.resolve("exports");
        Map<String, String> overrides = tenants(exports);
        // nothing listens there: the connection is refused on every retry
        overrides.put("orgsync.tenants.hq.base-url", "http://127.0.0.1:9");
        overrides.put("orgsync.http.max-retries", "1");
        Map<String, Manifest> manifests = runAll(overrides);
        assertThat(manifests.get("tenants.hq").status()).isEqualTo(RunStatus.FAILED);
        assertThat(manifests.get("tenants.branch").status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(manifests.get("tenants.school").status()).isEqualTo(RunStatus.SUCCESS);
        assertSameAsTheSourcesOwnRoute(exports, Sources.FEISHU, "branch", companyB);
    }

    @Test
    void eachTenantHasItsOwnRoutesFromItsSourcesTemplate() {
        try (OrgSyncApp app = Harness.start(tenants(dir.resolve("exports")))) {
            List<String> routes = app.context().getRoutes().stream().map(r -> r.getRouteId()).sorted().toList();
            assertThat(routes).contains("tenant-hq-sync", "tenant-hq-schedule", "tenant-branch-sync",
                    "tenant-branch-schedule", "tenant-school-sync", "tenant-school-schedule");
            for (String tenant : List.of("hq", "branch", "school")) {
                assertThat(app.context().getRoute("tenant-" + tenant + "-sync").getProperties())
                        .containsEntry(org.apache.camel.Route.TEMPLATE_PROPERTY, "true")
                        .containsEntry(org.apache.camel.Route.NODE_PREFIX_ID_PROPERTY, "tenant-" + tenant + "-");
            }
            // the feishu template's steps, once per Feishu tenant
            assertThat(app.context().getProcessor("tenant-hq-feishu-begin")).isNotNull();
            assertThat(app.context().getProcessor("tenant-branch-feishu-begin")).isNotNull();
            assertThat(app.context().getProcessor("tenant-school-wecom-school-class-split")).isNotNull();
            assertThat(app.context().getRoute("tenant-branch-schedule").getEndpoint().getEndpointUri())
                    .contains("orgsync/tenant-branch").contains("cron=0+30+3");
            assertThat(routes).as("no source of its own is enabled").doesNotContain("feishu-sync", "wecom-school-sync");
            // a client each (token cache and pacer): the vendors limit per app, not per host
            var registry = app.context().getRegistry();
            var hq = registry.lookupByNameAndType("tenants.hq.connection", io.orgsync.source.VendorConnection.class);
            var branch = registry.lookupByNameAndType("tenants.branch.connection", io.orgsync.source.VendorConnection.class);
            assertThat(hq).isNotNull();
            assertThat(branch).isNotNull();
            assertThat(hq).isNotSameAs(branch);
            assertThat(hq.source()).isEqualTo("tenants.hq");
        }
    }

    private static Map<String, Manifest> runAll(Map<String, String> overrides) {
        Map<String, Manifest> manifests = new java.util.LinkedHashMap<>();
        try (OrgSyncApp app = Harness.start(overrides)) {
            for (OrgSyncApp.RunOutcome outcome : app.syncAll()) {
                assertThat(outcome.exception()).isNull();
                manifests.put(outcome.configured(), outcome.manifest());
            }
        }
        return manifests;
    }

    /**
     * The tenant's published records equal what the source's own keys give for the same org and
     * tenant name, through the route every earlier version ran: complete, and nothing of another tenant.
     */
    private void assertSameAsTheSourcesOwnRoute(Path exports, SourceName source, String tenant, VendorSimulator org) {
        Path reference = dir.resolve("reference-" + source.id() + "-" + tenant);
        Map<String, String> overrides = new HashMap<>(Harness.overrides(org, reference, source));
        overrides.put(source.key("tenant"), tenant);
        Map<String, Manifest> expected = runAll(overrides);
        assertThat(expected.values()).allSatisfy(m -> assertThat(m.status()).isEqualTo(RunStatus.SUCCESS));

        Path expectedRun = Harness.latestRun(reference, source.id(), tenant);
        Path actualRun = Harness.latestRun(exports, source.id(), tenant);
        assertThat(Harness.departments(actualRun)).isNotEmpty()
                .containsExactlyInAnyOrderElementsOf(Harness.departments(expectedRun));
        assertThat(Harness.members(actualRun)).isNotEmpty()
                .containsExactlyInAnyOrderElementsOf(Harness.members(expectedRun));
        assertThat(Harness.members(actualRun)).allSatisfy(m -> assertThat(m.tenant()).isEqualTo(tenant));
    }

    private static List<String> rows(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            List<String> rows = new java.util.ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }

    private static Map<String, Long> counts(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            Map<String, Long> counts = new TreeMap<>();
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
            return counts;
        }
    }
}
