package io.orgsync.source.wuhan;

import io.orgsync.Sources;
import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.config.SourceName;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Member;
import io.orgsync.run.RunContext;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Golden;
import io.orgsync.source.AccessToken;
import io.orgsync.source.PageState;
import io.orgsync.source.TokenRequest;
import io.orgsync.BeanStep;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static io.orgsync.testing.Golden.resource;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Wuhan Education Cloud's own documented example answers (vendor-examples/wuhan-edu, see its
 * README for the pages), each mapped to records or a token written out here by hand: the member
 * list through a real run; the parent list through the normaliser, because its documented page
 * says count 26 in pages of 2 and the simulator's canned answers cannot tell the pages of a POST
 * apart; the token answer through the dialect.
 */
@Timeout(120)
class WuhanExampleTest {

    private static final String SCHOOL = "4b50aac88c4211e9a6de0200f723bcf3";

    private VendorSimulator simulator;
    private final DefaultCamelContext camel = new DefaultCamelContext();

    @TempDir
    Path exports;

    @BeforeEach
    void start() {
        simulator = VendorSimulator.start();
    }

    @AfterEach
    void stop() throws Exception {
        simulator.close();
        camel.close();
    }

    @Test
    void theDocumentedMemberListGivesOneTeacher() {
        // the school itself and an empty tree are written here; the member page is the vendor's
        simulator.canned()
                .answer("/user/openapi/org/get-org-info", Map.of("org_id", SCHOOL), "{\"code\":\"000000\","
                        + "\"message\":\"成功\",\"result\":{\"org_id\":\"" + SCHOOL + "\",\"org_name\":\"武汉市星河小学\","
                        + "\"org_type\":2}}")
                .answer("/user/openapi/org-tree/get-child-list", Map.of("org_id", SCHOOL),
                        "{\"code\":\"000000\",\"message\":\"成功\",\"result\":[]}")
                .answer("/user/openapi/user/get-org-member-simple-list", Map.of("page", "1"),
                        resource("vendor-examples/wuhan-edu/member-list.json"))
                .answer("/user/openapi/user/get-org-parents-list", Map.of(), "{\"code\":\"000000\",\"message\":\"成功\","
                        + "\"result\":{\"count\":0,\"page\":1,\"page_size\":100,\"member_list\":[]}}");

        Path run = Golden.sync(simulator, exports, Sources.WUHAN_EDU,
                Map.of(Sources.WUHAN_EDU.key("top-org-id"), SCHOOL));

        Golden.assertSameLines("wuhan-edu department", Golden.publishedLines(run, "departments.jsonl"), List.of(
                "{\"kind\":\"department\",\"source\":\"wuhan-edu\",\"tenant\":\"golden\",\"id\":\"" + SCHOOL + "\","
                        + "\"parentId\":null,\"name\":\"武汉市星河小学\",\"type\":\"school\",\"order\":null,"
                        + "\"path\":[\"" + SCHOOL + "\"],\"attributes\":{}}"), Golden.DEPARTMENT_FIELDS);
        // user_type "1" is a teacher; the one id listed three times (names xxx, yyy, zzz) is one
        // record, keeping the first listing's name; no user_org was asked back, so no departments
        Golden.assertSameLines("wuhan-edu member", Golden.publishedLines(run, "members.jsonl"), List.of(
                "{\"kind\":\"member\",\"source\":\"wuhan-edu\",\"tenant\":\"golden\",\"id\":\"xxx\",\"name\":\"xxx\","
                        + "\"role\":\"teacher\",\"departmentIds\":[],\"mobile\":null,\"email\":null,\"status\":\"active\","
                        + "\"relations\":[],\"attributes\":{\"esn\":\"\",\"student_staff_id\":\"xyxyxy\"}}"),
                Golden.MEMBER_FIELDS);
    }

    @Test
    void theDocumentedParentListNamesTheParentsAStudentNamed() {
        String father = "7b19f05e963111e9b0f50200f7bb5994";
        String mother = "0e547768965a11e9b3710200f7f1a0a0";
        String student = "b2000000000000000000000000000001";
        String klass = "c2000000000000000000000000000001";
        WuhanNormaliser normaliser = new WuhanNormaliser(SCHOOL, null);
        Exchange exchange = new DefaultExchange(camel);
        RunContext run = new RunContext("wuhan-edu", "golden", Instant.parse("2026-11-21T02:00:00Z"));
        exchange.setProperty(RunContext.PROPERTY, run);
        BeanStep.call(normaliser, "start", exchange);

        // a member page written here, whose student names the two parents of the documented page
        exchange.setProperty(PageState.PROPERTY, new PageState("wuhan-edu: members", 100));
        answer(exchange, "{\"code\":\"000000\",\"message\":\"成功\",\"result\":{\"page\":1,\"page_size\":500,"
                + "\"count\":1,\"member_list\":[{\"user_id\":\"" + student + "\",\"user_type\":\"0\",\"name\":\"小超\","
                + "\"user_org\":[{\"org_id\":\"" + klass + "\",\"org_type\":\"7\"}],\"user_family\":["
                + "{\"family_id\":\"" + father + "\",\"family_name\":\"小超的爸爸\"},"
                + "{\"family_id\":\"" + mother + "\",\"family_name\":\"小超的妈妈\"}]}]}}");
        BeanStep.call(normaliser, "members", exchange);
        PageState parentPages = new PageState("wuhan-edu: parents", 100);
        exchange.setProperty(PageState.PROPERTY, parentPages);
        answer(exchange, resource("vendor-examples/wuhan-edu/parents-list.json"));
        BeanStep.call(normaliser, "parents", exchange);

        assertThat(parentPages.isMore()).as("count 26 in pages of 2: the listing goes on").isTrue();
        assertThat(parentPages.getPage()).isEqualTo(2);
        // blank phone and email are null; platform_code, user_type and avatar stay as sent
        String head = "{\"kind\":\"member\",\"source\":\"wuhan-edu\",\"tenant\":\"golden\",";
        String listed = ",\"attributes\":{\"avatar\":{\"1\":\"\",\"2\":\"\",\"3\":\"\"},\"platform_code\":\"888888\","
                + "\"user_type\":2}}";
        assertThat(run.snapshot().members().stream().map(CanonicalJson::toEscapedLine).toList()).containsExactly(
                head + "\"id\":\"" + mother + "\",\"name\":\"紫薇\",\"role\":\"parent\",\"departmentIds\":[\"" + klass
                        + "\"],\"mobile\":null,\"email\":null,\"status\":\"active\",\"relations\":[{\"id\":\"" + student
                        + "\",\"role\":\"student\",\"relation\":\"妈妈\"}]" + listed,
                head + "\"id\":\"" + father + "\",\"name\":\"胡小超\",\"role\":\"parent\",\"departmentIds\":[\"" + klass
                        + "\"],\"mobile\":null,\"email\":null,\"status\":\"active\",\"relations\":[{\"id\":\"" + student
                        + "\",\"role\":\"student\",\"relation\":\"爸爸\"}]" + listed,
                head + "\"id\":\"" + student + "\",\"name\":\"小超\",\"role\":\"student\",\"departmentIds\":[\"" + klass
                        + "\"],\"mobile\":null,\"email\":null,\"status\":\"active\",\"relations\":["
                        + "{\"id\":\"" + father + "\",\"role\":\"parent\",\"relation\":\"爸爸\"},"
                        + "{\"id\":\"" + mother + "\",\"role\":\"parent\",\"relation\":\"妈妈\"}],\"attributes\":{}}");
    }

    @Test
    void theDocumentedTokenAnswerGivesItsTokenAndAShortLifetime() {
        Instant now = Instant.parse("2026-11-21T02:00:00Z");
        WuhanDialect dialect = new WuhanDialect("wuhan-edu", "5736915E311EA64DEA**", "app-key",
                Clock.fixed(now, ZoneOffset.UTC));
        String answer = resource("vendor-examples/wuhan-edu/token.json");

        AccessToken token = dialect.fetchToken(new TokenRequest() {
            @Override
            public JsonNode get(Map<String, String> query) {
                throw new AssertionError("the token call is a POST");
            }

            @Override
            public JsonNode post(Object jsonBody) {
                return CanonicalJson.fromLine(answer, JsonNode.class);
            }
        });

        // retCode "000000" is success; the documented validTime "14670914**" is masked, not a number,
        // so the token is kept for the dialect's short fallback lifetime of 30 minutes
        assertThat(token.value()).isEqualTo("77b117c4069e4f74b2434**");
        assertThat(token.expiresAt()).isEqualTo(Instant.parse("2026-11-21T02:30:00Z"));
    }

    private static void answer(Exchange exchange, String json) {
        exchange.getMessage().setBody(CanonicalJson.fromLine(json, JsonNode.class), JsonNode.class);
    }
}
