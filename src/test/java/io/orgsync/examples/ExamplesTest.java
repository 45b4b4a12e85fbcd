package io.orgsync.examples;

import io.orgsync.OrgSyncApp;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.sink.webhook.Receiver;
import io.orgsync.testing.Harness;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each configuration in {@code examples/} runs as its comments say, as the whole configuration
 * ({@code --config}): only where it reaches the vendors, the database and the webhook receiver is
 * replaced, by the simulator, an embedded database and a real HTTP receiver. A key misspelt or
 * a value out of range in an example fails here as it would fail its user's first start.
 */
@Timeout(180)
class ExamplesTest {

    private static VendorSimulator simulator;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSimulator() {
        simulator = VendorSimulator.start(SimulatorConfig.defaults());
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @Test
    void manyTenantsSyncsBothCampusesAndTheHeadOffice() throws Exception {
        Path exports = dir.resolve("exports");
        Map<String, String> reach = new HashMap<>();
        reach.put("orgsync.file.dir", exports.toString());
        reach.put("orgsync.jdbc.url", Harness.databaseUrl(exports));
        // both campuses read the one simulated school; the head office its company, on Lark's path
        for (String campus : new String[]{"east-campus", "west-campus"}) {
            reach.put("orgsync.tenants." + campus + ".base-url", simulator.baseUrl());
            reach.put("orgsync.tenants." + campus + ".corp-id", simulator.credentials().wecomSchoolCorpId());
            reach.put("orgsync.tenants." + campus + ".corp-secret", simulator.credentials().wecomSchoolCorpSecret());
        }
        reach.put("orgsync.tenants.hq.base-url", simulator.baseUrl());
        reach.put("orgsync.tenants.hq.app-id", simulator.credentials().feishuAppId());
        reach.put("orgsync.tenants.hq.app-secret", simulator.credentials().feishuAppSecret());

        Map<String, Manifest> manifests = runAll(Path.of("examples/many-tenants.properties"), reach);

        assertThat(manifests.keySet()).containsExactly("tenants.east-campus", "tenants.west-campus", "tenants.hq");
        manifests.values().forEach(m -> assertThat(m.status()).as(m.error()).isEqualTo(RunStatus.SUCCESS));
        assertThat(manifests.get("tenants.hq").source()).isEqualTo("feishu");
        assertThat(manifests.get("tenants.hq").members()).isEqualTo(simulator.company().employees().size());
        assertThat(manifests.get("tenants.east-campus").members())
                .isGreaterThanOrEqualTo(simulator.school().students().size())
                .isEqualTo(manifests.get("tenants.west-campus").members());
        // user-id-type = user_id: the HR system's ids, not the app-scoped open ids
        assertThat(Harness.members(Harness.latestRun(exports, "feishu", "hq"))).extracting(m -> m.id())
                .containsExactlyInAnyOrderElementsOf(simulator.company().employees().stream()
                        .map(e -> e.id()).toList());
        try (Connection db = DriverManager.getConnection(Harness.databaseUrl(exports), "sa", "")) {
            assertThat(count(db, "SELECT COUNT(*) FROM orgsync_member WHERE deleted_at IS NULL"))
                    .isEqualTo(manifests.values().stream().mapToLong(Manifest::members).sum());
        }
    }

    @Test
    void postgresqlAppliesTheCorpToTheTablesAndSignsItsChangesToTheHrSystem() throws Exception {
        String secret = "whsec_" + Base64.getEncoder().encodeToString(
                "orgsync-examples-test-secret-001".getBytes(StandardCharsets.US_ASCII));
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
             Receiver hr = new Receiver(secret)) {
            Path exports = dir.resolve("exports");
            Map<String, String> reach = new HashMap<>();
            reach.put("orgsync.file.dir", exports.toString());
            reach.put("orgsync.jdbc.url", postgres.getJdbcUrl("postgres", "postgres"));
            reach.put("orgsync.jdbc.username", "postgres");
            reach.put("orgsync.jdbc.password", "");
            reach.put("orgsync.webhook.url", hr.url().toString());
            reach.put("orgsync.webhook.secret", secret);
            reach.put("orgsync.wecom.base-url", simulator.baseUrl());
            reach.put("orgsync.wecom.corp-id", simulator.credentials().wecomCorpId());
            reach.put("orgsync.wecom.corp-secret", simulator.credentials().wecomCorpSecret());
            // the schedule's service would also serve health and metrics: a free port on a shared machine
            reach.put("orgsync.management.port", "0");

            Map<String, Manifest> manifests = runAll(Path.of("examples/postgresql.properties"), reach);

            Manifest run = manifests.get("wecom");
            assertThat(manifests).containsOnlyKeys("wecom");
            assertThat(run.status()).as(run.error()).isEqualTo(RunStatus.SUCCESS);
            assertThat(run.members()).isEqualTo(simulator.company().employees().size());
            try (Connection db = postgres.getPostgresDatabase().getConnection()) {
                assertThat(count(db, "SELECT COUNT(*) FROM orgsync_member WHERE deleted_at IS NULL"))
                        .isEqualTo(run.members());
            }
            assertThat(hr.accepted()).extracting(Receiver.Request::type).contains("orgsync.run.completed");
        }
    }

    private static Map<String, Manifest> runAll(Path config, Map<String, String> reach) {
        Map<String, Manifest> manifests = new LinkedHashMap<>();
        try (OrgSyncApp app = OrgSyncApp.create(config, Path.of("routes"), reach, true)) {
            app.start();
            for (OrgSyncApp.RunOutcome outcome : app.syncAll()) {
                assertThat(outcome.exception()).isNull();
                manifests.put(outcome.configured(), outcome.manifest());
            }
        }
        return manifests;
    }

    private static long count(Connection db, String sql) throws Exception {
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
