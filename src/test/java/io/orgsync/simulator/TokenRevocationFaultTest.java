package io.orgsync.simulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.orgsync.simulator.SimClient.query;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link FaultInjector#revokeTokensEvery}: a vendor that keeps revoking its tokens after a few calls. */
class TokenRevocationFaultTest {

    private static final String SIMPLELIST = "/cgi-bin/department/simplelist";
    private static final String SCHOOL_DEPARTMENTS = "/cgi-bin/school/department/list";
    private static final String FEISHU_ROOT_CHILDREN = "/open-apis/contact/v3/departments/0/children";

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

    private static int wecom(String token) {
        SimClient.Resp r = client.get(SIMPLELIST + query("access_token", token));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("errcode").asInt();
    }

    private static int school(String token) {
        SimClient.Resp r = client.get(SCHOOL_DEPARTMENTS + query("access_token", token));
        return r.json().get("errcode").asInt();
    }

    /** Feishu's code, with the HTTP status it came with: 0 with 200, an error with 400. */
    private static int feishu(String token) {
        SimClient.Resp r = client.get(FEISHU_ROOT_CHILDREN, "Authorization", "Bearer " + token);
        int code = r.json().get("code").asInt();
        assertThat(r.status()).as(r.body()).isEqualTo(code == 0 ? 200 : 400);
        return code;
    }

    @Test
    void eachTokenServesTheGivenNumberOfCallsThenTheNextIsRefusedAndTheTokenStaysRevoked() {
        sim.faults().revokeTokensEvery(Vendor.WECOM, 2);
        String first = client.wecomToken();
        assertThat(List.of(wecom(first), wecom(first), wecom(first), wecom(first))).containsExactly(0, 0, 40014, 40014);
        assertThat(sim.faults().tokenRevocations(Vendor.WECOM)).isEqualTo(1);

        String second = client.wecomToken();
        assertThat(second).as("gettoken hands out a new token once the old one is revoked").isNotEqualTo(first);
        assertThat(List.of(wecom(second), wecom(second), wecom(second))).containsExactly(0, 0, 40014);
        assertThat(sim.faults().tokenRevocations(Vendor.WECOM)).isEqualTo(2);
        assertThat(sim.faults().tokenRevocations(Vendor.WECOM_SCHOOL)).isZero();
    }

    @Test
    void onlyTheNamedVendorsTokensAreCountedAndRevoked() {
        String schoolToken = client.schoolToken();
        String feishuToken = client.feishuToken();
        sim.faults().revokeTokensEvery(Vendor.FEISHU, 1);
        for (int i = 0; i < 3; i++) {
            assertThat(school(schoolToken)).isZero();
        }
        assertThat(feishu(feishuToken)).isZero();
        assertThat(feishu(feishuToken)).as("Feishu's own invalid-token answer").isEqualTo(99991663);
        String next = client.feishuToken();
        assertThat(next).as("a revoked tenant token is not handed out again").isNotEqualTo(feishuToken);
        assertThat(feishu(next)).isZero();
        assertThat(sim.faults().tokenRevocations(Vendor.FEISHU)).isEqualTo(1);
        assertThat(sim.faults().tokenRevocations(Vendor.WECOM_SCHOOL)).isZero();
    }

    @Test
    void zeroCallsRefusesEveryTokenOnItsFirstUse() {
        sim.faults().revokeTokensEvery(Vendor.WUHAN, 0);
        for (int i = 1; i <= 3; i++) {
            SimClient.Resp r = client.get("/user/openapi/org/get-org-info"
                    + query("org_id", sim.credentials().wuhanTopOrgId(), "accessToken", client.wuhanToken()));
            assertThat(r.json().get("code").asText()).isEqualTo("100001");
            assertThat(r.json().get("message").asText()).contains("accessToken");
            assertThat(sim.faults().tokenRevocations(Vendor.WUHAN)).isEqualTo(i);
        }
    }

    @Test
    void clearStopsRevokingKeepsTheCountAndSwitchingOnAgainCountsFromZero() {
        sim.faults().revokeTokensEvery(Vendor.WECOM, 0);
        assertThat(wecom(client.wecomToken())).isEqualTo(40014);
        sim.faults().clear();
        String token = client.wecomToken();
        for (int i = 0; i < 5; i++) {
            assertThat(wecom(token)).isZero();
        }
        assertThat(sim.faults().tokenRevocations(Vendor.WECOM)).isEqualTo(1);

        sim.faults().revokeTokensEvery(Vendor.WECOM, 1);
        assertThat(sim.faults().tokenRevocations(Vendor.WECOM)).isZero();
        assertThat(List.of(wecom(token), wecom(token))).containsExactly(0, 40014);
        assertThat(sim.faults().tokenRevocations(Vendor.WECOM)).isEqualTo(1);
    }

    @Test
    void callsInParallelWithOneTokenGetExactlyTheGivenNumberThroughAndRevokeItOnce() throws Exception {
        sim.faults().revokeTokensEvery(Vendor.WECOM, 3);
        String token = client.wecomToken();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                answers.add(pool.submit(() -> wecom(token)));
            }
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                codes.add(answer.get());
            }
            assertThat(codes).filteredOn(code -> code == 0).hasSize(3);
            assertThat(codes).filteredOn(code -> code == 40014).hasSize(13);
        } finally {
            pool.shutdownNow();
        }
        assertThat(sim.faults().tokenRevocations(Vendor.WECOM)).isEqualTo(1);
    }
}
