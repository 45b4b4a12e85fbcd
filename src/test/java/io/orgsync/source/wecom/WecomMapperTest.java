package io.orgsync.source.wecom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.model.Status;
import io.orgsync.source.WireObject;
import io.orgsync.testing.Golden;
import io.orgsync.source.wecom.WecomWire.DepartmentId;
import io.orgsync.source.wecom.WecomWire.DeptUser;
import io.orgsync.source.wecom.WecomWire.User;
import io.orgsync.source.wecom.WecomWire.WireDepartment;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.orgsync.testing.Golden.resource;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * WeCom's documented example answers (vendor-examples/wecom) read as the product reads them and
 * mapped by {@link WecomMapper} alone, against records written out here by hand from the
 * vendor's pages. No run: the parent stays as WeCom sent it and the path is empty until the run
 * resolves the tree, and departments outside the synced tree are still listed. The id-only APIs'
 * answers ({@code department/simplelist}, {@code user/list_id}) are read as the wire records the
 * normaliser reads; {@code department/simplelist} has no mapping of its own.
 */
class WecomMapperTest {

    private static final String TENANT = "ww-corp";
    private static final ObjectMapper PLAIN = new ObjectMapper();

    @Test
    void theDocumentedDepartmentListGivesTwoDepartmentsWithTheirEnglishNamesKept() throws Exception {
        JsonNode body = CanonicalJson.MAPPER.readTree(resource("vendor-examples/wecom/department-list.json"));
        List<WireDepartment> wire = CanonicalJson.MAPPER.treeToValue(body, WecomWire.DepartmentList.class)
                .department();

        List<Department> mapped = wire.stream().map(d -> WecomMapper.department(TENANT, d)).toList();

        // ids are ints on the wire and text in the record; order is WeCom's (larger first), as sent
        assertSameDepartments(mapped, """
                {"kind":"department","source":"wecom","tenant":"ww-corp","id":"2","parentId":"1","name":"广州研发中心",
                 "type":"department","order":10,"path":[],"attributes":{"name_en":"RDGZ"}}""", """
                {"kind":"department","source":"wecom","tenant":"ww-corp","id":"3","parentId":"2","name":"邮箱产品部",
                 "type":"department","order":40,"path":[],"attributes":{"name_en":"mail"}}""");
    }

    @Test
    void theRootsParentIdZeroIsNoParent() throws Exception {
        ObjectNode root = (ObjectNode) CanonicalJson.MAPPER
                .readTree(resource("vendor-examples/wecom/department-list.json")).path("department").get(0);
        root.put("id", 1).put("parentid", 0);

        WireDepartment wire = CanonicalJson.MAPPER.treeToValue(root, WireDepartment.class);

        Department mapped = WecomMapper.department(TENANT, wire);

        assertThat(mapped.id()).isEqualTo("1");
        assertThat(mapped.parentId()).isNull();
    }

    @Test
    void theDocumentedUserGivesOneEmployeeWithEveryUnmappedFieldKeptSorted() {
        List<User> users = users(body());

        Member zhangsan = WecomMapper.member(TENANT, users.get(0));

        // department[] as sent (1 and 2), order[] and is_leader_in_dept[] parallel to it in the
        // attributes; status 1 is active and kept raw; every other field under its wire name, sorted
        assertSameMembers(List.of(zhangsan), """
                {"kind":"member","source":"wecom","tenant":"ww-corp","id":"zhangsan","name":"李四","role":"employee",
                 "departmentIds":["1","2"],"mobile":"13800000000","email":"zhangsan@gzdev.com","status":"active",
                 "relations":[],"attributes":{
                   "address":"广州市海珠区新港中路",
                   "alias":"jackzhang",
                   "avatar":"http://wx.qlogo.cn/mmopen/ajNVdqHZLLA3WJ6DSZUfiakYe37PKnQhBIeOQBO4czqrnZDS79FH5Wm5m4X69TBicnHFlhiafvDwklOpZeXYQQ2icg/0",
                   "biz_mail":"zhangsan@qyycs2.wecom.work",
                   "direct_leader":["lisi","wangwu"],
                   "english_name":"jacky",
                   "extattr":{"attrs":[
                     {"type":0,"name":"文本名称","text":{"value":"文本"}},
                     {"type":1,"name":"网页名称","web":{"url":"http://www.test.com","title":"标题"}}]},
                   "external_position":"产品经理",
                   "external_profile":{
                     "external_corp_name":"企业简称",
                     "wechat_channels":{"nickname":"视频号名称","status":1},
                     "external_attr":[
                       {"type":0,"name":"文本名称","text":{"value":"文本"}},
                       {"type":1,"name":"网页名称","web":{"url":"http://www.test.com","title":"标题"}},
                       {"type":2,"name":"测试app","miniprogram":{"appid":"wx8bd80126147dFAKE","pagepath":"/index",
                        "title":"miniprogram"}}]},
                   "gender":"1",
                   "is_leader_in_dept":[1,0],
                   "main_department":1,
                   "open_userid":"xxxxxx",
                   "order":[1,2],
                   "position":"后台工程师",
                   "qr_code":"https://open.work.weixin.qq.com/wwopen/userQRCode?vcode=xxx",
                   "status":1,
                   "telephone":"020-123456",
                   "thumb_avatar":"http://wx.qlogo.cn/mmopen/ajNVdqHZLLA3WJ6DSZUfiakYe37PKnQhBIeOQBO4czqrnZDS79FH5Wm5m4X69TBicnHFlhiafvDwklOpZeXYQQ2icg/100"}}""");
    }

    @Test
    void statusTwoFourAndFiveAreInactiveOneIsActiveAndTheRawValueIsKept() {
        // WeCom's status: 1 activated, 2 disabled, 4 not activated, 5 left the company
        for (int[] expected : new int[][] {{1, 1}, {2, 0}, {4, 0}, {5, 0}}) {
            JsonNode body = body();
            user(body).put("status", expected[0]);

            Member member = WecomMapper.member(TENANT, users(body).get(0));

            assertThat(member.status()).as("status %d", expected[0])
                    .isEqualTo(expected[1] == 1 ? Status.ACTIVE : Status.INACTIVE);
            assertThat(member.attributes().get("status").asInt()).isEqualTo(expected[0]);
        }
    }

    @Test
    void blankMobileAndEmailAreNoValue() {
        // what apps created after 2022-06-20 receive instead of the documented values
        JsonNode body = body();
        user(body).put("mobile", "").put("email", " ");

        Member member = WecomMapper.member(TENANT, users(body).get(0));

        assertThat(member.mobile()).isNull();
        assertThat(member.email()).isNull();
        assertThat(member.attributes().has("mobile")).isFalse();
        assertThat(member.attributes().has("email")).isFalse();
    }

    @Test
    void aMemberKnownOnlyByIdAndDepartmentsIsAnActiveEmployeeWithoutName() {
        // what user/list_id gives when user/simplelist is refused as well
        Member member = WecomMapper.member(TENANT, new User("zhangsan", null, null, null, null, null, null),
                List.of("2", "1"));

        assertSameMembers(List.of(member), """
                {"kind":"member","source":"wecom","tenant":"ww-corp","id":"zhangsan","name":null,"role":"employee",
                 "departmentIds":["2","1"],"mobile":null,"email":null,"status":"active","relations":[],
                 "attributes":{}}""");
    }

    @Test
    void theDocumentedSubDepartmentIdListGivesIdsParentsAndOrdersOnly() throws Exception {
        // department/simplelist has no mapper of its own: the normaliser takes its ids and fetches
        // each with department/get. The documented list, like department/list's, lacks the root 1
        JsonNode body = CanonicalJson.MAPPER.readTree(resource("vendor-examples/wecom/department-simplelist.json"));

        List<DepartmentId> ids = CanonicalJson.MAPPER.treeToValue(body, WecomWire.DepartmentIdList.class)
                .departmentId();

        assertThat(ids).containsExactly(new DepartmentId("2", "1", 10L), new DepartmentId("3", "2", 40L));
    }

    @Test
    void theDocumentedSingleDepartmentGivesOneDepartmentWithItsLeadersKept() throws Exception {
        JsonNode body = CanonicalJson.MAPPER.readTree(resource("vendor-examples/wecom/department-get.json"));
        WireDepartment wire = CanonicalJson.MAPPER.treeToValue(body, WecomWire.DepartmentGet.class).department();

        Department mapped = WecomMapper.department(TENANT, wire);

        // department_leader[] and name_en stay under their wire names, sorted
        assertSameDepartments(List.of(mapped), """
                {"kind":"department","source":"wecom","tenant":"ww-corp","id":"2","parentId":"1","name":"广州研发中心",
                 "type":"department","order":10,"path":[],
                 "attributes":{"department_leader":["zhangsan","lisi"],"name_en":"RDGZ"}}""");
    }

    @Test
    void theDocumentedSimpleListUserIsANamedActiveEmployeeWithItsOpenUseridKept() throws Exception {
        JsonNode body = CanonicalJson.MAPPER.readTree(resource("vendor-examples/wecom/user-simplelist.json"));
        List<User> users = users(body);

        // in id-only mode the run hands the mapper the person with the departments it gathered;
        // here those are department[] as user/simplelist sent it
        Member zhangsan = WecomMapper.member(TENANT, users.get(0), users.get(0).department());

        // no status, mobile or email on this API: active, null, null; open_userid is kept as sent
        assertThat(users).hasSize(1);
        assertSameMembers(List.of(zhangsan), """
                {"kind":"member","source":"wecom","tenant":"ww-corp","id":"zhangsan","name":"张三","role":"employee",
                 "departmentIds":["1","2"],"mobile":null,"email":null,"status":"active","relations":[],
                 "attributes":{"open_userid":"xxxxxx"}}""");
    }

    @Test
    void theDocumentedMemberIdPageGivesOneNamelessEmployeePerUseridWithEveryDepartmentListed() throws Exception {
        JsonNode body = CanonicalJson.MAPPER.readTree(resource("vendor-examples/wecom/user-list-id.json"));

        WecomWire.UserIdPage page = CanonicalJson.MAPPER.treeToValue(body, WecomWire.UserIdPage.class);

        // one row per (member, department), ids as text; a cursor that is not empty means another page
        assertThat(page.nextCursor()).isEqualTo("aaaaaaaaa");
        assertThat(page.deptUser()).containsExactly(new DeptUser("zhangsan", "1"), new DeptUser("zhangsan", "2"),
                new DeptUser("lisi", "2"));

        // the run gathers each userid's rows, in the order listed, and maps the person known by id alone
        Map<String, List<String>> departments = new LinkedHashMap<>();
        page.deptUser().forEach(row -> departments.computeIfAbsent(row.userid(), id -> new ArrayList<>())
                .add(row.department()));
        List<Member> mapped = departments.entrySet().stream()
                .map(e -> WecomMapper.member(TENANT, new User(e.getKey(), null, null, null, null, null, null),
                        e.getValue()))
                .toList();

        assertSameMembers(mapped, """
                {"kind":"member","source":"wecom","tenant":"ww-corp","id":"zhangsan","name":null,"role":"employee",
                 "departmentIds":["1","2"],"mobile":null,"email":null,"status":"active","relations":[],
                 "attributes":{}}""", """
                {"kind":"member","source":"wecom","tenant":"ww-corp","id":"lisi","name":null,"role":"employee",
                 "departmentIds":["2"],"mobile":null,"email":null,"status":"active","relations":[],
                 "attributes":{}}""");
    }

    private static JsonNode body() {
        try {
            return CanonicalJson.MAPPER.readTree(resource("vendor-examples/wecom/user-list.json"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static ObjectNode user(JsonNode body) {
        return (ObjectNode) body.path("userlist").get(0);
    }

    private static List<User> users(JsonNode body) {
        return WireObject.list(body, "userlist", WecomMapper.SOURCE, "User").stream().map(User::from).toList();
    }

    private static void assertSameDepartments(List<Department> mapped, String... expected) {
        Golden.assertSameLines("wecom department", mapped.stream().map(CanonicalJson::toEscapedLine).toList(),
                compact(expected), Golden.DEPARTMENT_FIELDS);
    }

    private static void assertSameMembers(List<Member> mapped, String... expected) {
        Golden.assertSameLines("wecom member", mapped.stream().map(CanonicalJson::toEscapedLine).toList(),
                compact(expected), Golden.MEMBER_FIELDS);
    }

    /** The hand-written records, spread over lines for reading, as the one line each a record is. */
    private static List<String> compact(String... json) {
        return java.util.Arrays.stream(json).map(text -> {
            try {
                return PLAIN.readTree(text).toString();
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + text, e);
            }
        }).toList();
    }
}
