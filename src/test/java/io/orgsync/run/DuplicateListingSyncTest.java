package io.orgsync.run;

import io.orgsync.Sources;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.model.Member;
import io.orgsync.model.Role;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Wuhan Education Cloud's own documented member list names one user id three times with three
 * names. The run merges them into one record, as it merges any repeat listing, and says so in the
 * manifest's warnings instead of keeping one name silently.
 */
@Timeout(120)
class DuplicateListingSyncTest {

    private VendorSimulator simulator;

    @TempDir
    Path exports;

    @BeforeEach
    void start() {
        simulator = VendorSimulator.start();
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void anIdListedThreeTimesInOneAnswerIsOneRecordAndAWarning() {
        simulator.canned()
                .answer("/user/openapi/user/get-org-member-simple-list", Map.of("page", "1"),
                        VisibleRangeSyncTest.example("wuhan-edu/member-list.json"))
                .answer("/user/openapi/user/get-org-parents-list", Map.of(), "{\"code\":\"000000\",\"message\":\"请求成功\","
                        + "\"result\":{\"page\":1,\"page_size\":100,\"count\":0,\"member_list\":[]}}");

        Manifest manifest;
        try (OrgSyncApp app = Harness.start(Harness.overrides(simulator, exports, Sources.WUHAN_EDU))) {
            OrgSyncApp.RunOutcome outcome = app.sync(Sources.WUHAN_EDU);
            assertThat(outcome.exception()).isNull();
            manifest = outcome.manifest();
        }

        assertThat(manifest.status()).isEqualTo(RunStatus.SUCCESS);
        List<Member> members = Harness.members(Harness.latestRun(exports, "wuhan-edu", manifest.tenant()));
        assertThat(members).singleElement().satisfies(member -> {
            assertThat(member.id()).isEqualTo("xxx");
            assertThat(member.role()).isEqualTo(Role.TEACHER);
            assertThat(member.name()).as("the first listing's name, as any merge keeps").isEqualTo("xxx");
            assertThat(member.attributes().path("student_staff_id").asText()).isEqualTo("xyxyxy");
        });
        assertThat(manifest.warnings()).anySatisfy(w -> assertThat(w)
                .contains("member list page 1").contains("teacher xxx twice with different name"));
    }
}
