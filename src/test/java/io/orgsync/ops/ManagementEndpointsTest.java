package io.orgsync.ops;

import io.orgsync.Sources;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.ConfigurationException;
import io.orgsync.config.SourceName;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.Vendor;
import org.apache.camel.health.HealthCheck;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scheduled service as operators see it: Prometheus text and health over HTTP. */
class ManagementEndpointsTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path work;

    @Test
    void metricsCountRunsByStatusAndHealthIsUpOnTheManagementPort() throws Exception {
        int port = freePort();
        Map<String, String> overrides;
        try (VendorSimulator simulator = VendorSimulator.start(SimulatorConfig.defaults())) {
            overrides = new HashMap<>(Harness.overrides(simulator, work.resolve("exports"), Sources.WECOM_SCHOOL));
            overrides.put("orgsync.management.port", String.valueOf(port));
            try (OrgSyncApp app = OrgSyncApp.create(Path.of("application.properties"), Path.of("routes"), overrides,
                    false)) {
                app.start();
                String base = "http://127.0.0.1:" + port;

                HttpResponse<String> ready = get(base + "/observe/health/ready");
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
                assertThat(ready.body()).contains("\"UP\"").contains(StateHealthCheck.ID).contains("reachable");
                assertThat(get(base + "/observe/health/live").statusCode()).isEqualTo(200);

                var success = app.sync(Sources.WECOM_SCHOOL).manifest();
                assertThat(success.status()).isEqualTo(RunStatus.SUCCESS);
                String tenant = success.tenant();
                // details (data=true) name each source/tenant's last run
                ready = get(base + "/observe/health/ready?data=true");
                assertThat(ready.body()).contains("lastRun.wecom-school:" + tenant).contains("success at ");

                // retried transient faults are not rejections
                simulator.faults().failNext(Vendor.WECOM_SCHOOL, 2, 503);
                var retried = app.sync(Sources.WECOM_SCHOOL).manifest();
                simulator.faults().clear();
                assertThat(retried.status()).isEqualTo(RunStatus.SUCCESS);
                assertThat(retried.retries()).isEqualTo(2);
                String text = get(base + "/observe/metrics").body();
                assertThat(sample(text, "orgsync_vendor_rejections_total", "reason=\"rate_limited\"")).isZero();
                assertThat(sample(text, "orgsync_vendor_rejections_total", "reason=\"token_rejected\"")).isZero();
                assertThat(sample(text, "orgsync_vendor_api_retries_total", "source=\"wecom-school\"")).isEqualTo(2.0);

                // the vendor refuses: a revoked token, then its rate limit
                long refusedBefore = simulator.rejections();
                simulator.faults().invalidateTokens(Vendor.WECOM_SCHOOL).rateLimit(Vendor.WECOM_SCHOOL, 10);
                var refused = app.sync(Sources.WECOM_SCHOOL).manifest();
                simulator.faults().clear();
                assertThat(refused.status()).as(refused.error()).isEqualTo(RunStatus.SUCCESS);
                long rateLimited = simulator.rejections() - refusedBefore;
                assertThat(rateLimited).as("the vendor's limit was hit").isPositive();

                simulator.close();
                var failed = app.sync(Sources.WECOM_SCHOOL).manifest();
                assertThat(failed.status()).isEqualTo(RunStatus.FAILED);

                HttpResponse<String> metrics = get(base + "/observe/metrics");
                assertThat(metrics.statusCode()).isEqualTo(200);
                text = metrics.body();
                assertThat(sample(text, "orgsync_runs_total", "source=\"wecom-school\"", "status=\"success\"",
                        "tenant=\"" + tenant + "\"")).isEqualTo(3.0);
                assertThat(sample(text, "orgsync_runs_total", "source=\"wecom-school\"", "status=\"failed\""))
                        .isEqualTo(1.0);
                assertThat(sample(text, "orgsync_records_total", "kind=\"member\"")).isEqualTo(3.0 * success.members());
                assertThat(sample(text, "orgsync_vendor_api_calls_total", "source=\"wecom-school\""))
                        .isEqualTo(success.apiCalls() + retried.apiCalls() + refused.apiCalls() + failed.apiCalls());
                // one rejection counted per refusing answer the vendor sent, apart from the retries they caused
                assertThat(sample(text, "orgsync_vendor_rejections_total", "source=\"wecom-school\"",
                        "tenant=\"" + tenant + "\"", "reason=\"rate_limited\"")).isEqualTo(rateLimited);
                assertThat(sample(text, "orgsync_vendor_rejections_total", "reason=\"token_rejected\""))
                        .isGreaterThanOrEqualTo(1.0);
                assertThat(sample(text, "orgsync_vendor_api_retries_total", "source=\"wecom-school\""))
                        .isEqualTo(retried.retries() + refused.retries() + failed.retries());
                assertThat(sample(text, "orgsync_run_duration_seconds_count", "status=\"success\"")).isEqualTo(3.0);
                assertThat(sample(text, "orgsync_last_success_timestamp_seconds", "tenant=\"" + tenant + "\""))
                        .isPositive();
                // Camel's own route meters share the registry
                assertThat(text).contains("camel_exchanges_total");

                // a failed last run shows, but the process stays ready: another replica would fail alike
                ready = get(base + "/observe/health/ready?data=true");
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
                assertThat(ready.body()).contains(StateHealthCheck.ID).contains("lastRun.wecom-school:" + tenant)
                        .contains("failed at ").contains("1 of 1 last runs did not succeed");

                HttpResponse<String> health = get(base + "/observe/health");
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body()).contains("\"UP\"");
            }
        }
        assertThatThrownBy(() -> get("http://127.0.0.1:" + port + "/observe/health"))
                .as("the server stops with Camel").isInstanceOf(ConnectException.class);
    }

    @Test
    void aRunOnceNeverOpensTheManagementPort() throws Exception {
        int port = freePort();
        try (VendorSimulator simulator = VendorSimulator.start(SimulatorConfig.defaults())) {
            Map<String, String> overrides = new HashMap<>(
                    Harness.overrides(simulator, work.resolve("exports"), Sources.WECOM_SCHOOL));
            overrides.put("orgsync.management.port", String.valueOf(port));
            try (OrgSyncApp app = Harness.start(overrides)) {
                assertThatThrownBy(() -> get("http://127.0.0.1:" + port + "/observe/health"))
                        .isInstanceOf(ConnectException.class);
                assertThat(app.sync(Sources.WECOM_SCHOOL).manifest().status()).isEqualTo(RunStatus.SUCCESS);
            }
        }
    }

    @Test
    void aPortInUseIsAConfigurationErrorNamingTheKeyNotAServiceWithoutHealth() throws Exception {
        try (VendorSimulator simulator = VendorSimulator.start(SimulatorConfig.defaults());
             ServerSocket taken = new ServerSocket(0)) {
            Map<String, String> overrides = new HashMap<>(
                    Harness.overrides(simulator, work.resolve("exports"), Sources.WECOM_SCHOOL));
            overrides.put("orgsync.management.port", String.valueOf(taken.getLocalPort()));
            assertThatThrownBy(() -> OrgSyncApp.create(Path.of("application.properties"), Path.of("routes"),
                    overrides, false)).isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith(ManagementSettings.PORT_KEY + ": ");
            // a run-once never listens, so the same settings are fine there
            try (OrgSyncApp app = OrgSyncApp.create(Path.of("application.properties"), Path.of("routes"), overrides,
                    true)) {
                assertThat(app.runOnce()).isTrue();
            }
        }
    }

    @Test
    void aBadPortIsAConfigurationErrorNamingTheKey() {
        assertThatThrownBy(() -> ManagementSettings.load(key -> java.util.Optional.ofNullable(
                Map.of(ManagementSettings.PORT_KEY, "80a").get(key))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(ManagementSettings.PORT_KEY);
        assertThat(ManagementSettings.load(key -> java.util.Optional.empty()))
                .isEqualTo(new ManagementSettings(true, ManagementSettings.DEFAULT_PORT));
    }

    @Test
    void anUnreachableDatabaseMakesTheProcessUnreadyButNotDead() {
        org.h2.jdbcx.JdbcDataSource nowhere = new org.h2.jdbcx.JdbcDataSource();
        // nothing listens on port 1: the connection is refused at once
        nowhere.setURL("jdbc:h2:tcp://127.0.0.1:1/orgsync");
        StateHealthCheck check = new StateHealthCheck(nowhere);
        HealthCheck.Result result = check.call();
        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(result.getDetails()).containsEntry("database", "unreachable (SQLState 90067, JdbcSQLNonTransientConnectionException)");
        assertThat(check.isReadiness()).isTrue();
        assertThat(check.isLiveness()).as("a database outage must not restart every replica").isFalse();
    }

    /** The value of the one sample of {@code name} whose labels include all of {@code labels}. */
    static double sample(String prometheusText, String name, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(prometheusText);
        Double found = null;
        while (m.find()) {
            String labelText = m.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= labelText.contains(label);
            }
            if (all) {
                assertThat(found).as("more than one %s sample with %s", name, String.join(",", labels)).isNull();
                found = Double.parseDouble(m.group(2));
            }
        }
        assertThat(found).as("no %s sample with %s in:\n%s", name, String.join(",", labels), prometheusText).isNotNull();
        return found;
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
