package io.orgsync.run;

import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.simulator.SchoolOrg;
import io.orgsync.simulator.SchoolShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run deletes only what it could read: a class whose student listing the vendor refuses (WeCom
 * 60011, no privilege) keeps its students and their parents exactly as the last run published them,
 * the manifest's warnings name the class and why, and nothing is deleted.
 */
@Timeout(180)
class UnreadableItemsSyncTest {

    private static final String NO_PRIVILEGE = "{\"errcode\":60011,\"errmsg\":\"no privilege to access/modify "
            + "contact/party/agent , hint: [1733000000_1_abc], from ip: 1.2.3.4, more info at "
            + "https://open.work.weixin.qq.com/devtool/query?e=60011\"}";

    private VendorSimulator simulator;

    @TempDir
    Path exports;

    @BeforeEach
    void start() {
        simulator = VendorSimulator.start(SimulatorConfig.defaults().withSchool(new SchoolShape(2, 2, 2, 3, 8)));
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void aClassAnswering60011KeepsItsStudentsAndParentsAndIsNamedInTheWarnings() throws IOException {
        SchoolOrg school = simulator.school();
        // a class with a parent who also has a child elsewhere: that parent is read, and must keep the link
        int refused = -1;
        for (SchoolOrg.Parent parent : school.parents()) {
            Set<Integer> classes = new HashSet<>();
            parent.children().forEach(child -> classes.addAll(school.student(child.studentId()).classIds()));
            if (classes.size() > 1) {
                refused = classes.iterator().next();
                break;
            }
        }
        assertThat(refused).as("the generated school has a parent of children in two classes").isPositive();
        int refusedClass = refused;
        long studentsThere = school.students().stream().filter(s -> s.classIds().contains(refusedClass)).count();
        assertThat(studentsThere).as("students in the refused class").isPositive();

        Manifest first = sync();
        Set<String> firstMembers = lines(first, "members.jsonl");
        Set<String> firstDepartments = lines(first, "departments.jsonl");
        assertThat(firstMembers).hasSize((int) (school.studentCount() + school.parentCount()));

        simulator.canned().answer("/cgi-bin/school/user/list", Map.of("department_id", String.valueOf(refusedClass)),
                NO_PRIVILEGE);
        Manifest refusedRun = sync();

        assertThat(refusedRun.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(List.of(refusedRun.created(), refusedRun.updated(), refusedRun.deleted()))
                .as("created, updated, deleted").containsExactly(0L, 0L, 0L);
        assertThat(lines(refusedRun, "members.jsonl")).as("every member exactly as the last run published them")
                .isEqualTo(firstMembers);
        assertThat(lines(refusedRun, "departments.jsonl")).isEqualTo(firstDepartments);
        assertThat(refusedRun.warnings()).anySatisfy(w -> assertThat(w)
                .contains("/cgi-bin/school/user/list?department_id=" + refusedClass).contains("60011"));
        assertThat(refusedRun.warnings()).anySatisfy(w -> assertThat(w).contains("carried forward")
                .contains("(" + refusedClass + ")"));

        simulator.canned().clear();
        Manifest after = sync();
        assertThat(List.of(after.created(), after.updated(), after.deleted())).containsExactly(0L, 0L, 0L);
        assertThat(after.warnings()).isEmpty();
        assertThat(lines(after, "members.jsonl")).isEqualTo(firstMembers);
    }

    private Manifest sync() {
        Map<String, String> overrides = new HashMap<>(Harness.overrides(simulator, exports, SourceName.WECOM_SCHOOL));
        overrides.put("orgsync.sinks", "file,jdbc");
        try (OrgSyncApp app = Harness.start(overrides)) {
            OrgSyncApp.RunOutcome outcome = app.sync(SourceName.WECOM_SCHOOL);
            assertThat(outcome.exception()).isNull();
            return outcome.manifest();
        }
    }

    private Set<String> lines(Manifest manifest, String file) throws IOException {
        Path run = exports.resolve(manifest.source()).resolve(manifest.tenant()).resolve(manifest.runId());
        return new TreeSet<>(Files.readAllLines(run.resolve(file), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isEmpty()).toList());
    }
}
