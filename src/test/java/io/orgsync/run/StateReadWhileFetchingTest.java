package io.orgsync.run;

import io.orgsync.Sources;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.simulator.CompanyShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run reads the previous run's state when it begins, while it fetches. Another process may
 * commit a run of the same tenant in the meantime; the run must then change nothing rather than
 * apply changes computed against a state that is no longer there.
 */
@Timeout(120)
class StateReadWhileFetchingTest {

    @TempDir
    Path exports;

    @Test
    void aRunWhoseStateMovedOnWhileItFetchedIsRefusedAndTheNextComparesWithTheNewerState() throws Exception {
        try (VendorSimulator simulator = VendorSimulator.start(
                SimulatorConfig.defaults().withCompany(new CompanyShape(4, 2, 40)))) {
            Map<String, String> overrides = Harness.overrides(simulator, exports, Sources.WECOM);
            try (OrgSyncApp slow = Harness.start(overrides); OrgSyncApp other = Harness.start(overrides)) {
                assertThat(slow.sync(Sources.WECOM).manifest().status()).isEqualTo(RunStatus.SUCCESS);

                // the slow process's next run stops once it has read the state, until the other has committed
                CountDownLatch held = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                holdOnceAfterTheStateIsRead(slow, held, release);
                CompletableFuture<OrgSyncApp.RunOutcome> stale =
                        CompletableFuture.supplyAsync(() -> slow.sync(Sources.WECOM));
                assertThat(held.await(60, TimeUnit.SECONDS)).as("the slow run read the state").isTrue();
                Manifest newer = other.sync(Sources.WECOM).manifest();
                release.countDown();
                Manifest refused = stale.get().manifest();

                assertThat(newer.status()).isEqualTo(RunStatus.SUCCESS);
                assertThat(refused.status()).isEqualTo(RunStatus.FAILED);
                assertThat(refused.error()).contains("reached the database after run " + refused.runId())
                        .contains(newer.runId());
                assertThat(Harness.readJson(exports.resolve("wecom").resolve(newer.tenant()).resolve("latest.json"))
                        .get("runId").asText()).isEqualTo(newer.runId());
                assertThat(lastRunId(newer.tenant())).isEqualTo(newer.runId());

                Manifest next = slow.sync(Sources.WECOM).manifest();
                assertThat(next.status()).isEqualTo(RunStatus.SUCCESS);
                assertThat(next.created() + next.updated() + next.deleted()).isZero();
            }
        }
    }

    /**
     * Makes the first run after this call wait, right after it began and its read of the previous
     * state has completed, until {@code release}: while it fetches, as far as the state is concerned.
     */
    private static void holdOnceAfterTheStateIsRead(OrgSyncApp app, CountDownLatch held, CountDownLatch release)
            throws Exception {
        AtomicBoolean first = new AtomicBoolean(true);
        AdviceWith.adviceWith(app.context(), "wecom-sync", route -> route.weaveById("wecom-begin").after()
                .process(exchange -> {
                    if (!first.compareAndSet(true, false)) {
                        return;
                    }
                    RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
                    Future<PreviousRun> reading = run.previousBeingRead();
                    if (reading != null) {
                        reading.get(60, TimeUnit.SECONDS);
                    }
                    held.countDown();
                    if (!release.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                }));
    }

    private String lastRunId(String tenant) throws Exception {
        try (Connection c = DriverManager.getConnection(Harness.databaseUrl(exports), "sa", "");
             PreparedStatement select = c.prepareStatement(
                     "SELECT last_run_id FROM orgsync_state WHERE source = 'wecom' AND tenant = ?")) {
            select.setString(1, tenant);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getString(1);
            }
        }
    }
}
