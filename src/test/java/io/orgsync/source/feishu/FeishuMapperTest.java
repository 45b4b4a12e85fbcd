package io.orgsync.source.feishu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.model.Status;
import io.orgsync.run.RunFailedException;
import io.orgsync.source.WireObject;
import io.orgsync.source.feishu.FeishuWire.User;
import io.orgsync.testing.Golden;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.orgsync.testing.Golden.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Feishu's documented example answers (vendor-examples/feishu) read as the product reads them and
 * mapped by {@link FeishuMapper} alone, against records written out here by hand from the
 * vendor's pages, in each id type a call may ask for. No run: the parent stays as Feishu sent it
 * and the path is empty until the run resolves the tree.
 */
class FeishuMapperTest {

    private static final String TENANT = "cli_demo";
    private static final String DEMO = "od-4e6ac4d14bcd5071a37a39de902c7141";
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final FeishuMapper BY_OPEN_IDS = new FeishuMapper("open_department_id", "open_id");

    @Test
    void theDocumentedDepartmentByOpenDepartmentIdKeepsItsDepartmentIdAsAnAttribute() throws Exception {
        Department mapped = BY_OPEN_IDS.department(TENANT, department());

        // order "100" (a string on the wire, smaller first) is the number 100
        assertSame("feishu department", Golden.DEPARTMENT_FIELDS, List.of(CanonicalJson.toEscapedLine(mapped)), """
                {"kind":"department","source":"feishu","tenant":"cli_demo","id":"%s","parentId":"D067",
                 "name":"DemoName","type":"department","order":100,"path":[],"attributes":{
                   "chat_id":"oc_5ad11d72b830411d72b836c20",
                   "department_hrbps":["ou_10430f87894fce18e57891c48995cd7c"],
                   "department_id":"D096",
                   "i18n_name":{"zh_cn":"Demo名称","ja_jp":"デモ名","en_us":"Demo Name"},
                   "leader_user_id":"ou_7dab8a3d3cdcc9da365777c7ad535d62",
                   "leaders":[{"leaderType":1,"leaderID":"ou_7dab8a3d3cdcc9da365777c7ad535d62"}],
                   "member_count":100,
                   "status":{"is_deleted":false},
                   "unit_ids":["custom_unit_id"]}}""".formatted(DEMO));
    }

    @Test
    void theDocumentedDepartmentByDepartmentIdKeepsItsOpenDepartmentIdAsAnAttribute() throws Exception {
        Department mapped = new FeishuMapper("department_id", "open_id").department(TENANT, department());

        assertSame("feishu department", Golden.DEPARTMENT_FIELDS, List.of(CanonicalJson.toEscapedLine(mapped)), """
                {"kind":"department","source":"feishu","tenant":"cli_demo","id":"D096","parentId":"D067",
                 "name":"DemoName","type":"department","order":100,"path":[],"attributes":{
                   "chat_id":"oc_5ad11d72b830411d72b836c20",
                   "department_hrbps":["ou_10430f87894fce18e57891c48995cd7c"],
                   "i18n_name":{"zh_cn":"Demo名称","ja_jp":"デモ名","en_us":"Demo Name"},
                   "leader_user_id":"ou_7dab8a3d3cdcc9da365777c7ad535d62",
                   "leaders":[{"leaderType":1,"leaderID":"ou_7dab8a3d3cdcc9da365777c7ad535d62"}],
                   "member_count":100,
                   "open_department_id":"%s",
                   "status":{"is_deleted":false},
                   "unit_ids":["custom_unit_id"]}}""".formatted(DEMO));
    }

    @Test
    void theDocumentedDepartmentAsTheConfiguredRootHangsFromNothingAndKeepsWhereItSits() throws Exception {
        Department mapped = new FeishuMapper("department_id", "open_id").configuredRoot(TENANT, "D096", department());

        assertSame("feishu department", Golden.DEPARTMENT_FIELDS, List.of(CanonicalJson.toEscapedLine(mapped)), """
                {"kind":"department","source":"feishu","tenant":"cli_demo","id":"D096","parentId":null,
                 "name":"DemoName","type":"department","order":100,"path":[],"attributes":{
                   "chat_id":"oc_5ad11d72b830411d72b836c20",
                   "department_hrbps":["ou_10430f87894fce18e57891c48995cd7c"],
                   "i18n_name":{"zh_cn":"Demo名称","ja_jp":"デモ名","en_us":"Demo Name"},
                   "leader_user_id":"ou_7dab8a3d3cdcc9da365777c7ad535d62",
                   "leaders":[{"leaderType":1,"leaderID":"ou_7dab8a3d3cdcc9da365777c7ad535d62"}],
                   "member_count":100,
                   "open_department_id":"%s",
                   "parent_department_id":"D067",
                   "status":{"is_deleted":false},
                   "unit_ids":["custom_unit_id"]}}""".formatted(DEMO));
    }

    @Test
    void theVendorRootIsNamedAfterTheTenant() {
        assertSame("feishu department", Golden.DEPARTMENT_FIELDS,
                List.of(CanonicalJson.toEscapedLine(FeishuMapper.vendorRoot(TENANT))), """
                {"kind":"department","source":"feishu","tenant":"cli_demo","id":"0","parentId":null,
                 "name":"cli_demo","type":"department","order":null,"path":[],"attributes":{}}""");
    }

    @Test
    void anOrderThatIsNotANumberIsKeptAsSentAndADepartmentWithoutItsIdTypeFailsTheRun() throws Exception {
        JsonNode page = page("children.json");
        ObjectNode item = (ObjectNode) page.path("items").get(0);
        item.put("order", "first");
        Department mapped = BY_OPEN_IDS.department(TENANT, departments(page).get(0));
        assertThat(mapped.order()).isNull();
        assertThat(mapped.attributes().get("order").asText()).isEqualTo("first");

        item.remove("department_id");
        FeishuWire.Department withoutId = departments(page).get(0);
        assertThatThrownBy(() -> new FeishuMapper("department_id", "open_id").department(TENANT, withoutId))
                .isInstanceOf(RunFailedException.class)
                .hasMessage("feishu: a department (\"DemoName\") came without its department_id");
    }

    @Test
    void theDocumentedUserByOpenIdKeepsTheOtherIdsAndEveryUnmappedFieldSorted() throws Exception {
        Member mapped = BY_OPEN_IDS.member(TENANT, user(page("find-by-department.json")), DEMO);

        // department_ids names every department of the user; status all clear is active, kept raw
        assertSameMember(mapped, "ou_7dab8a3d3cdcc9da365777c7ad535d62", "",
                "\"union_id\":\"on_94a1ee5551019f18cd73d9f111898cf2\",\"user_id\":\"3e3cf96b\",");
    }

    @Test
    void theDocumentedUserByUserIdOrUnionIdKeepsTheOtherTwoIds() throws Exception {
        Member byUserId = new FeishuMapper("open_department_id", "user_id").member(TENANT,
                user(page("find-by-department.json")), DEMO);
        Member byUnionId = new FeishuMapper("open_department_id", "union_id").member(TENANT,
                user(page("find-by-department.json")), DEMO);

        assertSameMember(byUserId, "3e3cf96b", "\"open_id\":\"ou_7dab8a3d3cdcc9da365777c7ad535d62\",",
                "\"union_id\":\"on_94a1ee5551019f18cd73d9f111898cf2\",");
        assertSameMember(byUnionId, "on_94a1ee5551019f18cd73d9f111898cf2",
                "\"open_id\":\"ou_7dab8a3d3cdcc9da365777c7ad535d62\",", "\"user_id\":\"3e3cf96b\",");
    }

    @Test
    void frozenResignedExitedOrNotYetActivatedIsInactive() throws Exception {
        for (String flag : List.of("is_frozen", "is_resigned", "is_exited", "is_activated")) {
            JsonNode page = page("find-by-department.json");
            ObjectNode status = (ObjectNode) page.path("items").get(0).path("status");
            status.put(flag, !flag.equals("is_activated"));

            Member mapped = BY_OPEN_IDS.member(TENANT, user(page), DEMO);

            assertThat(mapped.status()).as(flag).isEqualTo(Status.INACTIVE);
            assertThat(mapped.attributes().get("status")).isEqualTo(status);
        }
    }

    @Test
    void blankContactsAreNoValueAndAUserWithoutDepartmentIdsBelongsWhereListed() throws Exception {
        // without the field scopes Feishu sends "" for mobile and email, and no department_ids
        JsonNode page = page("find-by-department.json");
        ((ObjectNode) page.path("items").get(0)).put("mobile", "").put("email", "").remove("department_ids");

        Member mapped = BY_OPEN_IDS.member(TENANT, user(page), "od-listed");

        assertThat(mapped.mobile()).isNull();
        assertThat(mapped.email()).isNull();
        assertThat(mapped.departmentIds()).containsExactly("od-listed");
    }

    @Test
    void aUserWithoutTheAskedIdTypeFailsTheRunNamingTheScope() throws Exception {
        JsonNode page = page("find-by-department.json");
        ((ObjectNode) page.path("items").get(0)).remove("user_id");
        User user = user(page);

        assertThatThrownBy(() -> new FeishuMapper("open_department_id", "user_id").member(TENANT, user, DEMO))
                .isInstanceOf(RunFailedException.class)
                .hasMessage("feishu: a user of department " + DEMO + " came without its user_id (user_id needs "
                        + "the contact:user.employee_id:readonly scope)");
    }

    /**
     * The documented user with {@code id} as its id; the ids of the other types are attributes,
     * sorted among the rest: open_id before orders, union_id and user_id after status.
     */
    private static void assertSameMember(Member mapped, String id, String openId, String unionAndUserId) {
        assertSame("feishu member", Golden.MEMBER_FIELDS, List.of(CanonicalJson.toEscapedLine(mapped)), """
                {"kind":"member","source":"feishu","tenant":"cli_demo","id":"%s","name":"张三","role":"employee",
                 "departmentIds":["%s"],"mobile":"13011111111","email":"zhangsan@gmail.com","status":"active",
                 "relations":[],"attributes":{
                   "avatar":{"avatar_72":"https://foo.icon.com/xxxx","avatar_240":"https://foo.icon.com/xxxx",
                             "avatar_640":"https://foo.icon.com/xxxx","avatar_origin":"https://foo.icon.com/xxxx"},
                   "avatar_key":"2500c7a9-5fff-4d9a-a2de-3d59614ae28g",
                   "city":"杭州",
                   "country":"CN",
                   "custom_attrs":[{"type":"TEXT","id":"DemoId","value":{"text":"DemoText","url":"http://www.fs.cn",
                     "pc_url":"http://www.fs.cn","option_id":"edcvfrtg","option_value":"option","name":"name",
                     "picture_url":"https://xxxxxxxxxxxxxxxxxx","generic_user":{"id":"9b2fabg5","type":1}}}],
                   "department_path":[{"department_id":"%s",
                     "department_name":{"name":"测试部门名1","i18n_name":{"zh_cn":"测试部门名1","ja_jp":"試験部署名 1",
                       "en_us":"Test department name 1"}},
                     "department_path":{"department_ids":["%s"],
                       "department_path_name":{"name":"测试部门名1","i18n_name":{"zh_cn":"测试部门名1",
                         "ja_jp":"試験部署名 1","en_us":"Test department name 1"}}}}],
                   "dotted_line_leader_user_ids":["ou_7dab8a3d3cdcc9da365777c7ad535d62"],
                   "employee_no":"1",
                   "employee_type":1,
                   "en_name":"San Zhang",
                   "enterprise_email":"demo@mail.com",
                   "gender":1,
                   "geo":"cn",
                   "is_frozen":false,
                   "is_tenant_manager":false,
                   "job_family_id":"mga5oa8ayjlp9rb",
                   "job_level_id":"mga5oa8ayjlp9rb",
                   "job_title":"xxxxx",
                   "join_time":2147483647,
                   "leader_user_id":"ou_7dab8a3d3cdcc9da365777c7ad535d62",
                   "mobile_visible":false,
                   "nickname":"Alex Zhang",
                   %s"orders":[{"department_id":"%s","user_order":100,"department_order":100,"is_primary_dept":true}],
                   "status":{"is_frozen":false,"is_resigned":false,"is_activated":true,"is_exited":false,
                             "is_unjoin":false},
                   %s"work_station":"北楼-H34"}}""".formatted(id, DEMO, DEMO, DEMO, openId, DEMO, unionAndUserId));
    }

    private static JsonNode page(String file) throws Exception {
        return CanonicalJson.MAPPER.readTree(resource("vendor-examples/feishu/" + file)).path("data");
    }

    private static FeishuWire.Department department() throws Exception {
        return departments(page("children.json")).get(0);
    }

    private static List<FeishuWire.Department> departments(JsonNode page) throws Exception {
        return CanonicalJson.MAPPER.treeToValue(page, FeishuWire.DepartmentPage.class).items();
    }

    private static User user(JsonNode page) {
        return User.from(WireObject.list(page, "items", FeishuMapper.SOURCE, "User").get(0));
    }

    /** The hand-written records, spread over lines for reading, compared as the one line each a record is. */
    private static void assertSame(String what, List<String> fields, List<String> mapped, String... expected) {
        List<String> lines = Arrays.stream(expected).map(text -> {
            try {
                return PLAIN.readTree(text).toString();
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + text, e);
            }
        }).toList();
        Golden.assertSameLines(what, mapped, lines, fields);
    }
}
