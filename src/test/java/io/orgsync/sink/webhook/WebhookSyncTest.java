package io.orgsync.sink.webhook;

import io.orgsync.Sources;
import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.JdbcSettings;
import io.orgsync.sink.jdbc.Database;
import io.orgsync.sink.jdbc.JdbcStore;
import io.orgsync.config.SourceName;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.SchoolShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped routes with {@code orgsync.sinks=file,webhook}: a WeCom school sync from the
 * simulator delivered to a real receiver that checks signatures on its own.
 */
@Timeout(120)
class WebhookSyncTest {

    private static final int BATCH = 100;
    private static VendorSimulator simulator;

    @TempDir
    Path exports;
    private Receiver receiver;

    @BeforeAll
    static void startSimulator() {
        simulator = VendorSimulator.start(SimulatorConfig.defaults().withSchool(new SchoolShape(1, 2, 2, 2, 12)));
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = new Receiver(WebhookFixtures.SECRET);
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void aFirstRunDeliversEveryChangeInSignedBatchesThenTheCompletion() {
        Manifest manifest = sync();

        assertThat(manifest.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(manifest.deliveryFailures()).isZero();
        List<Receiver.Request> accepted = receiver.accepted();
        assertThat(receiver.requests()).allMatch(Receiver.Request::verified);
        assertThat(accepted.get(accepted.size() - 1).type()).isEqualTo("orgsync.run.completed");
        assertThat(accepted.get(accepted.size() - 1).json().path("manifest").path("runId").asText())
                .isEqualTo(manifest.runId());

        List<JsonNode> changes = new ArrayList<>();
        int seq = 0;
        for (Receiver.Request request : accepted.subList(0, accepted.size() - 1)) {
            JsonNode body = request.json();
            assertThat(body.path("type").asText()).isEqualTo("orgsync.changes");
            assertThat(body.path("seq").asInt()).isEqualTo(++seq);
            assertThat(body.path("source").asText()).isEqualTo("wecom-school");
            assertThat(body.path("changes").size()).isBetween(1, BATCH);
            body.path("changes").forEach(changes::add);
        }
        // the first run sends everything, and the receiver gets what changes.jsonl holds
        assertThat(changes).hasSize((int) (manifest.departments() + manifest.members()));
        assertThat(changes).allMatch(c -> c.path("op").asText().equals("create"));
        assertThat(changes).isEqualTo(Harness.changes(runDir(manifest)));
    }

    @Test
    void anUnchangedRunSendsOnlyTheCompletion() {
        sync();
        int before = receiver.accepted().size();

        Manifest second = sync();

        List<Receiver.Request> latest = receiver.accepted().subList(before, receiver.accepted().size());
        assertThat(latest).extracting(Receiver.Request::type).containsExactly("orgsync.run.completed");
        assertThat(second.created() + second.updated() + second.deleted()).isZero();
    }

    @Test
    void aReceiverDownForTheBudgetLeavesDeadLettersCountedEverywhereThenRedeliveryWithTheSameIds()
            throws Exception {
        receiver.thenAnswer(503, 1_000);

        Manifest manifest = sync(Map.of("orgsync.webhook.max-attempts", "2"));

        assertThat(manifest.status()).isEqualTo(RunStatus.SUCCESS);
        long expectedMessages = (manifest.departments() + manifest.members() + BATCH - 1) / BATCH + 1;
        assertThat(manifest.deliveryFailures()).isEqualTo(expectedMessages);
        Path tenantDir = exports.resolve("wecom-school").resolve(manifest.tenant());
        assertThat(Harness.readJson(tenantDir.resolve("latest.json")).path("deliveryFailures").asLong())
                .isEqualTo(expectedMessages);
        assertThat(Harness.readJson(runDir(manifest).resolve("manifest.json")).path("deliveryFailures").asLong())
                .isEqualTo(expectedMessages);
        assertThat(deliveryFailuresRow(manifest.runId())).isEqualTo(expectedMessages);
        Path deadLetters = WebhookDelivery.deadLetterRoot(exports);
        Set<String> deadIds = new HashSet<>();
        try (Stream<Path> files = Files.walk(deadLetters)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                String text = Files.readString(file);
                assertThat(text).doesNotContain(WebhookFixtures.SECRET);
                deadIds.add(Harness.readJson(file).path("headers").path("webhook-id").asText());
            }
        }
        assertThat(deadIds).hasSize((int) expectedMessages);

        receiver.recover();
        java.util.function.Function<String, Optional<String>> lookup = key -> Optional.ofNullable(overrides(Map.of()).get(key));
        int exit;
        try (JdbcStore database = new JdbcStore(Database.open(JdbcSettings.load(lookup)), java.time.Clock.systemUTC())) {
            exit = Redeliverer.run(deadLetters, lookup, database);
        }

        assertThat(exit).isZero();
        Set<String> redelivered = new HashSet<>();
        receiver.accepted().forEach(r -> redelivered.add(r.id()));
        assertThat(redelivered).isEqualTo(deadIds);
    }

    private Manifest sync() {
        return sync(Map.of());
    }

    private Manifest sync(Map<String, String> extra) {
        try (OrgSyncApp app = Harness.start(overrides(extra))) {
            OrgSyncApp.RunOutcome outcome = app.sync(Sources.WECOM_SCHOOL);
            assertThat(outcome.exception()).isNull();
            return outcome.manifest();
        }
    }

    private Map<String, String> overrides(Map<String, String> extra) {
        Map<String, String> overrides = Harness.overrides(simulator, exports, Sources.WECOM_SCHOOL);
        overrides.put("orgsync.sinks", "file,webhook");
        overrides.put("orgsync.webhook.url", receiver.url().toString());
        overrides.put("orgsync.webhook.secret", WebhookFixtures.SECRET);
        overrides.put("orgsync.webhook.batch-size", String.valueOf(BATCH));
        overrides.put("orgsync.webhook.retry-initial-delay-ms", "10");
        overrides.put("orgsync.webhook.retry-max-delay-ms", "20");
        overrides.putAll(extra);
        return overrides;
    }

    private long deliveryFailuresRow(String runId) throws Exception {
        try (Connection connection = DriverManager.getConnection(Harness.databaseUrl(exports), "sa", "");
             var statement = connection.prepareStatement(
                     "SELECT delivery_failures FROM orgsync_run WHERE run_id = ?")) {
            statement.setString(1, runId);
            try (ResultSet rows = statement.executeQuery()) {
                assertThat(rows.next()).isTrue();
                return rows.getLong(1);
            }
        }
    }

    private Path runDir(Manifest manifest) {
        return exports.resolve("wecom-school").resolve(manifest.tenant()).resolve(manifest.runId());
    }
}
