package io.orgsync.source.wecom;

import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Member;
import io.orgsync.model.Status;
import io.orgsync.run.RunContext;
import io.orgsync.run.RunFailedException;
import io.orgsync.source.PageState;
import io.orgsync.source.VendorFailure;
import io.orgsync.source.wecom.WecomPlan.DepartmentMode;
import io.orgsync.source.wecom.WecomPlan.MemberMode;
import io.orgsync.BeanStep;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The mapping decisions the end-to-end tests cannot provoke through the simulator. */
class WecomNormaliserTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void close() throws Exception {
        camel.close();
    }

    @Test
    void statusOneAndUnknownValuesAreActiveTwoFourFiveInactiveAndTheRawValueIsKept() {
        Exchange exchange = begin(new WecomNormaliser("1", DepartmentMode.AUTO, MemberMode.AUTO));
        answer(exchange, """
                {"errcode":0,"userlist":[
                  {"userid":"a","name":"A","department":[1],"status":1,"mobile":"","email":" "},
                  {"userid":"b","name":"B","department":[1],"status":"2"},
                  {"userid":"c","name":"C","department":[1],"status":4},
                  {"userid":"d","name":"D","department":[1],"status":5},
                  {"userid":"e","name":"E","department":[1],"status":3},
                  {"userid":"f","name":"F","department":[1]}]}""");
        BeanStep.call(normaliser(exchange), "members", exchange);

        Map<String, Member> byId = members(exchange);
        assertThat(byId.get("a").status()).isEqualTo(Status.ACTIVE);
        assertThat(byId.get("a").mobile()).as("empty strings for apps created after 2022-06-20").isNull();
        assertThat(byId.get("a").email()).isNull();
        assertThat(byId.get("b").status()).isEqualTo(Status.INACTIVE);
        assertThat(byId.get("b").attributes().get("status").asText()).as("raw, as sent").isEqualTo("2");
        assertThat(byId.get("c").status()).isEqualTo(Status.INACTIVE);
        assertThat(byId.get("d").status()).isEqualTo(Status.INACTIVE);
        assertThat(byId.get("e").status()).isEqualTo(Status.ACTIVE);
        assertThat(byId.get("e").attributes().get("status").asInt()).isEqualTo(3);
        assertThat(byId.get("f").status()).isEqualTo(Status.ACTIVE);
        assertThat(byId.get("f").attributes().has("status")).isFalse();
    }

    @Test
    void aMemberListedAgainWithAnExtraDepartmentKeepsTheFirstArraysAlignedAndGainsTheDepartmentAfterThem() {
        Exchange exchange = begin(new WecomNormaliser("1", DepartmentMode.AUTO, MemberMode.AUTO));
        answer(exchange, """
                {"errcode":0,"userlist":[{"userid":"a","name":"A","department":[3,2],"order":[30,20],
                  "is_leader_in_dept":[0,1],"main_department":3,"status":1}]}""");
        BeanStep.call(normaliser(exchange), "members", exchange);
        // the member moved between the two calls: WeCom lists the new state in full
        answer(exchange, """
                {"errcode":0,"userlist":[{"userid":"a","name":"A","department":[2,7],"order":[20,70],
                  "is_leader_in_dept":[1,0],"main_department":2,"status":1}]}""");
        BeanStep.call(normaliser(exchange), "members", exchange);

        Member a = members(exchange).get("a");
        assertThat(a.departmentIds()).containsExactly("3", "2", "7");
        assertThat(a.attributes().get("order").toString()).isEqualTo("[30,20]");
        assertThat(a.attributes().get("is_leader_in_dept").toString()).isEqualTo("[0,1]");
        assertThat(a.attributes().get("main_department").asInt()).isEqualTo(3);
    }

    @Test
    void listIdRowsOutsideASubTreeRootAreLeftOutButAMembersOtherDepartmentsAreKept() {
        WecomNormaliser normaliser = new WecomNormaliser("5", DepartmentMode.SIMPLELIST, MemberMode.LIST_ID);
        Exchange exchange = begin(normaliser);
        assertThat(plan(exchange).getRootQueryId()).isEqualTo("5");
        answer(exchange, """
                {"errcode":0,"department_id":[{"id":5,"parentid":1,"order":1},{"id":6,"parentid":5,"order":1}]}""");
        assertThat(BeanStep.<List<String>>call(normaliser, "departmentIds", exchange)).containsExactly("5", "6");
        for (String id : List.of("5", "6")) {
            exchange.setProperty(WecomNormaliser.DEPARTMENT_PROPERTY, id);
            answer(exchange, "{\"errcode\":0,\"department\":{\"id\":" + id + ",\"name\":\"D" + id
                    + "\",\"parentid\":" + (id.equals("5") ? 1 : 5) + ",\"order\":1}}");
            BeanStep.call(normaliser, "department", exchange);
        }
        assertThat(BeanStep.<List<String>>call(normaliser, "tree", exchange)).containsExactly("5", "6");
        answer(exchange, """
                {"errcode":0,"userlist":[{"userid":"in","name":"Inside","department":[6,9],"open_userid":"wo1"}]}""");
        BeanStep.call(normaliser, "names", exchange);
        exchange.setProperty(PageState.PROPERTY, new PageState("wecom: user/list_id", 10));
        assertThat(BeanStep.<Object>call(normaliser, "listIdRequest", exchange)).isEqualTo(Map.of("limit", 10_000));
        answer(exchange, """
                {"errcode":0,"next_cursor":"c1","dept_user":[{"userid":"IN","department":6},
                  {"userid":"in","department":9},{"userid":"out","department":9}]}""");
        BeanStep.call(normaliser, "memberships", exchange);
        assertThat(BeanStep.<Object>call(normaliser, "listIdRequest", exchange)).isEqualTo(Map.of("cursor", "c1", "limit", 10_000));
        answer(exchange, """
                {"errcode":0,"next_cursor":"","dept_user":[{"userid":"late","department":5}]}""");
        BeanStep.call(normaliser, "memberships", exchange);
        assertThat(exchange.getProperty(PageState.PROPERTY, PageState.class).isMore()).isFalse();
        BeanStep.call(normaliser, "idMembers", exchange);

        Map<String, Member> byId = members(exchange);
        assertThat(byId).containsOnlyKeys("in", "late");
        assertThat(byId.get("in").departmentIds()).as("userids join case-insensitively").containsExactly("6", "9");
        assertThat(byId.get("in").name()).isEqualTo("Inside");
        assertThat(byId.get("in").attributes().get("open_userid").asText()).isEqualTo("wo1");
        assertThat(byId.get("late").name()).as("listed by user/list_id only").isNull();
        assertThat(byId.get("late").departmentIds()).containsExactly("5");
    }

    @Test
    void refusalsSwitchTheRunInAutoModeAndFailNamingTheKeyInForcedMode() {
        WecomNormaliser auto = new WecomNormaliser("1", DepartmentMode.AUTO, MemberMode.AUTO);
        Exchange exchange = begin(auto);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new ContactSyncRefused("wecom: GET x", "x", "errcode 48009"));
        BeanStep.call(auto, "departmentListRefused", exchange);
        BeanStep.call(auto, "userListRefused", exchange);
        assertThat(plan(exchange).isDepartmentsByIds()).isTrue();
        assertThat(plan(exchange).isMembersByIds()).isTrue();

        WecomNormaliser forced = new WecomNormaliser("1", DepartmentMode.LIST, MemberMode.LIST);
        Exchange strict = begin(forced);
        strict.setProperty(Exchange.EXCEPTION_CAUGHT, new ContactSyncRefused("wecom: GET x", "x", "errcode 48009"));
        assertThatThrownBy(() -> BeanStep.call(forced, "departmentListRefused", strict))
                .isInstanceOfSatisfying(VendorFailure.Misconfigured.class,
                        m -> assertThat(m.key()).isEqualTo("orgsync.wecom.department-mode"));
        assertThatThrownBy(() -> BeanStep.call(forced, "userListRefused", strict))
                .isInstanceOfSatisfying(VendorFailure.Misconfigured.class,
                        m -> assertThat(m.key()).isEqualTo("orgsync.wecom.member-mode"));
    }

    @Test
    void aListingWithoutTheVendorRootIsAVisibleRangeButAConfiguredRootMustBeVisible() {
        WecomNormaliser whole = new WecomNormaliser("1", DepartmentMode.AUTO, MemberMode.AUTO);
        Exchange exchange = begin(whole);
        answer(exchange, "{\"errcode\":0,\"department\":[{\"id\":5,\"name\":\"Sub\",\"parentid\":2,\"order\":1}]}");
        assertThat(BeanStep.<List<String>>call(whole, "departments", exchange)).as("the app's visible range: department 5 alone").containsExactly("5");

        exchange.getMessage().setBody(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
        exchange.setProperty(WecomNormaliser.DEPARTMENT_PROPERTY, "8");
        BeanStep.call(whole, "department", exchange);
        assertThat(exchange.getProperty(RunContext.PROPERTY, RunContext.class).unread().departments())
                .as("a department listed but refused is carried forward, not dropped").containsExactly("8");

        WecomNormaliser sub = new WecomNormaliser("7", DepartmentMode.AUTO, MemberMode.AUTO);
        Exchange configured = begin(sub);
        answer(configured, "{\"errcode\":0,\"department\":[{\"id\":5,\"name\":\"Sub\",\"parentid\":2,\"order\":1}]}");
        assertThatThrownBy(() -> BeanStep.call(sub, "departments", configured)).isInstanceOf(RunFailedException.class)
                .hasMessageContaining("root department 7").hasMessageContaining("orgsync.wecom.root-department-id");
        configured.getMessage().setBody(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
        configured.setProperty(WecomNormaliser.DEPARTMENT_PROPERTY, "7");
        assertThatThrownBy(() -> BeanStep.call(sub, "department", configured)).hasMessageContaining("root department 7");
    }

    private Exchange begin(WecomNormaliser normaliser) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(RunContext.PROPERTY, new RunContext("wecom", "ww1", Instant.now()));
        exchange.setProperty("test.normaliser", normaliser);
        exchange.setProperty(WecomPlan.PROPERTY, BeanStep.call(normaliser, "plan", exchange));
        return exchange;
    }

    private static WecomNormaliser normaliser(Exchange exchange) {
        return exchange.getProperty("test.normaliser", WecomNormaliser.class);
    }

    private static WecomPlan plan(Exchange exchange) {
        return exchange.getProperty(WecomPlan.PROPERTY, WecomPlan.class);
    }

    private static void answer(Exchange exchange, String json) {
        try {
            exchange.getMessage().setBody(CanonicalJson.MAPPER.readTree(json), JsonNode.class);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Map<String, Member> members(Exchange exchange) {
        return exchange.getProperty(RunContext.PROPERTY, RunContext.class).snapshot().members().stream()
                .collect(Collectors.toMap(Member::id, Function.identity()));
    }
}
