package io.orgsync.hardening;

import io.orgsync.Sources;
import com.sun.net.httpserver.HttpServer;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.model.Member;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.CompanyOrg;
import io.orgsync.simulator.CompanyShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * orgsync.privacy.* through the shipped routes: what the exports, the database and the webhook
 * receive, and that change detection sees the same value (a second run changes nothing).
 */
@Timeout(120)
class PrivacySyncTest {

    private static final String HASH_KEY = "privacy-test-hash-key-0123456789";
    private static VendorSimulator simulator;
    private static CompanyOrg company;
    private static HttpServer receiver;
    private static final List<String> delivered = new CopyOnWriteArrayList<>();

    @TempDir
    Path exports;

    @BeforeAll
    static void start() throws Exception {
        simulator = VendorSimulator.start(SimulatorConfig.defaults().withCompany(new CompanyShape(10, 3, 80)));
        company = simulator.company();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            delivered.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stop() {
        receiver.stop(0);
        simulator.close();
    }

    @Test
    void maskedMobilesAndHashedEmailsAreAllAnySinkSeesAndASecondRunChangesNothing() throws Exception {
        delivered.clear();
        Map<String, String> settings = Map.of("orgsync.privacy.mobile", "masked", "orgsync.privacy.email", "hashed",
                "orgsync.privacy.hash-key", HASH_KEY);

        Manifest first = sync(settings);
        Manifest second = sync(settings);

        assertThat(first.status()).as(String.valueOf(first.error())).isEqualTo(RunStatus.SUCCESS);
        Map<String, Member> byId = Harness.members(Harness.latestRun(exports, "wecom", first.tenant())).stream()
                .collect(Collectors.toMap(Member::id, Function.identity()));
        int withMobile = 0;
        for (CompanyOrg.Employee e : company.employees()) {
            Member m = byId.get(e.id());
            if (e.mobile() != null && !e.mobile().isEmpty()) {
                withMobile++;
                assertThat(m.mobile()).isEqualTo(e.mobile().substring(0, 3) + "****"
                        + e.mobile().substring(e.mobile().length() - 4));
            }
            if (e.email() != null && !e.email().isEmpty()) {
                assertThat(m.email()).matches("hmac-sha256:[0-9a-f]{64}");
            }
        }
        assertThat(withMobile).isGreaterThan(50);
        assertThat(second.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(second.created() + second.updated() + second.deleted())
                .as("the same key gives the same values: nothing changed").isZero();
        assertThat(delivered).as("the webhook got the run").isNotEmpty();
        assertNoPlainValueAnywhere(first.tenant());
    }

    @Test
    void omittedLeavesNoMobileOrEmailAndSwitchingModesIsReportedAsUpdates() throws Exception {
        delivered.clear();
        Manifest plain = sync(Map.of());
        Manifest omitted = sync(Map.of("orgsync.privacy.mobile", "omitted", "orgsync.privacy.email", "omitted"));

        assertThat(plain.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(omitted.status()).as(String.valueOf(omitted.error())).isEqualTo(RunStatus.SUCCESS);
        List<Member> members = Harness.members(Harness.latestRun(exports, "wecom", omitted.tenant()));
        assertThat(members).allMatch(m -> m.mobile() == null && m.email() == null);
        long hadContact = company.employees().stream()
                .filter(e -> notEmpty(e.mobile()) || notEmpty(e.email())).count();
        assertThat(omitted.updated()).as("every member that had a mobile or email is updated once")
                .isEqualTo(hadContact);
        try (Connection c = DriverManager.getConnection(Harness.databaseUrl(exports), "sa", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM orgsync_member WHERE mobile IS NOT NULL "
                     + "OR email IS NOT NULL")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void aHashedModeWithoutAKeyNamesTheKeyToSet() {
        Map<String, String> overrides = overrides(Map.of("orgsync.privacy.mobile", "hashed"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Harness.start(overrides).close())
                .hasMessageContaining("orgsync.privacy.hash-key");
    }

    private void assertNoPlainValueAnywhere(String tenant) throws Exception {
        List<String> texts = new ArrayList<>(delivered);
        try (Stream<Path> files = Files.walk(exports)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                texts.add(Files.readString(f));
            }
        }
        try (Connection c = DriverManager.getConnection(Harness.databaseUrl(exports), "sa", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SCRIPT")) {
            StringBuilder dump = new StringBuilder();
            while (rs.next()) {
                dump.append(rs.getString(1)).append('\n');
            }
            texts.add(dump.toString());
        }
        String all = String.join("\n", texts);
        for (CompanyOrg.Employee e : company.employees()) {
            if (notEmpty(e.mobile())) {
                assertThat(all).as("plain mobile of " + e.id()).doesNotContain(e.mobile());
            }
            if (notEmpty(e.email())) {
                assertThat(all).as("plain email of " + e.id()).doesNotContain(e.email());
            }
        }
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    private Manifest sync(Map<String, String> extra) {
        try (OrgSyncApp app = Harness.start(overrides(extra))) {
            return app.sync(Sources.WECOM).manifest();
        }
    }

    private Map<String, String> overrides(Map<String, String> extra) {
        Map<String, String> overrides = new HashMap<>(Harness.overrides(simulator, exports, Sources.WECOM));
        overrides.put("orgsync.sinks", "file,jdbc,webhook");
        overrides.put("orgsync.webhook.url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
        overrides.put("orgsync.webhook.secret", "whsec_" + java.util.Base64.getEncoder()
                .encodeToString("privacy-test-webhook-secret-0001".getBytes(StandardCharsets.US_ASCII)));
        overrides.putAll(extra);
        return overrides;
    }
}
