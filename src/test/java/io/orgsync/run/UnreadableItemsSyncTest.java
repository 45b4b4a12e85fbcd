package io.orgsync.run;

import io.orgsync.Sources;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.simulator.CompanyOrg;
import io.orgsync.simulator.CompanyShape;
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
 * a department whose children are refused keeps its subtree, the manifest's warnings name the item
 * and why, and nothing is deleted.
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
        simulator = VendorSimulator.start(SimulatorConfig.defaults().withSchool(new SchoolShape(2, 2, 2, 3, 8))
                .withCompany(new CompanyShape(40, 4, 300)));
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

    /**
     * Feishu refuses the recursive listing (43010), and while the tree is walked level by level one
     * department's children answer 40004 (not in the app's scope): the departments last seen below
     * it, and the people last seen there, are carried forward; the department itself, read through
     * its parent, is published as read.
     */
    @Test
    void aFeishuDepartmentWhoseChildrenAreRefusedKeepsItsSubtree() throws IOException {
        CompanyOrg company = simulator.company();
        CompanyOrg.Department refused = company.departments().stream()
                .filter(d -> d.depth() == 1 && company.departments().stream().anyMatch(c -> c.parentId() == d.id()))
                .findFirst().orElseThrow();
        Set<Integer> below = new HashSet<>();
        for (boolean grew = true; grew; ) {
            grew = false;
            for (CompanyOrg.Department d : company.departments()) {
                if ((d.parentId() == refused.id() || below.contains(d.parentId())) && below.add(d.id())) {
                    grew = true;
                }
            }
        }
        assertThat(below).as("departments below the refused one").isNotEmpty();

        Manifest first = sync(Sources.FEISHU);
        Set<String> firstMembers = lines(first, "members.jsonl");
        Set<String> firstDepartments = lines(first, "departments.jsonl");

        simulator.faults().feishuRecursionForbidden();
        simulator.canned().answer("/open-apis/contact/v3/departments/" + refused.feishuOpenId() + "/children",
                Map.of(), 403, "{\"code\":40004,\"msg\":\"no dept authority error\"}");
        Manifest refusedRun = sync(Sources.FEISHU);

        assertThat(refusedRun.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(List.of(refusedRun.created(), refusedRun.updated(), refusedRun.deleted()))
                .as("created, updated, deleted").containsExactly(0L, 0L, 0L);
        assertThat(lines(refusedRun, "departments.jsonl")).isEqualTo(firstDepartments);
        assertThat(lines(refusedRun, "members.jsonl")).isEqualTo(firstMembers);
        assertThat(refusedRun.warnings()).anySatisfy(w -> assertThat(w).contains(refused.feishuOpenId())
                .contains("40004"));
        assertThat(refusedRun.warnings()).anySatisfy(w -> assertThat(w).contains("departments below")
                .contains(below.size() + " departments last published there carried forward"));
    }

    private Manifest sync() {
        return sync(Sources.WECOM_SCHOOL);
    }

    private Manifest sync(SourceName source) {
        Map<String, String> overrides = new HashMap<>(Harness.overrides(simulator, exports, source));
        overrides.put("orgsync.sinks", "file,jdbc");
        try (OrgSyncApp app = Harness.start(overrides)) {
            OrgSyncApp.RunOutcome outcome = app.sync(source);
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
