package io.orgsync.sink.file;

import io.orgsync.run.CommittedRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * At start, the exports are brought back to what the database records: run folders of runs it
 * does not know as successful go, and latest.json names the newest run left.
 */
class UncommittedRunsTest {

    private static final String FIRST = "20261120T020000000Z-aaaaaa";
    private static final String SECOND = "20261121T020000000Z-bbbbbb";
    private static final String LOST = "20261122T020000000Z-cccccc";

    @TempDir
    Path dir;

    @Test
    void aRunTheDatabaseLostGoesAndLatestFallsBackToTheNewestCommittedRun() throws Exception {
        Path tenant = dir.resolve("wecom-school/ww1");
        run(tenant, FIRST);
        run(tenant, SECOND);
        run(tenant, LOST);
        Files.writeString(tenant.resolve("latest.json"), manifest(LOST));
        Files.createDirectories(dir.resolve("dead-letter").resolve(LOST));

        UncommittedRuns.Removed removed = UncommittedRuns.reconcile(dir, committed(FIRST, SECOND));

        assertThat(removed.runs()).containsExactly("wecom-school/ww1/" + LOST);
        assertThat(tenant.resolve(LOST)).doesNotExist();
        assertThat(tenant.resolve(FIRST)).isDirectory();
        assertThat(Files.readString(tenant.resolve("latest.json"))).as("byte for byte the run's manifest")
                .isEqualTo(manifest(SECOND));
        assertThat(dir.resolve("dead-letter").resolve(LOST)).as("the outbox is the webhook sink's to check").exists();
        try (var left = Files.list(tenant)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(FIRST, SECOND,
                    "latest.json");
        }
    }

    @Test
    void aTenantWithNoCommittedRunLosesItsLatestJson() throws Exception {
        Path tenant = dir.resolve("feishu/t1");
        run(tenant, LOST);
        Files.writeString(tenant.resolve("latest.json"), manifest(LOST));

        UncommittedRuns.Removed removed = UncommittedRuns.reconcile(dir, CommittedRuns.NONE);

        assertThat(removed.runs()).containsExactly("feishu/t1/" + LOST);
        assertThat(removed.latest()).containsExactly("feishu/t1: " + LOST + " -> none");
        assertThat(tenant.resolve("latest.json")).doesNotExist();
    }

    @Test
    void latestJsonBehindANewerCommittedRunIsMovedForwardAndAgreeingExportsAreLeftAlone() throws Exception {
        Path tenant = dir.resolve("wecom/ww1");
        run(tenant, FIRST);
        run(tenant, SECOND);
        // killed between the rename of the run folder and the replacement of latest.json
        Files.writeString(tenant.resolve("latest.json"), manifest(FIRST));

        UncommittedRuns.Removed moved = UncommittedRuns.reconcile(dir, committed(FIRST, SECOND));
        assertThat(moved.runs()).isEmpty();
        assertThat(Files.readString(tenant.resolve("latest.json"))).isEqualTo(manifest(SECOND));

        UncommittedRuns.Removed again = UncommittedRuns.reconcile(dir, committed(FIRST, SECOND));
        assertThat(again.isEmpty()).isTrue();
    }

    private static CommittedRuns committed(String... runs) {
        Set<String> known = Set.of(runs);
        return ids -> ids.stream().filter(known::contains).collect(java.util.stream.Collectors.toSet());
    }

    private static void run(Path tenant, String runId) throws Exception {
        Path run = Files.createDirectories(tenant.resolve(runId));
        Files.writeString(run.resolve("manifest.json"), manifest(runId), StandardCharsets.UTF_8);
        Files.writeString(run.resolve("members.jsonl"), "");
    }

    private static String manifest(String runId) {
        return "{\"runId\":\"" + runId + "\",\"status\":\"success\"}";
    }
}
