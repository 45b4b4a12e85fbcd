package io.orgsync.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.orgsync.simulator.SimClient.query;
import static org.assertj.core.api.Assertions.assertThat;

class WecomSimulatorTest {

    private static VendorSimulator sim;
    private static SimClient client;

    @BeforeAll
    static void start() {
        sim = VendorSimulator.start(SimulatorConfig.defaults());
        client = new SimClient(sim);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static int errcode(SimClient.Resp r) {
        assertThat(r.status()).as("WeCom answers errors with HTTP 200: %s", r.body()).isEqualTo(200);
        return r.json().get("errcode").asInt();
    }

    @Test
    void gettokenAnswersTheSameTokenAndTheVendorsCredentialErrors() {
        Credentials c = sim.credentials();
        JsonNode ok = client.get("/cgi-bin/gettoken" + query("corpid", c.wecomCorpId(), "corpsecret", c.wecomCorpSecret())).json();
        assertThat(ok.get("errcode").asInt()).isZero();
        assertThat(ok.get("errmsg").asText()).isEqualTo("ok");
        assertThat(ok.get("expires_in").isIntegralNumber()).isTrue();
        assertThat(ok.get("expires_in").asLong()).isBetween(7100L, 7200L);
        assertThat(client.wecomToken()).isEqualTo(ok.get("access_token").asText());
        assertThat(client.schoolToken()).isNotEqualTo(ok.get("access_token").asText());

        assertThat(errcode(client.get("/cgi-bin/gettoken" + query("corpid", "wwnope", "corpsecret", c.wecomCorpSecret()))))
                .isEqualTo(40013);
        assertThat(errcode(client.get("/cgi-bin/gettoken" + query("corpid", c.wecomCorpId(), "corpsecret", "wrong"))))
                .isEqualTo(40001);
        assertThat(errcode(client.get("/cgi-bin/gettoken" + query("corpsecret", "x")))).isEqualTo(41002);
        assertThat(errcode(client.get("/cgi-bin/gettoken" + query("corpid", c.wecomCorpId())))).isEqualTo(41004);
    }

    @Test
    void businessCallsCheckTokenPresenceValidityAndApp() {
        assertThat(errcode(client.get("/cgi-bin/department/list"))).isEqualTo(41001);
        assertThat(errcode(client.get("/cgi-bin/department/list" + query("access_token", "bogus")))).isEqualTo(40014);
        assertThat(errcode(client.get("/cgi-bin/department/list" + query("access_token", client.schoolToken()))))
                .isEqualTo(48002);
        assertThat(errcode(client.get("/cgi-bin/school/department/list" + query("access_token", client.wecomToken()))))
                .isEqualTo(48002);
        assertThat(errcode(client.get("/cgi-bin/department/list" + query("access_token", client.feishuToken()))))
                .isEqualTo(40014);
    }

    @Test
    void tokensExpireAfterTheirLifetimeWith42001() {
        try (VendorSimulator own = VendorSimulator.start(SimulatorConfig.defaults().withTokenLifetime(Duration.ofSeconds(600)))) {
            SimClient c = new SimClient(own);
            String token = c.wecomToken();
            assertThat(c.get("/cgi-bin/gettoken" + query("corpid", own.credentials().wecomCorpId(), "corpsecret",
                    own.credentials().wecomCorpSecret())).json().get("expires_in").asLong()).isBetween(590L, 600L);
            assertThat(errcode(c.get("/cgi-bin/department/simplelist" + query("access_token", token)))).isZero();
            own.advanceTokenClock(Duration.ofSeconds(601));
            assertThat(errcode(c.get("/cgi-bin/department/simplelist" + query("access_token", token)))).isEqualTo(42001);
            String fresh = c.wecomToken();
            assertThat(fresh).isNotEqualTo(token);
            assertThat(errcode(c.get("/cgi-bin/department/simplelist" + query("access_token", fresh)))).isZero();
        }
    }

    @Test
    void departmentListIsTheWholeTreeWithIntIdsAndRecursesFromAnId() {
        JsonNode body = client.wecom("/cgi-bin/department/list").json();
        assertThat(body.get("errcode").asInt()).isZero();
        JsonNode depts = body.get("department");
        CompanyOrg truth = sim.company();
        assertThat(depts).hasSize(truth.departments().size());
        Map<Integer, JsonNode> byId = new HashMap<>();
        for (JsonNode d : depts) {
            assertThat(d.get("id").isInt()).as("id is an int: %s", d).isTrue();
            assertThat(d.get("parentid").isInt()).isTrue();
            assertThat(d.get("order").isIntegralNumber()).isTrue();
            assertThat(d.get("name").isTextual()).isTrue();
            assertThat(d.get("name_en").isTextual()).isTrue();
            assertThat(d.get("department_leader").isArray()).isTrue();
            byId.put(d.get("id").asInt(), d);
        }
        assertThat(byId.get(1).get("parentid").asInt()).isZero();
        for (CompanyOrg.Department d : truth.departments()) {
            JsonNode wire = byId.get(d.id());
            assertThat(wire.get("name").asText()).isEqualTo(d.name());
            assertThat(wire.get("parentid").asInt()).isEqualTo(d.parentId());
            assertThat(wire.get("order").asLong()).isEqualTo(d.order());
        }
        // id = a mid-level department: itself and every descendant, nothing else
        CompanyOrg.Department mid = truth.departments().stream().filter(d -> d.depth() == 2).findFirst().orElseThrow();
        Set<Integer> expected = new HashSet<>();
        for (CompanyOrg.Department d : truth.departments()) {
            for (CompanyOrg.Department x = d; x != null; x = truth.department(x.parentId())) {
                if (x.id() == mid.id()) {
                    expected.add(d.id());
                }
            }
        }
        Set<Integer> got = new HashSet<>();
        client.wecom("/cgi-bin/department/list", "id", mid.id()).json().get("department")
                .forEach(d -> got.add(d.get("id").asInt()));
        assertThat(got).isEqualTo(expected).contains(mid.id());

        assertThat(errcode(client.wecom("/cgi-bin/department/list", "id", 4242))).isEqualTo(60003);
        assertThat(errcode(client.wecom("/cgi-bin/department/list", "id", "abc"))).isEqualTo(60123);
    }

    @Test
    void simplelistGivesIdsOnlyAndGetGivesOneDepartment() {
        JsonNode ids = client.wecom("/cgi-bin/department/simplelist").json().get("department_id");
        assertThat(ids).hasSize(sim.company().departments().size());
        JsonNode first = ids.get(0);
        List<String> fields = new ArrayList<>();
        first.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("id", "parentid", "order");

        CompanyOrg.Department d = sim.company().department(3);
        JsonNode one = client.wecom("/cgi-bin/department/get", "id", 3).json().get("department");
        assertThat(one.get("name").asText()).isEqualTo(d.name());
        assertThat(one.get("parentid").asInt()).isEqualTo(d.parentId());
        assertThat(errcode(client.wecom("/cgi-bin/department/get"))).isEqualTo(40058);
    }

    @Test
    void userListsGiveDirectMembersOnlyEvenWithFetchChild() {
        CompanyOrg truth = sim.company();
        Map<String, Set<Integer>> seen = new HashMap<>();
        for (CompanyOrg.Department d : truth.departments()) {
            Set<String> expected = new HashSet<>();
            for (CompanyOrg.Employee e : truth.employees()) {
                if (e.departmentIds().contains(d.id())) {
                    expected.add(e.id());
                }
            }
            Set<String> got = new HashSet<>();
            for (JsonNode u : client.wecom("/cgi-bin/user/simplelist", "department_id", d.id(), "fetch_child", 1)
                    .json().get("userlist")) {
                got.add(u.get("userid").asText());
                seen.computeIfAbsent(u.get("userid").asText(), k -> new HashSet<>()).add(d.id());
            }
            assertThat(got).as("direct members of %s", d.id()).isEqualTo(expected);
        }
        assertThat(seen).hasSize(truth.employeeCount());
        for (CompanyOrg.Employee e : truth.employees()) {
            assertThat(seen.get(e.id())).isEqualTo(Set.copyOf(e.departmentIds()));
        }

        CompanyOrg.Employee e = truth.employees().get(0);
        JsonNode users = client.wecom("/cgi-bin/user/list", "department_id", e.mainDepartment()).json().get("userlist");
        JsonNode wire = null;
        for (JsonNode u : users) {
            if (u.get("userid").asText().equals(e.id())) {
                wire = u;
            }
        }
        assertThat(wire).isNotNull();
        assertThat(wire.get("name").asText()).isEqualTo(e.name());
        assertThat(wire.get("status").asInt()).isEqualTo(e.status());
        assertThat(wire.get("main_department").asInt()).isEqualTo(e.mainDepartment());
        assertThat(wire.get("department").get(0).isInt()).isTrue();
        assertThat(wire.get("department")).hasSize(e.departmentIds().size());
        assertThat(wire.get("order")).hasSize(e.departmentIds().size());
        assertThat(wire.get("is_leader_in_dept")).hasSize(e.departmentIds().size());
        assertThat(wire.has("mobile")).isEqualTo(e.mobile() != null);
        assertThat(errcode(client.wecom("/cgi-bin/user/list"))).isEqualTo(40058);
        assertThat(errcode(client.wecom("/cgi-bin/user/list", "department_id", 777777))).isEqualTo(60003);
    }

    @Test
    void listIdPagesThroughEveryMembershipUntilTheCursorIsEmpty() {
        CompanyOrg truth = sim.company();
        Set<String> expected = new HashSet<>();
        truth.employees().forEach(e -> e.departmentIds().forEach(d -> expected.add(e.id() + "@" + d)));
        String token = client.wecomToken();
        long before = sim.calls("/cgi-bin/user/list_id");
        List<String> rows = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Map<String, Object> body = new HashMap<>();
            body.put("limit", 37);
            if (cursor != null) {
                body.put("cursor", cursor);
            }
            JsonNode page = client.post("/cgi-bin/user/list_id" + query("access_token", token), body).json();
            assertThat(page.get("errcode").asInt()).isZero();
            page.get("dept_user").forEach(r -> rows.add(r.get("userid").asText() + "@" + r.get("department").asInt()));
            cursor = page.get("next_cursor").asText();
            assertThat(++pages).isLessThan(100);
        } while (!cursor.isEmpty());
        assertThat(rows).hasSize(expected.size());
        assertThat(new HashSet<>(rows)).isEqualTo(expected);
        assertThat(pages).isEqualTo((expected.size() + 36) / 37);
        assertThat(sim.calls("/cgi-bin/user/list_id") - before).isEqualTo(pages);

        assertThat(errcode(client.post("/cgi-bin/user/list_id" + query("access_token", token), Map.of("limit", 0))))
                .isEqualTo(40058);
        assertThat(errcode(client.post("/cgi-bin/user/list_id" + query("access_token", token), Map.of("limit", 10001))))
                .isEqualTo(40058);
        assertThat(errcode(client.post("/cgi-bin/user/list_id" + query("access_token", token),
                Map.of("limit", 10, "cursor", "made-up")))).isEqualTo(40058);
        assertThat(errcode(client.get("/cgi-bin/user/list_id" + query("access_token", token)))).isEqualTo(43002);
    }

    @Test
    void schoolDepartmentListCarriesTypesGradeAndClassFieldsAndAdmins() {
        SchoolOrg truth = sim.school();
        JsonNode depts = client.wecom("/cgi-bin/school/department/list").json().get("departments");
        assertThat(depts).hasSize(truth.departments().size());
        for (JsonNode d : depts) {
            SchoolOrg.Department t = truth.department(d.get("id").asInt());
            assertThat(d.get("id").isInt()).isTrue();
            assertThat(d.get("parentid").asInt()).isEqualTo(t.parentId());
            assertThat(d.get("name").asText()).isEqualTo(t.name());
            assertThat(d.get("type").asInt()).isEqualTo(t.type()).isBetween(1, 5);
            assertThat(d.has("order")).isEqualTo(t.order() != null);
            assertThat(d.has("register_year")).isEqualTo(t.type() == SchoolOrg.TYPE_GRADE);
            assertThat(d.has("is_graduated")).isEqualTo(t.type() == SchoolOrg.TYPE_GRADE);
            assertThat(d.has("open_group_chat")).isEqualTo(t.type() == SchoolOrg.TYPE_CLASS);
            assertThat(d.get("department_admins")).hasSize(t.admins().size());
            for (int i = 0; i < t.admins().size(); i++) {
                JsonNode a = d.get("department_admins").get(i);
                assertThat(a.get("userid").asText()).isEqualTo(t.admins().get(i).userId());
                assertThat(a.get("type").asInt()).isEqualTo(t.admins().get(i).type());
                assertThat(a.has("subject")).isEqualTo(t.admins().get(i).subject() != null);
            }
        }
        assertThat(depts.get(0).get("id").asInt()).isEqualTo(1);
        assertThat(depts.get(0).get("parentid").asInt()).isZero();
        assertThat(depts.get(0).get("type").asInt()).isEqualTo(5);
        SchoolOrg.Department grade = truth.departments().stream().filter(d -> d.type() == 2).findFirst().orElseThrow();
        JsonNode sub = client.wecom("/cgi-bin/school/department/list", "id", grade.id()).json().get("departments");
        assertThat(sub).hasSize(1 + sim.config().school().classesPerGrade() + 1);
        assertThat(errcode(client.wecom("/cgi-bin/school/department/list", "id", 5000))).isEqualTo(60003);
    }

    @Test
    void schoolUserListIsPerClassAndNotRecursive() {
        SchoolOrg truth = sim.school();
        Map<String, Set<Integer>> classesSeen = new HashMap<>();
        for (SchoolOrg.Department d : truth.departments()) {
            JsonNode students = client.wecom("/cgi-bin/school/user/list", "department_id", d.id()).json().get("students");
            if (d.type() != SchoolOrg.TYPE_CLASS) {
                assertThat(students).as("no students directly in %s", d.name()).isEmpty();
                continue;
            }
            for (JsonNode s : students) {
                String id = s.get("student_userid").asText();
                classesSeen.computeIfAbsent(id, k -> new HashSet<>()).add(d.id());
                SchoolOrg.Student t = truth.student(id);
                assertThat(s.get("name").asText()).isEqualTo(t.name());
                List<Integer> wireClasses = new ArrayList<>();
                s.get("department").forEach(c -> wireClasses.add(c.asInt()));
                assertThat(wireClasses).isEqualTo(t.classIds());
                assertThat(s.get("parents")).hasSize(t.parents().size());
                for (int i = 0; i < t.parents().size(); i++) {
                    JsonNode p = s.get("parents").get(i);
                    SchoolOrg.StudentParent tp = t.parents().get(i);
                    assertThat(p.get("parent_userid").asText()).isEqualTo(tp.parentId());
                    assertThat(p.get("relation").asText()).isEqualTo(tp.relation());
                    assertThat(p.get("is_subscribe").asInt()).isEqualTo(tp.isSubscribe());
                    assertThat(p.has("external_userid")).isEqualTo(tp.isSubscribe() == 1);
                    assertThat(p.has("mobile") ? p.get("mobile").asText() : null).isEqualTo(tp.mobile());
                }
            }
        }
        assertThat(classesSeen).hasSize(truth.studentCount());
        for (SchoolOrg.Student s : truth.students()) {
            assertThat(classesSeen.get(s.id())).isEqualTo(Set.copyOf(s.classIds()));
        }
        assertThat(errcode(client.wecom("/cgi-bin/school/user/list"))).isEqualTo(40058);
        assertThat(errcode(client.wecom("/cgi-bin/school/user/list", "department_id", 99999))).isEqualTo(60003);
    }

    @Test
    void listParentGivesEachParentOfTheClassWithAllChildren() {
        SchoolOrg truth = sim.school();
        SchoolOrg.Student sibling = truth.students().stream()
                .filter(s -> truth.parent(s.parents().get(0).parentId()).children().size() > 1).findFirst().orElseThrow();
        int classId = sibling.classIds().get(0);
        Set<String> expected = new HashSet<>();
        truth.students().stream().filter(s -> s.classIds().contains(classId))
                .forEach(s -> s.parents().forEach(p -> expected.add(p.parentId())));
        JsonNode parents = client.wecom("/cgi-bin/school/user/list_parent", "department_id", classId).json().get("parents");
        Set<String> got = new HashSet<>();
        for (JsonNode p : parents) {
            String id = p.get("parent_userid").asText();
            assertThat(got.add(id)).as("parent listed once: %s", id).isTrue();
            SchoolOrg.Parent t = truth.parent(id);
            assertThat(p.get("children")).hasSize(t.children().size());
            for (int i = 0; i < t.children().size(); i++) {
                assertThat(p.get("children").get(i).get("student_userid").asText()).isEqualTo(t.children().get(i).studentId());
                assertThat(p.get("children").get(i).get("relation").asText()).isEqualTo(t.children().get(i).relation());
            }
        }
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void awkwardNamesArriveIntactAsRawUtf8() {
        SchoolOrg truth = sim.school();
        SchoolOrg.Student rare = truth.students().stream()
                .filter(s -> s.name().codePoints().anyMatch(cp -> cp > 0xFFFF)).findFirst().orElseThrow();
        SimClient.Resp r = client.wecom("/cgi-bin/school/user/list", "department_id", rare.classIds().get(0));
        assertThat(r.body()).contains(rare.name()).doesNotContain("\\uD8");
        SchoolOrg.Student newline = truth.students().stream().filter(s -> s.name().contains("\n")).findFirst().orElseThrow();
        JsonNode students = client.wecom("/cgi-bin/school/user/list", "department_id", newline.classIds().get(0))
                .json().get("students");
        Set<String> names = new HashSet<>();
        students.forEach(s -> names.add(s.get("name").asText()));
        assertThat(names).contains(newline.name());
    }

    @Test
    void userSimplelistCanBeRefusedLikeTheDetailedListsLeavingOnlyTheIdApis() {
        try {
            sim.faults().wecomDepartmentListRefused().wecomUserSimplelistRefused();
            assertThat(errcode(client.wecom("/cgi-bin/user/simplelist", "department_id", 1))).isEqualTo(48009);
            assertThat(errcode(client.wecom("/cgi-bin/user/list", "department_id", 1))).isEqualTo(48009);
            assertThat(errcode(client.wecom("/cgi-bin/department/simplelist"))).isZero();
            assertThat(errcode(client.wecom("/cgi-bin/department/get", "id", 1))).isZero();
            assertThat(errcode(client.post("/cgi-bin/user/list_id" + query("access_token", client.wecomToken()),
                    Map.of("limit", 10)))).isZero();

            sim.faults().clear();
            assertThat(errcode(client.wecom("/cgi-bin/user/simplelist", "department_id", 1))).isZero();
        } finally {
            sim.faults().clear();
        }
    }
}
