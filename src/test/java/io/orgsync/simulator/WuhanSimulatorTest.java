package io.orgsync.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.orgsync.simulator.SimClient.query;
import static org.assertj.core.api.Assertions.assertThat;

class WuhanSimulatorTest {

    private static final String MEMBERS = "/user/openapi/user/get-org-member-simple-list";
    private static final String PARENTS = "/user/openapi/user/get-org-parents-list";
    private static final String CHILDREN = "/user/openapi/org-tree/get-child-list";
    private static final String INFO = "/user/openapi/org/get-org-info";

    private static VendorSimulator sim;
    private static SimClient client;

    @BeforeAll
    static void start() {
        // 720 students plus teachers: more than one page of 500
        sim = VendorSimulator.start(SimulatorConfig.defaults().withSchool(new SchoolShape(1, 2, 3, 4, 30)));
        client = new SimClient(sim);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static JsonNode result(SimClient.Resp r) {
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("code").asText()).as(r.body()).isEqualTo("000000");
        return body.get("result");
    }

    private static String failure(SimClient.Resp r) {
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("code").asText()).as(r.body()).isEqualTo("100001");
        assertThat(body.get("result").isNull()).isTrue();
        return body.get("message").asText();
    }

    @Test
    void tokenNeedsTheHmacOfAppIdKeyAndTimestampInEitherCase() {
        String key = sim.credentials().wuhanAppKey();
        long now = System.currentTimeMillis();
        JsonNode upper = client.wuhanTokenCall(key, now, true).json();
        assertThat(upper.get("retCode").asText()).isEqualTo("000000");
        JsonNode info = upper.get("tokenInfo");
        assertThat(info.get("accessToken").asText()).matches("[0-9a-f]{32}");
        assertThat(info.get("appId").asText()).isEqualTo(sim.credentials().wuhanAppId());
        assertThat(Long.parseLong(info.get("validTime").asText())).isGreaterThan(now / 1000 + 7000);
        assertThat(client.wuhanTokenCall(key, now, false).json().get("retCode").asText()).isEqualTo("000000");

        JsonNode wrongKey = client.wuhanTokenCall("not-the-key", now, true).json();
        assertThat(wrongKey.get("retCode").asText()).isNotEqualTo("000000");
        assertThat(wrongKey.get("tokenInfo").isNull()).isTrue();
        assertThat(client.wuhanTokenCall(key, now - Duration.ofMinutes(6).toMillis(), true).json().get("retCode").asText())
                .isNotEqualTo("000000");
        assertThat(client.post("/apigateway/getAccessToken", Map.of("appId", "x", "timeStamp", "1", "keyInfo", "y"))
                .json().get("retCode").asText()).isNotEqualTo("000000");
    }

    @Test
    void businessCallsRejectMissingInvalidAndExpiredTokensNamingAccessToken() {
        String top = sim.credentials().wuhanTopOrgId();
        assertThat(failure(client.get(INFO + query("org_id", top)))).contains("accessToken");
        assertThat(failure(client.get(INFO + query("org_id", top, "accessToken", "0123")))).contains("accessToken");
        try (VendorSimulator own = VendorSimulator.start(SimulatorConfig.defaults())) {
            SimClient c = new SimClient(own);
            String token = c.wuhanToken();
            String ownTop = own.credentials().wuhanTopOrgId();
            assertThat(result(c.get(INFO + query("org_id", ownTop, "accessToken", token)))).isNotNull();
            own.advanceTokenClock(Duration.ofHours(3));
            assertThat(failure(c.get(INFO + query("org_id", ownTop, "accessToken", token)))).contains("accessToken");
            assertThat(result(c.get(INFO + query("org_id", ownTop, "accessToken", c.wuhanToken())))).isNotNull();
        }
    }

    @Test
    void memberListPagesThroughTheSchoolWithStringUserTypesOrgsAndFamilies() {
        SchoolOrg truth = sim.school();
        Map<String, JsonNode> byId = new HashMap<>();
        long count = -1;
        int pages = 0;
        for (int page = 1; page < 100; page++) {
            JsonNode result = result(client.wuhan(MEMBERS, "top_org_id", truth.wuhanTopOrgId(), "user_type", "0,1",
                    "need_type", "dep,edu,family", "page", page, "page_size", 500));
            assertThat(result.get("page").asInt()).isEqualTo(page);
            assertThat(result.get("page_size").asInt()).isEqualTo(500);
            count = result.get("count").asLong();
            JsonNode list = result.get("member_list");
            if (list.isEmpty()) {
                break;
            }
            pages++;
            list.forEach(m -> assertThat(byId.put(m.get("user_id").asText(), m)).isNull());
            if ((long) page * 500 >= count) {
                break;
            }
        }
        assertThat(pages).isEqualTo(2);
        assertThat(count).isEqualTo(truth.studentCount() + truth.teacherCount()).isGreaterThan(500);
        assertThat(byId).hasSize((int) count);

        for (SchoolOrg.Student s : truth.students()) {
            JsonNode m = byId.get(s.wuhanId());
            assertThat(m.get("user_type").isTextual()).isTrue();
            assertThat(m.get("user_type").asText()).isEqualTo("0");
            assertThat(m.get("name").asText()).isEqualTo(s.name());
            Set<String> orgs = new HashSet<>();
            for (JsonNode o : m.get("user_org")) {
                assertThat(o.get("org_type").asText()).isEqualTo("7");
                orgs.add(o.get("org_id").asText());
            }
            assertThat(orgs).isEqualTo(Set.copyOf(s.wuhanClassIds()));
            assertThat(m.get("user_family")).hasSize(s.parents().size());
            for (int i = 0; i < s.parents().size(); i++) {
                assertThat(m.get("user_family").get(i).get("family_id").asText()).isEqualTo(s.parents().get(i).wuhanParentId());
                assertThat(m.get("user_family").get(i).get("family_name").asText())
                        .isEqualTo(s.parents().get(i).wuhanFamilyName());
            }
        }
        for (SchoolOrg.Teacher t : truth.teachers()) {
            JsonNode m = byId.get(t.wuhanId());
            assertThat(m.get("user_type").asText()).isEqualTo("1");
            Set<String> orgs = new HashSet<>();
            m.get("user_org").forEach(o -> orgs.add(o.get("org_id").asText()));
            assertThat(orgs).isEqualTo(Set.copyOf(t.wuhanOrgIds()));
        }
        // without need_type there are no org or family fields
        JsonNode plain = result(client.wuhan(MEMBERS, "top_org_id", truth.wuhanTopOrgId(), "user_type", "0",
                "page", 1, "page_size", 5)).get("member_list").get(0);
        assertThat(plain.has("user_org")).isFalse();
        assertThat(plain.has("user_family")).isFalse();
    }

    @Test
    void memberListScopesByClassSubtreeAndCampus() {
        SchoolOrg truth = sim.school();
        SchoolOrg.Department elective = truth.departments().stream()
                .filter(d -> d.type() == 1 && d.name().endsWith("选修班")).findFirst().orElseThrow();
        Set<String> expected = new HashSet<>();
        truth.students().stream().filter(s -> s.classIds().contains(elective.id())).forEach(s -> expected.add(s.wuhanId()));
        elective.admins().forEach(a -> expected.add(a.wuhanUserId()));
        assertThat(ids(result(client.wuhan(MEMBERS, "org_id", elective.wuhanId(), "page", 1, "page_size", 500))))
                .isEqualTo(expected);

        SchoolOrg.Department grade = truth.department(elective.parentId());
        Set<String> gradeExpected = new HashSet<>();
        truth.students().stream().filter(s -> truth.department(s.classIds().get(0)).parentId() == grade.id())
                .forEach(s -> gradeExpected.add(s.wuhanId()));
        truth.teachers().stream().filter(t -> t.departmentIds().stream()
                .anyMatch(id -> id == grade.id() || truth.department(id).parentId() == grade.id()))
                .forEach(t -> gradeExpected.add(t.wuhanId()));
        assertThat(ids(result(client.wuhan(MEMBERS, "org_id", grade.wuhanId(), "org_recursion", 1, "page", 1,
                "page_size", 500)))).isEqualTo(gradeExpected);
        // not recursive: only the grade head is attached to the grade node itself
        assertThat(ids(result(client.wuhan(MEMBERS, "org_id", grade.wuhanId(), "page", 1, "page_size", 500))))
                .containsExactly(grade.admins().get(0).wuhanUserId());

        SchoolOrg.Department campus = truth.departments().get(1);
        assertThat(result(client.wuhan(MEMBERS, "top_school_id", campus.wuhanId(), "user_type", 0, "page", 1,
                "page_size", 1)).get("count").asInt()).isEqualTo(truth.studentCount());
    }

    @Test
    void memberListValidatesLikeTheVendor() {
        String top = sim.credentials().wuhanTopOrgId();
        assertThat(failure(client.wuhan(MEMBERS, "top_org_id", top, "page", 1, "page_size", 501))).contains("page_size");
        assertThat(failure(client.wuhan(MEMBERS, "top_org_id", top, "page", 0, "page_size", 10))).contains("page");
        assertThat(failure(client.wuhan(MEMBERS, "top_org_id", top, "page_size", 10))).contains("page");
        assertThat(failure(client.wuhan(MEMBERS, "page", 1, "page_size", 10))).contains("top_org_id");
        failure(client.wuhan(MEMBERS, "top_org_id", "ffffffffffffffffffffffffffffffff", "page", 1, "page_size", 10));
        failure(client.wuhan(MEMBERS, "top_org_id", top, "user_type", "2", "page", 1, "page_size", 10));
        failure(client.wuhan(MEMBERS, "org_id", "0123456789abcdef0123456789abcdef", "page", 1, "page_size", 10));
    }

    @Test
    void parentsListPagesByAHundredWithNamesAndPhones() {
        SchoolOrg truth = sim.school();
        String token = client.wuhanToken();
        Map<String, JsonNode> byId = new HashMap<>();
        for (int page = 1; page < 100; page++) {
            JsonNode result = result(client.post(PARENTS + query("accessToken", token),
                    Map.of("top_org_id", truth.wuhanTopOrgId(), "page", page, "page_size", 100)));
            assertThat(result.get("count").asInt()).isEqualTo(truth.parentCount());
            result.get("member_list").forEach(m -> byId.put(m.get("user_id").asText(), m));
            if (result.get("member_list").size() < 100) {
                break;
            }
        }
        assertThat(byId).hasSize(truth.parentCount());
        for (SchoolOrg.Parent p : truth.parents()) {
            JsonNode m = byId.get(p.wuhanId());
            assertThat(m.get("user_type").isInt()).isTrue();
            assertThat(m.get("user_type").asInt()).isEqualTo(2);
            assertThat(m.get("name").asText()).isEqualTo(p.name());
            assertThat(m.get("phone").isNull() ? null : m.get("phone").asText()).isEqualTo(p.mobile());
        }
        SchoolOrg.Department cls = truth.departments().stream().filter(d -> d.type() == 1).findFirst().orElseThrow();
        Set<String> expected = new HashSet<>();
        truth.students().stream().filter(s -> s.classIds().contains(cls.id()))
                .forEach(s -> s.parents().forEach(p -> expected.add(p.wuhanParentId())));
        JsonNode one = result(client.post(PARENTS + query("accessToken", token),
                Map.of("top_org_id", truth.wuhanTopOrgId(), "org_id", List.of(cls.wuhanId()), "page", 1, "page_size", 100)));
        assertThat(ids(one)).isEqualTo(expected);
        failure(client.post(PARENTS + query("accessToken", token),
                Map.of("top_org_id", truth.wuhanTopOrgId(), "page", 1, "page_size", 101)));
        failure(client.post(PARENTS + query("accessToken", token), Map.of("page", 1, "page_size", 10)));
    }

    @Test
    void childListWalkRebuildsTheSchoolTreeAndOrgInfoNamesNodes() {
        SchoolOrg truth = sim.school();
        String token = client.wuhanToken();
        Map<String, String> parentOf = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(truth.wuhanTopOrgId()));
        while (!queue.isEmpty()) {
            String id = queue.poll();
            for (JsonNode n : result(client.get(CHILDREN + query("org_id", id, "accessToken", token)))) {
                String child = n.get("org_id").asText();
                SchoolOrg.Department d = truth.departmentByWuhanId(child).orElseThrow();
                assertThat(n.get("org_name").asText()).isEqualTo(d.name());
                assertThat(n.get("org_type").asInt()).isEqualTo(d.wuhanOrgType());
                assertThat(n.get("has_child").asBoolean()).isEqualTo(d.type() != 1);
                parentOf.put(child, id);
                queue.add(child);
            }
        }
        Map<String, String> expected = new HashMap<>();
        truth.departments().stream().filter(d -> !d.isRoot()).forEach(d -> expected.put(d.wuhanId(), d.wuhanParentId()));
        assertThat(parentOf).isEqualTo(expected);

        JsonNode info = result(client.get(INFO + query("org_id", truth.wuhanTopOrgId(), "accessToken", token)));
        assertThat(info.get("org_name").asText()).isEqualTo(truth.name());
        assertThat(info.get("org_type").asInt()).isEqualTo(2);
        assertThat(info.get("status").asInt()).isEqualTo(1);
        failure(client.get(INFO + query("org_id", "0123456789abcdef0123456789abcdef", "accessToken", token)));
        failure(client.get(CHILDREN + query("accessToken", token)));
    }

    private static Set<String> ids(JsonNode result) {
        Set<String> out = new HashSet<>();
        result.get("member_list").forEach(m -> out.add(m.get("user_id").asText()));
        assertThat(out).hasSize(result.get("member_list").size());
        return out;
    }
}
