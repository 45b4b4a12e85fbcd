package io.orgsync.run;

import io.orgsync.Sources;
import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An app that sees part of the organisation (its visible range), as the vendors' own documented
 * example answers show it: WeCom's and WeCom school's department lists without the root department
 * 1, and Feishu's children page whose department hangs from a parent outside the answer. The
 * simulator serves those examples verbatim; the run succeeds and publishes a forest whose records
 * are written out here by hand.
 */
@Timeout(120)
class VisibleRangeSyncTest {

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
    void weComsDocumentedDepartmentListWithoutTheRootIsPublishedAsAForest() {
        simulator.canned()
                .answer("/cgi-bin/department/list", Map.of(), example("wecom/department-list.json"))
                .answer("/cgi-bin/user/list", Map.of("department_id", "2"), "{\"errcode\":0,\"errmsg\":\"ok\",\"userlist\":[]}")
                // a person the app sees in department 3 who also belongs to a department outside its range
                .answer("/cgi-bin/user/list", Map.of("department_id", "3"), "{\"errcode\":0,\"errmsg\":\"ok\",\"userlist\":["
                        + "{\"userid\":\"wangwu\",\"name\":\"王五\",\"department\":[3,99],\"status\":1}]}");

        Manifest manifest = sync(Sources.WECOM);

        assertThat(manifest.status()).isEqualTo(RunStatus.SUCCESS);
        Path run = Harness.latestRun(exports, "wecom", manifest.tenant());
        String tenant = manifest.tenant();
        assertThat(lines(run, "departments.jsonl")).containsExactly(
                "{\"kind\":\"department\",\"source\":\"wecom\",\"tenant\":\"" + tenant + "\",\"id\":\"2\",\"parentId\":null,"
                        + "\"name\":\"广州研发中心\",\"type\":\"department\",\"order\":10,\"path\":[\"2\"],"
                        + "\"attributes\":{\"name_en\":\"RDGZ\",\"vendorParentId\":\"1\"}}",
                "{\"kind\":\"department\",\"source\":\"wecom\",\"tenant\":\"" + tenant + "\",\"id\":\"3\",\"parentId\":\"2\","
                        + "\"name\":\"邮箱产品部\",\"type\":\"department\",\"order\":40,\"path\":[\"2\",\"3\"],"
                        + "\"attributes\":{\"name_en\":\"mail\"}}");
        Member wangwu = members(run).get("wangwu");
        assertThat(wangwu.departmentIds()).containsExactly("3");
        assertThat(wangwu.attributes().path("outOfScopeDepartmentIds").toString()).isEqualTo("[\"99\"]");
        assertPathRule(Harness.departments(run));
        assertThat(manifest.warnings()).anySatisfy(w -> assertThat(w)
                .contains("does not contain the root department 1").contains("1 tree(s)"));
    }

    @Test
    void weComSchoolsDocumentedListsArePublishedAsAForestWithTheStudentsAndParents() {
        simulator.canned()
                .answer("/cgi-bin/school/department/list", Map.of(), example("wecom-school/department-list.json"))
                .answer("/cgi-bin/school/user/list", Map.of("department_id", "3"), example("wecom-school/user-list.json"));

        Manifest manifest = sync(Sources.WECOM_SCHOOL);

        assertThat(manifest.status()).isEqualTo(RunStatus.SUCCESS);
        Path run = Harness.latestRun(exports, "wecom-school", manifest.tenant());
        Map<String, Department> departments = Harness.departments(run).stream()
                .collect(Collectors.toMap(Department::id, Function.identity()));
        assertThat(departments).containsOnlyKeys("2", "3");
        for (String id : List.of("2", "3")) {
            assertThat(departments.get(id).parentId()).as(id).isNull();
            assertThat(departments.get(id).path()).as(id).containsExactly(id);
            assertThat(departments.get(id).attributes().path("vendorParentId").asText()).as(id).isEqualTo("1");
        }
        assertThat(departments.get("3").attributes().path("admins").toString()).isEqualTo(
                "[{\"userId\":\"zhangsan\",\"type\":3,\"subject\":\"语文\"},{\"userId\":\"lisi\",\"type\":4,\"subject\":\"数学\"}]");
        assertPathRule(List.copyOf(departments.values()));

        // the example's students name classes 1, 2, 4 and 5; only 2 is published
        Map<String, Member> members = members(run);
        assertThat(members).containsOnlyKeys("zhangsan", "lisi", "zhangsan_parent1", "zhangsan_parent2",
                "lisi_parent1", "lisi_parent2");
        assertThat(members.get("zhangsan").departmentIds()).containsExactly("2");
        assertThat(members.get("zhangsan").attributes().path("outOfScopeDepartmentIds").toString()).isEqualTo("[\"1\"]");
        assertThat(members.get("lisi").departmentIds()).isEmpty();
        assertThat(members.get("lisi").attributes().path("outOfScopeDepartmentIds").toString()).isEqualTo("[\"4\",\"5\"]");
        assertThat(members.get("zhangsan_parent1").departmentIds()).containsExactly("2");
        assertThat(members.get("zhangsan_parent1").mobile()).isEqualTo("18000000001");
        assertThat(members.get("lisi_parent2").attributes().path("outOfScopeDepartmentIds").toString())
                .isEqualTo("[\"4\",\"5\"]");
        assertThat(manifest.warnings()).anySatisfy(w -> assertThat(w)
                .contains("does not contain the root department 1").contains("2 tree(s)").contains("2, 3"));
    }

    @Test
    void feishusDocumentedChildrenPageWithAParentOutsideTheAnswerIsPublishedAsASecondRoot() {
        JsonNode page = CanonicalJson.fromLine(example("feishu/children.json"), JsonNode.class);
        String token = page.path("data").path("page_token").asText();
        String children = "/open-apis/contact/v3/departments/0/children";
        Map<String, String> firstPage = new HashMap<>();
        firstPage.put("page_token", null);
        simulator.canned()
                .answer(children, firstPage, example("feishu/children.json"))
                .answer(children, Map.of("page_token", token),
                        "{\"code\":0,\"msg\":\"success\",\"data\":{\"has_more\":false,\"items\":[]}}")
                .answer("/open-apis/contact/v3/users/find_by_department", Map.of(),
                        "{\"code\":0,\"msg\":\"success\",\"data\":{\"has_more\":false,\"items\":[]}}");

        Manifest manifest = sync(Sources.FEISHU);

        assertThat(manifest.status()).isEqualTo(RunStatus.SUCCESS);
        Path run = Harness.latestRun(exports, "feishu", manifest.tenant());
        Map<String, Department> departments = Harness.departments(run).stream()
                .collect(Collectors.toMap(Department::id, Function.identity()));
        String demo = "od-4e6ac4d14bcd5071a37a39de902c7141";
        assertThat(departments).containsOnlyKeys("0", demo);
        assertThat(departments.get("0").parentId()).isNull();
        assertThat(departments.get(demo).parentId()).isNull();
        assertThat(departments.get(demo).path()).containsExactly(demo);
        assertThat(departments.get(demo).name()).isEqualTo("DemoName");
        assertThat(departments.get(demo).order()).isEqualTo(100L);
        assertThat(departments.get(demo).attributes().path("vendorParentId").asText()).isEqualTo("D067");
        assertThat(departments.get(demo).attributes().path("department_id").asText()).isEqualTo("D096");
        assertPathRule(List.copyOf(departments.values()));
        assertThat(manifest.warnings()).anySatisfy(w -> assertThat(w)
                .contains("whose parent the vendor did not list").contains(demo + " (parent D067)"));
    }

    /**
     * Every published path starts at a published department whose parentId is null, runs down
     * parent links to the department itself, and every non-null parentId names a published one.
     */
    static void assertPathRule(List<Department> departments) {
        Map<String, Department> byId = departments.stream().collect(Collectors.toMap(Department::id, Function.identity()));
        for (Department department : departments) {
            List<String> path = department.path();
            assertThat(path).as(department.id()).isNotEmpty();
            assertThat(path.get(path.size() - 1)).as(department.id()).isEqualTo(department.id());
            assertThat(byId.get(path.get(0))).as("the root of " + department.id()).isNotNull();
            assertThat(byId.get(path.get(0)).parentId()).as("the root of " + department.id()).isNull();
            if (department.parentId() != null) {
                assertThat(byId).as("parent of " + department.id()).containsKey(department.parentId());
                assertThat(path.get(path.size() - 2)).isEqualTo(department.parentId());
            } else {
                assertThat(path).as(department.id()).containsExactly(department.id());
            }
        }
    }

    private Manifest sync(SourceName source) {
        try (OrgSyncApp app = Harness.start(Harness.overrides(simulator, exports, source))) {
            OrgSyncApp.RunOutcome outcome = app.sync(source);
            assertThat(outcome.exception()).isNull();
            return outcome.manifest();
        }
    }

    private static Map<String, Member> members(Path run) {
        return Harness.members(run).stream().collect(Collectors.toMap(Member::id, Function.identity()));
    }

    private static List<String> lines(Path run, String file) {
        try {
            return java.nio.file.Files.readAllLines(run.resolve(file), StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String example(String name) {
        try (InputStream in = VisibleRangeSyncTest.class.getResourceAsStream("/vendor-examples/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no example " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
