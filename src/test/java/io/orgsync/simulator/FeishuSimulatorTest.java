package io.orgsync.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.orgsync.simulator.SimClient.query;
import static org.assertj.core.api.Assertions.assertThat;

class FeishuSimulatorTest {

    private static final String CHILDREN = "/open-apis/contact/v3/departments/%s/children";
    private static final String USERS = "/open-apis/contact/v3/users/find_by_department";
    private static final String TOKEN = "/open-apis/auth/v3/tenant_access_token/internal";

    private static VendorSimulator sim;
    private static SimClient client;

    @BeforeAll
    static void start() {
        // 180 departments: a recursive listing of the root spans four pages of 50
        sim = VendorSimulator.start(SimulatorConfig.defaults().withCompany(new CompanyShape(180, 7, 400)));
        client = new SimClient(sim);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    /** The next page's token, checking it is present exactly when has_more says so. */
    private static String nextToken(JsonNode data) {
        boolean more = data.get("has_more").asBoolean();
        assertThat(data.has("page_token")).as("page_token present iff has_more: %s", data).isEqualTo(more);
        return more ? data.get("page_token").asText() : null;
    }

    private static void assertError(SimClient.Resp r, int status, int code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("code").asInt()).as(r.body()).isEqualTo(code);
    }

    @Test
    void tenantTokenIsReusedUntilLessThanThirtyMinutesRemainAndOldOnesStayValid() {
        try (VendorSimulator own = VendorSimulator.start(SimulatorConfig.defaults())) {
            SimClient c = new SimClient(own);
            Credentials cred = own.credentials();
            JsonNode first = c.post(TOKEN, Map.of("app_id", cred.feishuAppId(), "app_secret", cred.feishuAppSecret())).json();
            assertThat(first.get("code").asInt()).isZero();
            assertThat(first.get("expire").asLong()).isBetween(7100L, 7200L);
            String t1 = first.get("tenant_access_token").asText();
            assertThat(c.feishuToken()).isEqualTo(t1);

            own.advanceTokenClock(Duration.ofMinutes(91));
            String t2 = c.feishuToken();
            assertThat(t2).isNotEqualTo(t1);
            assertThat(c.get(String.format(CHILDREN, "0"), "Authorization", "Bearer " + t1).status()).isEqualTo(200);

            own.advanceTokenClock(Duration.ofMinutes(30));
            assertError(c.get(String.format(CHILDREN, "0"), "Authorization", "Bearer " + t1), 400, 99991663);
            assertThat(c.get(String.format(CHILDREN, "0"), "Authorization", "Bearer " + t2).status()).isEqualTo(200);
        }
    }

    @Test
    void credentialAndTokenErrorsUseFeishuCodes() {
        Credentials cred = sim.credentials();
        assertError(client.post(TOKEN, Map.of("app_id", cred.feishuAppId(), "app_secret", "nope")), 400, 10014);
        assertError(client.post(TOKEN, Map.of("app_id", "cli_unknown", "app_secret", cred.feishuAppSecret())), 400, 10003);
        assertError(client.get(String.format(CHILDREN, "0")), 400, 99991661);
        assertError(client.get(String.format(CHILDREN, "0"), "Authorization", "Bearer t-g104bogus"), 400, 99991663);
        assertError(client.get(String.format(CHILDREN, "0"), "Authorization", "Bearer whatever"), 400, 99991671);
    }

    @Test
    void recursiveChildrenPageThroughTheWholeTreeWithStringOrders() {
        CompanyOrg truth = sim.company();
        String token = client.feishuToken();
        List<JsonNode> items = new ArrayList<>();
        String pageToken = null;
        int pages = 0;
        while (true) {
            JsonNode data = client.get(String.format(CHILDREN, "0") + query("fetch_child", true, "page_size", 50,
                    "page_token", pageToken), "Authorization", "Bearer " + token).json().get("data");
            pages++;
            data.get("items").forEach(items::add);
            if (!data.get("has_more").asBoolean()) {
                assertThat(data.has("page_token")).as("no page_token on the last page").isFalse();
                break;
            }
            assertThat(data.get("items")).hasSize(50);
            pageToken = data.get("page_token").asText();
            assertThat(pageToken).isNotEmpty();
            assertThat(pages).isLessThan(20);
        }
        assertThat(pages).isEqualTo(4);
        assertThat(items).hasSize(truth.departments().size() - 1);
        Set<String> openIds = new HashSet<>();
        for (JsonNode item : items) {
            assertThat(item.get("order").isTextual()).as("order is a string: %s", item).isTrue();
            assertThat(item.get("member_count").isInt()).isTrue();
            assertThat(item.get("status").get("is_deleted").asBoolean()).isFalse();
            CompanyOrg.Department d = truth.departmentByFeishuId(item.get("open_department_id").asText()).orElseThrow();
            assertThat(item.get("department_id").asText()).isEqualTo(d.feishuId());
            assertThat(item.get("name").asText()).isEqualTo(d.name());
            assertThat(item.get("parent_department_id").asText()).isEqualTo(d.feishuOpenParentId());
            assertThat(Long.parseLong(item.get("order").asText())).isEqualTo(d.order());
            openIds.add(d.feishuOpenId());
        }
        assertThat(openIds).hasSize(truth.departments().size() - 1);

        // default page size is 10; custom ids when asked for them
        JsonNode first = client.feishu(String.format(CHILDREN, "0"), "fetch_child", true, "department_id_type",
                "department_id").json().get("data");
        assertThat(first.get("items")).hasSize(10);
        assertThat(first.get("items").get(0).get("parent_department_id").asText()).isEqualTo("0");
        for (JsonNode item : first.get("items")) {
            assertThat(item.get("parent_department_id").asText()).matches("0|D\\d+");
        }
    }

    @Test
    void levelByLevelWalkFindsTheSameTree() {
        CompanyOrg truth = sim.company();
        String token = client.feishuToken();
        Map<String, String> parentOf = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of("0"));
        while (!queue.isEmpty()) {
            String id = queue.poll();
            String pageToken = null;
            do {
                JsonNode data = client.get(String.format(CHILDREN, id) + query("department_id_type", "department_id",
                        "page_size", 50, "page_token", pageToken), "Authorization", "Bearer " + token).json().get("data");
                for (JsonNode item : data.get("items")) {
                    parentOf.put(item.get("department_id").asText(), item.get("parent_department_id").asText());
                    queue.add(item.get("department_id").asText());
                }
                pageToken = nextToken(data);
                assertThat(parentOf.size()).isLessThan(10_000);
            } while (pageToken != null);
        }
        Map<String, String> expected = new HashMap<>();
        truth.departments().stream().filter(d -> !d.isRoot()).forEach(d -> expected.put(d.feishuId(), d.feishuParentId()));
        assertThat(parentOf).isEqualTo(expected);
    }

    @Test
    void invalidPagingAndIdsAreRejectedLikeTheVendor() {
        String auth = "Bearer " + client.feishuToken();
        assertError(client.get(String.format(CHILDREN, "0") + query("page_size", 51), "Authorization", auth), 400, 40011);
        assertError(client.get(String.format(CHILDREN, "0") + query("page_token", "bm9wZQ"), "Authorization", auth), 400, 40012);
        String usersToken = client.get(USERS + query("department_id", "0", "page_size", 1), "Authorization", auth)
                .json().get("data").get("page_token").asText();
        assertError(client.get(String.format(CHILDREN, "0") + query("page_token", usersToken), "Authorization", auth),
                400, 40012);
        // a token sent without URL-encoding loses its '+' to form decoding
        String childToken = client.get(String.format(CHILDREN, "0") + query("fetch_child", true, "page_size", 5),
                "Authorization", auth).json().get("data").get("page_token").asText();
        assertThat(childToken).contains("+");
        assertError(client.get(String.format(CHILDREN, "0") + "?fetch_child=true&page_size=5&page_token=" + childToken,
                "Authorization", auth), 400, 40012);
        assertThat(client.get(String.format(CHILDREN, "0") + query("fetch_child", true, "page_size", 5, "page_token",
                childToken), "Authorization", auth).status()).isEqualTo(200);

        assertError(client.get(String.format(CHILDREN, "od-00000000000000000000000000000000"), "Authorization", auth),
                400, 40008);
        // an id of the other type is unknown under the type asked for
        assertError(client.get(String.format(CHILDREN, "D3"), "Authorization", auth), 400, 40008);
        assertThat(client.get(String.format(CHILDREN, "D3") + query("department_id_type", "department_id"),
                "Authorization", auth).status()).isEqualTo(200);
        assertError(client.get(USERS, "Authorization", auth), 400, 99992402);
        assertError(client.get(USERS + query("department_id", "D99999", "department_id_type", "department_id"),
                "Authorization", auth), 400, 40008);
    }

    @Test
    void findByDepartmentListsDirectMembersPagedOncePerDepartment() {
        CompanyOrg truth = sim.company();
        String auth = "Bearer " + client.feishuToken();
        Map<String, Set<String>> departmentsOf = new HashMap<>();
        for (CompanyOrg.Department d : truth.departments()) {
            Set<String> got = new HashSet<>();
            String pageToken = null;
            do {
                JsonNode data = client.get(USERS + query("department_id", d.feishuOpenId(), "page_size", 7,
                        "user_id_type", "user_id", "page_token", pageToken), "Authorization", auth).json().get("data");
                for (JsonNode u : data.get("items")) {
                    assertThat(got.add(u.get("user_id").asText())).isTrue();
                    departmentsOf.computeIfAbsent(u.get("user_id").asText(), k -> new HashSet<>()).add(d.feishuOpenId());
                }
                pageToken = nextToken(data);
                assertThat(got.size()).isLessThan(10_000);
            } while (pageToken != null);
            Set<String> expected = new HashSet<>();
            truth.employees().stream().filter(e -> e.departmentIds().contains(d.id())).forEach(e -> expected.add(e.id()));
            assertThat(got).as("members of %s", d.feishuId()).isEqualTo(expected);
        }
        assertThat(departmentsOf).hasSize(truth.employeeCount());
        assertThat(departmentsOf.values()).anyMatch(s -> s.size() > 1);

        CompanyOrg.Employee e = truth.employees().stream().filter(x -> x.status() == 4).findFirst().orElseThrow();
        JsonNode wire = null;
        for (JsonNode u : client.get(USERS + query("department_id", truth.department(e.mainDepartment()).feishuOpenId(),
                "page_size", 50), "Authorization", auth).json().get("data").get("items")) {
            if (u.get("open_id").asText().equals(e.openId())) {
                wire = u;
            }
        }
        assertThat(wire).isNotNull();
        assertThat(wire.get("union_id").asText()).isEqualTo(e.unionId());
        assertThat(wire.get("user_id").asText()).isEqualTo(e.id());
        assertThat(wire.get("name").asText()).isEqualTo(e.name());
        assertThat(wire.get("status").get("is_activated").asBoolean()).isFalse();
        assertThat(wire.get("status").get("is_unjoin").asBoolean()).isTrue();
        assertThat(wire.get("department_ids")).hasSize(e.departmentIds().size());
        assertThat(wire.get("department_ids").get(0).asText()).isEqualTo(truth.department(e.mainDepartment()).feishuOpenId());
        assertThat(wire.get("orders").get(0).get("is_primary_dept").asBoolean()).isTrue();
        assertThat(wire.has("mobile") ? wire.get("mobile").asText() : null).isEqualTo(e.feishuMobile());

        JsonNode root = client.get("/open-apis/contact/v3/departments/0", "Authorization", auth).json()
                .get("data").get("department");
        assertThat(root.get("name").asText()).isEqualTo(truth.name());
        assertThat(root.get("member_count").asInt()).isEqualTo(truth.employeeCount());
    }
}
