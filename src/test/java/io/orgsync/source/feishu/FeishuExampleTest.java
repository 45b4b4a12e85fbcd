package io.orgsync.source.feishu;

import io.orgsync.Sources;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orgsync.config.SourceName;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Golden;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.orgsync.testing.Golden.resource;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Feishu's own documented example answers (vendor-examples/feishu, see its README for the pages):
 * a children page whose department hangs from a parent outside the answer, and a
 * find_by_department page with the documented user object, served verbatim by the simulator to a
 * real run, published as the records written out here by hand. Both examples say has_more with a
 * page token; the next page of each is an empty last page.
 */
@Timeout(120)
class FeishuExampleTest {

    private static final String DEMO = "od-4e6ac4d14bcd5071a37a39de902c7141";
    private static final String EMPTY_LAST_PAGE = "{\"code\":0,\"msg\":\"success\",\"data\":{\"has_more\":false,\"items\":[]}}";

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
    void theDocumentedChildrenPageAndUserPageGiveTheseRecords() throws Exception {
        String children = "/open-apis/contact/v3/departments/0/children";
        String users = "/open-apis/contact/v3/users/find_by_department";
        ObjectMapper plain = new ObjectMapper();
        String childrenToken = plain.readTree(resource("vendor-examples/feishu/children.json"))
                .path("data").path("page_token").asText();
        String usersToken = plain.readTree(resource("vendor-examples/feishu/find-by-department.json"))
                .path("data").path("page_token").asText();
        // the documented user page token holds "%2B" as text: it must travel, and come back, as those three characters
        assertThat(usersToken).contains("%2B");
        Map<String, String> firstPage = new HashMap<>();
        firstPage.put("page_token", null);
        Map<String, String> demoFirstPage = new HashMap<>(firstPage);
        demoFirstPage.put("department_id", DEMO);
        simulator.canned()
                .answer(children, firstPage, resource("vendor-examples/feishu/children.json"))
                .answer(children, Map.of("page_token", childrenToken), EMPTY_LAST_PAGE)
                .answer(users, demoFirstPage, resource("vendor-examples/feishu/find-by-department.json"))
                .answer(users, Map.of("department_id", DEMO, "page_token", usersToken), EMPTY_LAST_PAGE)
                .answer(users, Map.of("department_id", "0"), EMPTY_LAST_PAGE);

        Path run = Golden.sync(simulator, exports, Sources.FEISHU, Map.of());

        // the root "0" is named after the tenant; the documented department's parent D067 is not in
        // the answer, so it is a second root keeping it; order "100" is the integer 100
        Golden.assertSameLines("feishu department", Golden.publishedLines(run, "departments.jsonl"), List.of(
                "{\"kind\":\"department\",\"source\":\"feishu\",\"tenant\":\"golden\",\"id\":\"0\",\"parentId\":null,"
                        + "\"name\":\"golden\",\"type\":\"department\",\"order\":null,\"path\":[\"0\"],\"attributes\":{}}",
                "{\"kind\":\"department\",\"source\":\"feishu\",\"tenant\":\"golden\",\"id\":\"" + DEMO + "\","
                        + "\"parentId\":null,\"name\":\"DemoName\",\"type\":\"department\",\"order\":100,"
                        + "\"path\":[\"" + DEMO + "\"],\"attributes\":{"
                        + "\"chat_id\":\"oc_5ad11d72b830411d72b836c20\","
                        + "\"department_hrbps\":[\"ou_10430f87894fce18e57891c48995cd7c\"],"
                        + "\"department_id\":\"D096\","
                        + "\"i18n_name\":{\"zh_cn\":\"Demo名称\",\"ja_jp\":\"デモ名\",\"en_us\":\"Demo Name\"},"
                        + "\"leader_user_id\":\"ou_7dab8a3d3cdcc9da365777c7ad535d62\","
                        + "\"leaders\":[{\"leaderType\":1,\"leaderID\":\"ou_7dab8a3d3cdcc9da365777c7ad535d62\"}],"
                        + "\"member_count\":100,"
                        + "\"status\":{\"is_deleted\":false},"
                        + "\"unit_ids\":[\"custom_unit_id\"],"
                        + "\"vendorParentId\":\"D067\"}}"), Golden.DEPARTMENT_FIELDS);
        // the user object: open_id is the id (the default user_id_type), union_id and user_id and every
        // other unmapped field stay in attributes, sorted, values as sent; status all clear: active
        Golden.assertSameLines("feishu member", Golden.publishedLines(run, "members.jsonl"), List.of(
                "{\"kind\":\"member\",\"source\":\"feishu\",\"tenant\":\"golden\","
                        + "\"id\":\"ou_7dab8a3d3cdcc9da365777c7ad535d62\",\"name\":\"张三\",\"role\":\"employee\","
                        + "\"departmentIds\":[\"" + DEMO + "\"],\"mobile\":\"13011111111\","
                        + "\"email\":\"zhangsan@gmail.com\",\"status\":\"active\",\"relations\":[],\"attributes\":{"
                        + "\"avatar\":{\"avatar_72\":\"https://foo.icon.com/xxxx\",\"avatar_240\":\"https://foo.icon.com/xxxx\","
                        + "\"avatar_640\":\"https://foo.icon.com/xxxx\",\"avatar_origin\":\"https://foo.icon.com/xxxx\"},"
                        + "\"avatar_key\":\"2500c7a9-5fff-4d9a-a2de-3d59614ae28g\","
                        + "\"city\":\"杭州\","
                        + "\"country\":\"CN\","
                        + "\"custom_attrs\":[{\"type\":\"TEXT\",\"id\":\"DemoId\",\"value\":{\"text\":\"DemoText\","
                        + "\"url\":\"http://www.fs.cn\",\"pc_url\":\"http://www.fs.cn\",\"option_id\":\"edcvfrtg\","
                        + "\"option_value\":\"option\",\"name\":\"name\",\"picture_url\":\"https://xxxxxxxxxxxxxxxxxx\","
                        + "\"generic_user\":{\"id\":\"9b2fabg5\",\"type\":1}}}],"
                        + "\"department_path\":[{\"department_id\":\"" + DEMO + "\","
                        + "\"department_name\":{\"name\":\"测试部门名1\",\"i18n_name\":{\"zh_cn\":\"测试部门名1\","
                        + "\"ja_jp\":\"試験部署名 1\",\"en_us\":\"Test department name 1\"}},"
                        + "\"department_path\":{\"department_ids\":[\"" + DEMO + "\"],"
                        + "\"department_path_name\":{\"name\":\"测试部门名1\",\"i18n_name\":{\"zh_cn\":\"测试部门名1\","
                        + "\"ja_jp\":\"試験部署名 1\",\"en_us\":\"Test department name 1\"}}}}],"
                        + "\"dotted_line_leader_user_ids\":[\"ou_7dab8a3d3cdcc9da365777c7ad535d62\"],"
                        + "\"employee_no\":\"1\","
                        + "\"employee_type\":1,"
                        + "\"en_name\":\"San Zhang\","
                        + "\"enterprise_email\":\"demo@mail.com\","
                        + "\"gender\":1,"
                        + "\"geo\":\"cn\","
                        + "\"is_frozen\":false,"
                        + "\"is_tenant_manager\":false,"
                        + "\"job_family_id\":\"mga5oa8ayjlp9rb\","
                        + "\"job_level_id\":\"mga5oa8ayjlp9rb\","
                        + "\"job_title\":\"xxxxx\","
                        + "\"join_time\":2147483647,"
                        + "\"leader_user_id\":\"ou_7dab8a3d3cdcc9da365777c7ad535d62\","
                        + "\"mobile_visible\":false,"
                        + "\"nickname\":\"Alex Zhang\","
                        + "\"orders\":[{\"department_id\":\"" + DEMO + "\",\"user_order\":100,"
                        + "\"department_order\":100,\"is_primary_dept\":true}],"
                        + "\"status\":{\"is_frozen\":false,\"is_resigned\":false,\"is_activated\":true,"
                        + "\"is_exited\":false,\"is_unjoin\":false},"
                        + "\"union_id\":\"on_94a1ee5551019f18cd73d9f111898cf2\","
                        + "\"user_id\":\"3e3cf96b\","
                        + "\"work_station\":\"北楼-H34\"}}"), Golden.MEMBER_FIELDS);
    }
}
