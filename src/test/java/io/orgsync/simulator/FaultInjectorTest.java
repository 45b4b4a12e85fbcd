package io.orgsync.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.orgsync.simulator.SimClient.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultInjectorTest {

    private static final String SIMPLELIST = "/cgi-bin/department/simplelist";
    private static final String FEISHU_ROOT_CHILDREN = "/open-apis/contact/v3/departments/0/children";
    private static final String WUHAN_MEMBERS = "/user/openapi/user/get-org-member-simple-list";
    private static final String WUHAN_CHILDREN = "/user/openapi/org-tree/get-child-list";

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

    @AfterEach
    void clearFaults() {
        sim.faults().clear();
    }

    private static int errcode(SimClient.Resp r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("errcode").asInt();
    }

    private static SimClient.Resp wecomCall(String token) {
        return client.get(SIMPLELIST + query("access_token", token));
    }

    private static SimClient.Resp feishuCall(String token) {
        return client.get(FEISHU_ROOT_CHILDREN, "Authorization", "Bearer " + token);
    }

    private static SimClient.Resp wuhanCall(String token) {
        return client.get("/user/openapi/org/get-org-info" + query("org_id", sim.credentials().wuhanTopOrgId(),
                "accessToken", token));
    }

    private static String wuhanCode(SimClient.Resp r) {
        return r.json().get("code").asText();
    }

    @Test
    void invalidateTokensRevokesEveryIssuedTokenWithEachVendorsCode() {
        String wecom = client.wecomToken();
        String feishu = client.feishuToken();
        String wuhan = client.wuhanToken();
        sim.faults().invalidateTokens();
        assertThat(errcode(wecomCall(wecom))).isEqualTo(40014);
        SimClient.Resp fs = feishuCall(feishu);
        assertThat(fs.status()).isEqualTo(400);
        assertThat(fs.json().get("code").asInt()).isEqualTo(99991663);
        SimClient.Resp wh = wuhanCall(wuhan);
        assertThat(wuhanCode(wh)).isEqualTo("100001");
        assertThat(wh.json().get("message").asText()).contains("accessToken");

        String freshWecom = client.wecomToken();
        assertThat(freshWecom).isNotEqualTo(wecom);
        assertThat(errcode(wecomCall(freshWecom))).isZero();
        assertThat(feishuCall(client.feishuToken()).status()).isEqualTo(200);
        assertThat(wuhanCode(wuhanCall(client.wuhanToken()))).isEqualTo("000000");

        // per vendor: only Feishu's tokens go
        String wecomNow = client.wecomToken();
        String feishuNow = client.feishuToken();
        sim.faults().invalidateTokens(Vendor.FEISHU);
        assertThat(feishuCall(feishuNow).status()).isEqualTo(400);
        assertThat(errcode(wecomCall(wecomNow))).isZero();
        // clear() does not bring revoked tokens back
        sim.faults().clear();
        assertThat(feishuCall(feishuNow).status()).isEqualTo(400);
    }

    @Test
    void expireTokensAfterCallsLetsNCallsThroughThenAnswersExpired() {
        String wecom = client.wecomToken();
        sim.faults().expireTokensAfterCalls(2);
        assertThat(errcode(wecomCall(wecom))).isZero();
        assertThat(errcode(wecomCall(wecom))).isZero();
        assertThat(errcode(wecomCall(wecom))).isEqualTo(42001);
        assertThat(errcode(wecomCall(client.wecomToken()))).isZero();

        String feishu = client.feishuToken();
        String wecomAgain = client.wecomToken();
        sim.faults().expireTokensAfterCalls(Vendor.FEISHU, 0);
        assertThat(errcode(wecomCall(wecomAgain))).as("other vendors neither count nor expire").isZero();
        SimClient.Resp fs = feishuCall(feishu);
        assertThat(fs.status()).isEqualTo(400);
        assertThat(fs.json().get("code").asInt()).isEqualTo(99991663);
        assertThat(feishuCall(client.feishuToken()).status()).isEqualTo(200);

        String wuhan = client.wuhanToken();
        sim.faults().expireTokensAfterCalls(Vendor.WUHAN, 1);
        assertThat(wuhanCode(wuhanCall(wuhan))).isEqualTo("000000");
        SimClient.Resp wh = wuhanCall(wuhan);
        assertThat(wuhanCode(wh)).isEqualTo("100001");
        assertThat(wh.json().get("message").asText()).contains("accessToken");
    }

    @Test
    void rateLimitsAnswerWithEachVendorsOwnRefusalPerPath() {
        String wecom = client.wecomToken();
        String feishu = client.feishuToken();
        String wuhan = client.wuhanToken();
        long rejectedBefore = sim.rejections();
        sim.faults().rateLimit(Vendor.WECOM, 1).rateLimit(Vendor.FEISHU, 1).rateLimit(Vendor.WUHAN, 1);

        // one call a second: the next call to the same path is refused (how the window counts is
        // theWindowAdmitsTheLimitPerRollingSecondPerPath's business, on the simulator's clock)
        SimClient.Resp ws = untilRefused(() -> wecomCall(wecom), r -> errcode(r) != 0);
        assertThat(errcode(ws)).isEqualTo(45009);
        assertThat(errcode(client.get("/cgi-bin/department/list" + query("access_token", wecom))))
                .as("another API has its own window").isZero();

        SimClient.Resp limited = untilRefused(() -> feishuCall(feishu), r -> r.status() != 200);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().get("code").asInt()).isEqualTo(99991400);
        assertThat(limited.header("x-ogw-ratelimit-limit")).isEqualTo("1");
        assertThat(limited.header("x-ogw-ratelimit-reset")).isEqualTo("1");

        assertThat(untilRefused(() -> wuhanCall(wuhan), r -> r.status() != 200).status()).isEqualTo(429);
        assertThat(sim.rejections() - rejectedBefore).isEqualTo(3);
    }

    @Test
    void theWindowAdmitsTheLimitPerRollingSecondPerPath() {
        sim.faults().rateLimit(Vendor.WECOM, 3);
        long rejectedBefore = sim.rejections();
        long t = 5_000_000_000L;
        long ms = 1_000_000L;

        assertThat(sim.faults().admit(Vendor.WECOM, SIMPLELIST, t)).isNull();
        assertThat(sim.faults().admit(Vendor.WECOM, SIMPLELIST, t + ms)).isNull();
        assertThat(sim.faults().admit(Vendor.WECOM, SIMPLELIST, t + 2 * ms)).isNull();
        FaultInjector.Refusal refused = sim.faults().admit(Vendor.WECOM, SIMPLELIST, t + 400 * ms);
        assertThat(refused).isNotNull();
        assertThat(refused.limit()).isEqualTo(3);
        assertThat(refused.waitNanos()).as("until the first call's second is over").isEqualTo(600 * ms);
        assertThat(sim.faults().admit(Vendor.WECOM, "/cgi-bin/department/list", t + 400 * ms))
                .as("another API has its own window").isNull();
        assertThat(sim.faults().admit(Vendor.WECOM, SIMPLELIST, t + 999 * ms)).isNotNull();
        // the window rolls: a second after the first call, one more is admitted, and only one
        assertThat(sim.faults().admit(Vendor.WECOM, SIMPLELIST, t + 1000 * ms)).isNull();
        assertThat(sim.faults().admit(Vendor.WECOM, SIMPLELIST, t + 1000 * ms)).isNotNull();
        assertThat(sim.faults().admit(Vendor.WECOM, SIMPLELIST, t + 1001 * ms)).isNull();
        assertThat(sim.faults().admit(Vendor.FEISHU, SIMPLELIST, t)).as("a vendor without a limit").isNull();
        assertThat(sim.rejections() - rejectedBefore).as("refusals counted").isEqualTo(3);
    }

    @Test
    void rateLimitHoldsUnderParallelLoadAndEveryRequestIsCounted() throws Exception {
        String wecom = client.wecomToken();
        sim.faults().rateLimit(Vendor.WECOM, 20);
        long callsBefore = sim.calls(SIMPLELIST);
        long rejectedBefore = sim.rejections();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                results.add(pool.submit(() -> errcode(wecomCall(wecom))));
            }
            int admitted = 0;
            int refused = 0;
            for (Future<Integer> f : results) {
                int code = f.get();
                if (code == 0) {
                    admitted++;
                } else {
                    assertThat(code).isEqualTo(45009);
                    refused++;
                }
            }
            assertThat(admitted).isGreaterThanOrEqualTo(20);
            assertThat(sim.rejections() - rejectedBefore).isEqualTo(refused);
            assertThat(sim.calls(SIMPLELIST) - callsBefore).isEqualTo(120);

            // eight threads asking at one instant of the simulator's clock: exactly the limit gets in
            sim.faults().rateLimit(Vendor.WECOM, 20);
            long instant = 9_000_000_000L;
            List<Future<Boolean>> asked = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                asked.add(pool.submit(() -> sim.faults().admit(Vendor.WECOM, SIMPLELIST, instant) == null));
            }
            int in = 0;
            for (Future<Boolean> f : asked) {
                in += f.get() ? 1 : 0;
            }
            assertThat(in).isEqualTo(20);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Calls until the vendor refuses (at most 50 times): the refusal. */
    private static SimClient.Resp untilRefused(java.util.function.Supplier<SimClient.Resp> call,
                                               java.util.function.Predicate<SimClient.Resp> refused) {
        for (int i = 0; i < 50; i++) {
            SimClient.Resp r = call.get();
            if (refused.test(r)) {
                return r;
            }
        }
        throw new AssertionError("50 calls and none refused");
    }

    @Test
    void failNextAndFailAlwaysAnswerHttpErrorsWithGatewayPages() {
        String wecom = client.wecomToken();
        sim.faults().failNext(SIMPLELIST, 2, 503);
        for (int i = 0; i < 2; i++) {
            SimClient.Resp r = wecomCall(wecom);
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.contentType()).startsWith("text/html");
            assertThat(r.body()).contains("503");
        }
        assertThat(errcode(wecomCall(wecom))).isZero();

        String feishu = client.feishuToken();
        sim.faults().failAlways(VendorSimulator.FEISHU_CHILDREN, 500);
        for (int i = 0; i < 3; i++) {
            assertThat(feishuCall(feishu).status()).isEqualTo(500);
        }
        sim.faults().clear();
        assertThat(feishuCall(feishu).status()).isEqualTo(200);

        // a prefix pattern hits one vendor only
        sim.faults().failNext("/user/openapi/*", 1, 502);
        assertThat(errcode(wecomCall(wecom))).isZero();
        SimClient.Resp wh = wuhanCall(client.wuhanToken());
        assertThat(wh.status()).isEqualTo(502);
        assertThat(wh.body()).contains("502 Bad Gateway");
    }

    @Test
    void vendorTargetedFaultsHitOnlyThatApp() {
        String wecom = client.wecomToken();
        String school = client.schoolToken();
        sim.faults().failNext(Vendor.WECOM_SCHOOL, 1, 502).htmlErrorPage(Vendor.FEISHU, 1)
                .repeatPageToken(Vendor.WUHAN);
        assertThat(errcode(wecomCall(wecom))).isZero();
        assertThat(client.get("/cgi-bin/school/department/list" + query("access_token", school)).status()).isEqualTo(502);
        assertThat(errcode(client.get("/cgi-bin/school/department/list" + query("access_token", school)))).isZero();
        SimClient.Resp html = client.post("/open-apis/auth/v3/tenant_access_token/internal",
                Map.of("app_id", sim.credentials().feishuAppId(), "app_secret", sim.credentials().feishuAppSecret()));
        assertThat(html.status()).isEqualTo(200);
        assertThat(html.contentType()).startsWith("text/html");
        assertThat(feishuCall(client.feishuToken()).contentType()).startsWith("application/json");
        JsonNode result = client.wuhan(WUHAN_MEMBERS, "top_org_id", sim.credentials().wuhanTopOrgId(), "page", 99,
                "page_size", 10).json().get("result");
        assertThat(result.get("member_list")).hasSize(10);
    }

    @Test
    void wecomSystemBusyAnswersMinusOneForTheNextCalls() {
        String wecom = client.wecomToken();
        sim.faults().wecomSystemBusy(2);
        assertThat(errcode(wecomCall(wecom))).isEqualTo(-1);
        assertThat(errcode(client.wecom("/cgi-bin/school/department/list"))).isEqualTo(-1);
        assertThat(errcode(wecomCall(wecom))).isZero();
    }

    @Test
    void feishuInternalErrorAnswers40003ForTheNextCalls() {
        String token = client.feishuToken();
        sim.faults().feishuInternalError(1);
        SimClient.Resp failed = feishuCall(token);
        assertThat(failed.status()).isEqualTo(400);
        assertThat(failed.json().get("code").asInt()).isEqualTo(40003);
        assertThat(feishuCall(token).json().get("code").asInt()).isZero();
    }

    @Test
    void malformedAndHtmlBodiesReplaceTheAnswer() {
        String wecom = client.wecomToken();
        sim.faults().malformedBody(SIMPLELIST, 1);
        SimClient.Resp cut = wecomCall(wecom);
        assertThat(cut.status()).isEqualTo(200);
        assertThat(cut.contentType()).startsWith("application/json");
        assertThatThrownBy(cut::json).hasMessageContaining("not JSON");
        assertThat(errcode(wecomCall(wecom))).isZero();

        sim.faults().malformedBodyAlways(WUHAN_CHILDREN);
        String wuhan = client.wuhanToken();
        for (int i = 0; i < 2; i++) {
            SimClient.Resp r = client.get(WUHAN_CHILDREN + query("org_id", sim.credentials().wuhanTopOrgId(),
                    "accessToken", wuhan));
            assertThatThrownBy(r::json).hasMessageContaining("not JSON");
        }

        sim.faults().htmlErrorPage(FEISHU_ROOT_CHILDREN, 1);
        String feishu = client.feishuToken();
        SimClient.Resp html = feishuCall(feishu);
        assertThat(html.status()).isEqualTo(200);
        assertThat(html.contentType()).startsWith("text/html");
        assertThat(html.body()).startsWith("<!DOCTYPE html>");
        assertThat(feishuCall(feishu).contentType()).startsWith("application/json");
    }

    @Test
    void slowDelaysOnlyMatchingRequests() {
        String wecom = client.wecomToken();
        sim.faults().slow(SIMPLELIST, Duration.ofMillis(400));
        assertThat(sim.faults().delayNanos(SIMPLELIST, SIMPLELIST, Vendor.WECOM))
                .isEqualTo(Duration.ofMillis(400).toNanos());
        assertThat(sim.faults().delayNanos("/cgi-bin/department/list", "/cgi-bin/department/list", Vendor.WECOM))
                .isZero();
        // and a slowed request is answered as usual once its delay is over
        assertThat(errcode(wecomCall(wecom))).isZero();
        assertThat(errcode(client.get("/cgi-bin/department/list" + query("access_token", wecom)))).isZero();
    }

    @Test
    void departmentCycleAddsTwoDepartmentsPointingAtEachOther() {
        sim.faults().departmentCycle(Vendor.WECOM).departmentCycle(Vendor.WECOM_SCHOOL)
                .departmentCycle(Vendor.FEISHU).departmentCycle(Vendor.WUHAN);
        Map<Integer, Integer> parents = new HashMap<>();
        client.wecom("/cgi-bin/department/list").json().get("department")
                .forEach(d -> parents.put(d.get("id").asInt(), d.get("parentid").asInt()));
        assertThat(parents).containsEntry(FaultInjector.WECOM_CYCLE_A, FaultInjector.WECOM_CYCLE_B)
                .containsEntry(FaultInjector.WECOM_CYCLE_B, FaultInjector.WECOM_CYCLE_A);
        JsonNode sub = client.wecom("/cgi-bin/department/list", "id", FaultInjector.WECOM_CYCLE_A).json().get("department");
        assertThat(sub).hasSize(2);
        Map<Integer, Integer> schoolParents = new HashMap<>();
        client.wecom("/cgi-bin/school/department/list").json().get("departments")
                .forEach(d -> schoolParents.put(d.get("id").asInt(), d.get("parentid").asInt()));
        assertThat(schoolParents).containsEntry(FaultInjector.WECOM_CYCLE_B, FaultInjector.WECOM_CYCLE_A);

        String feishu = client.feishuToken();
        Map<String, String> fsParents = new HashMap<>();
        String pageToken = null;
        do {
            JsonNode data = client.get(FEISHU_ROOT_CHILDREN + query("fetch_child", true, "page_size", 50,
                    "department_id_type", "department_id", "page_token", pageToken), "Authorization", "Bearer " + feishu)
                    .json().get("data");
            data.get("items").forEach(i -> fsParents.put(i.get("department_id").asText(), i.get("parent_department_id").asText()));
            pageToken = data.get("has_more").asBoolean() ? data.get("page_token").asText() : null;
            assertThat(fsParents.size()).isLessThan(10_000);
        } while (pageToken != null);
        assertThat(fsParents).containsEntry(FaultInjector.FEISHU_CYCLE_A, FaultInjector.FEISHU_CYCLE_B)
                .containsEntry(FaultInjector.FEISHU_CYCLE_B, FaultInjector.FEISHU_CYCLE_A);
        JsonNode next = client.get("/open-apis/contact/v3/departments/od-" + FaultInjector.HEX_CYCLE_A + "/children",
                "Authorization", "Bearer " + feishu).json().get("data").get("items");
        assertThat(next).hasSize(1);
        assertThat(next.get(0).get("open_department_id").asText()).isEqualTo("od-" + FaultInjector.HEX_CYCLE_B);

        String wuhan = client.wuhanToken();
        Set<String> rootChildren = new HashSet<>();
        client.get(WUHAN_CHILDREN + query("org_id", sim.credentials().wuhanTopOrgId(), "accessToken", wuhan)).json()
                .get("result").forEach(n -> rootChildren.add(n.get("org_id").asText()));
        assertThat(rootChildren).contains(FaultInjector.HEX_CYCLE_A);
        assertThat(client.get(WUHAN_CHILDREN + query("org_id", FaultInjector.HEX_CYCLE_A, "accessToken", wuhan)).json()
                .get("result").get(0).get("org_id").asText()).isEqualTo(FaultInjector.HEX_CYCLE_B);
        assertThat(client.get(WUHAN_CHILDREN + query("org_id", FaultInjector.HEX_CYCLE_B, "accessToken", wuhan)).json()
                .get("result").get(0).get("org_id").asText()).isEqualTo(FaultInjector.HEX_CYCLE_A);

        sim.faults().clear();
        assertThat(errcode(client.wecom("/cgi-bin/department/list", "id", FaultInjector.WECOM_CYCLE_A))).isEqualTo(60003);
    }

    @Test
    void orphanDepartmentPointsAtAMissingParent() {
        sim.faults().orphanDepartment(Vendor.WECOM).orphanDepartment(Vendor.FEISHU).orphanDepartment(Vendor.WUHAN);
        Map<Integer, Integer> parents = new HashMap<>();
        client.wecom("/cgi-bin/department/simplelist").json().get("department_id")
                .forEach(d -> parents.put(d.get("id").asInt(), d.get("parentid").asInt()));
        assertThat(parents).containsEntry(FaultInjector.WECOM_ORPHAN, FaultInjector.WECOM_MISSING_PARENT)
                .doesNotContainKey(FaultInjector.WECOM_MISSING_PARENT);

        JsonNode items = client.feishu(FEISHU_ROOT_CHILDREN, "fetch_child", true, "page_size", 50).json().get("data").get("items");
        boolean found = false;
        for (JsonNode i : items) {
            if (i.get("open_department_id").asText().equals("od-" + FaultInjector.HEX_ORPHAN)) {
                assertThat(i.get("parent_department_id").asText()).isEqualTo("od-" + FaultInjector.HEX_MISSING_PARENT);
                found = true;
            }
        }
        assertThat(found).isTrue();

        SchoolOrg.Student first = sim.school().students().get(0);
        JsonNode member = client.wuhan(WUHAN_MEMBERS, "top_org_id", sim.credentials().wuhanTopOrgId(), "user_type", 0,
                "need_type", "edu", "page", 1, "page_size", 1).json().get("result").get("member_list").get(0);
        assertThat(member.get("user_id").asText()).isEqualTo(first.wuhanId());
        Set<String> orgs = new HashSet<>();
        member.get("user_org").forEach(o -> orgs.add(o.get("org_id").asText()));
        assertThat(orgs).contains(FaultInjector.HEX_ORPHAN).containsAll(first.wuhanClassIds());
        assertThat(client.wuhan("/user/openapi/org/get-org-info", "org_id", FaultInjector.HEX_ORPHAN).json()
                .get("code").asText()).isEqualTo("100001");
    }

    @Test
    void repeatPageTokenMakesPagingEndlessForEveryVendor() {
        sim.faults().repeatPageToken(VendorSimulator.FEISHU_CHILDREN).repeatPageToken(WUHAN_MEMBERS)
                .repeatPageToken("/cgi-bin/user/list_id");
        String feishu = client.feishuToken();
        JsonNode first = client.get(FEISHU_ROOT_CHILDREN + query("page_size", 50), "Authorization", "Bearer " + feishu)
                .json().get("data");
        assertThat(first.get("has_more").asBoolean()).isTrue();
        String token = first.get("page_token").asText();
        for (int i = 0; i < 3; i++) {
            JsonNode again = client.get(FEISHU_ROOT_CHILDREN + query("page_size", 50, "page_token", token),
                    "Authorization", "Bearer " + feishu).json().get("data");
            assertThat(again.get("has_more").asBoolean()).isTrue();
            assertThat(again.get("page_token").asText()).isEqualTo(token);
        }

        int members = sim.school().studentCount() + sim.school().teacherCount();
        int page = members / 100 + 5;
        JsonNode result = client.wuhan(WUHAN_MEMBERS, "top_org_id", sim.credentials().wuhanTopOrgId(), "page", page,
                "page_size", 100).json().get("result");
        assertThat(result.get("member_list")).hasSize(100);
        assertThat(result.get("count").asLong()).isGreaterThan((long) page * 100);

        String wecom = client.wecomToken();
        JsonNode firstIds = client.post("/cgi-bin/user/list_id" + query("access_token", wecom), Map.of("limit", 10)).json();
        String cursor = firstIds.get("next_cursor").asText();
        assertThat(cursor).isNotEmpty();
        JsonNode again = client.post("/cgi-bin/user/list_id" + query("access_token", wecom),
                Map.of("limit", 10, "cursor", cursor)).json();
        assertThat(again.get("next_cursor").asText()).isEqualTo(cursor);
    }

    @Test
    void vendorSpecificRefusalsAnswerTheirCodes() {
        sim.faults().feishuRecursionForbidden().wecomDepartmentListRefused().wuhanChildListUnavailable();
        SimClient.Resp recursive = client.feishu(FEISHU_ROOT_CHILDREN, "fetch_child", true);
        assertThat(recursive.status()).isEqualTo(400);
        assertThat(recursive.json().get("code").asInt()).isEqualTo(43010);
        assertThat(client.feishu(FEISHU_ROOT_CHILDREN, "fetch_child", false).status()).isEqualTo(200);

        assertThat(errcode(client.wecom("/cgi-bin/department/list"))).isEqualTo(48009);
        assertThat(errcode(client.wecom("/cgi-bin/user/list", "department_id", 1))).isEqualTo(48009);
        assertThat(errcode(client.wecom("/cgi-bin/department/simplelist"))).isZero();
        assertThat(errcode(client.wecom("/cgi-bin/user/simplelist", "department_id", 1))).isZero();

        JsonNode refused = client.wuhan(WUHAN_CHILDREN, "org_id", sim.credentials().wuhanTopOrgId()).json();
        assertThat(refused.get("code").asText()).isEqualTo("100001");
        assertThat(client.wuhan(WUHAN_MEMBERS, "top_org_id", sim.credentials().wuhanTopOrgId(), "page", 1,
                "page_size", 10).json().get("code").asText()).isEqualTo("000000");

        sim.faults().clear();
        assertThat(client.feishu(FEISHU_ROOT_CHILDREN, "fetch_child", true).status()).isEqualTo(200);
        assertThat(errcode(client.wecom("/cgi-bin/department/list"))).isZero();
        assertThat(client.wuhan(WUHAN_CHILDREN, "org_id", sim.credentials().wuhanTopOrgId()).json()
                .get("code").asText()).isEqualTo("000000");
    }

    @Test
    void everyRequestIsCountedAndLoggedIncludingTokenCallsAndFailures() {
        sim.resetCounters();
        assertThat(sim.calls()).isZero();
        assertThat(sim.requestLog()).isEmpty();
        String wecom = client.wecomToken();
        wecomCall(wecom);
        sim.faults().failNext(SIMPLELIST, 1, 500);
        wecomCall(wecom);
        client.get("/cgi-bin/no/such/api");
        String feishu = client.feishuToken();
        client.get("/open-apis/contact/v3/departments/D2/children" + query("department_id_type", "department_id"),
                "Authorization", "Bearer " + feishu);
        client.get("/open-apis/contact/v3/departments/D3/children" + query("department_id_type", "department_id"),
                "Authorization", "Bearer " + feishu);
        client.get("/nowhere");

        assertThat(sim.calls()).isEqualTo(8);
        assertThat(sim.calls("/cgi-bin/gettoken")).isEqualTo(1);
        assertThat(sim.calls(SIMPLELIST)).isEqualTo(2);
        assertThat(sim.calls(VendorSimulator.FEISHU_CHILDREN)).isEqualTo(2);
        assertThat(sim.calls("/open-apis/contact/v3/departments/D2/children")).isEqualTo(1);
        assertThat(sim.calls(Vendor.WECOM)).isEqualTo(4);
        assertThat(sim.calls(Vendor.FEISHU)).isEqualTo(3);
        List<LoggedRequest> log = sim.requestLog();
        assertThat(log).hasSize(8);
        assertThat(log).extracting(LoggedRequest::path).containsExactly("/cgi-bin/gettoken", SIMPLELIST, SIMPLELIST,
                "/cgi-bin/no/such/api", "/open-apis/auth/v3/tenant_access_token/internal",
                "/open-apis/contact/v3/departments/D2/children", "/open-apis/contact/v3/departments/D3/children",
                "/nowhere");
        assertThat(log.get(5).endpoint()).isEqualTo(VendorSimulator.FEISHU_CHILDREN);
        for (int i = 1; i < log.size(); i++) {
            assertThat(log.get(i).nanoTime()).isGreaterThanOrEqualTo(log.get(i - 1).nanoTime());
        }
        sim.resetCounters();
        assertThat(sim.calls(SIMPLELIST)).isZero();
    }
}
