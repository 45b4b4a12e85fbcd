package io.orgsync.source.wuhan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.model.Role;
import io.orgsync.run.RunFailedException;
import io.orgsync.source.wuhan.WuhanWire.ChildOrg;
import io.orgsync.source.wuhan.WuhanWire.WireMember;
import io.orgsync.testing.Golden;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.orgsync.testing.Golden.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Wuhan Education Cloud's documented example answers (vendor-examples/wuhan-edu) read as the
 * product reads them and mapped by {@link WuhanMapper} alone, against records written out here
 * by hand from the vendor's pages. The documented member list holds teachers only; a student is
 * the documented entry with the fields the same API gives for {@code need_type=edu,family}. The
 * documented child list is not valid JSON as published (a comma ends each entry) and is the one
 * example read leniently.
 */
class WuhanMapperTest {

    private static final String TENANT = "wh-school";
    private static final String SCHOOL = "4b50aac88c4211e9a6de0200f723bcf3";
    private static final String KLASS = "c2000000000000000000000000000001";
    private static final String FATHER = "7b19f05e963111e9b0f50200f7bb5994";
    private static final String MOTHER = "0e547768965a11e9b3710200f7f1a0a0";
    private static final ObjectMapper PLAIN = new ObjectMapper();

    @Test
    void theDocumentedMemberListGivesThreeListingsOfOneTeacher() throws Exception {
        List<String> lines = new ArrayList<>();
        for (WireMember member : members(memberList())) {
            WuhanMapper.Listed listed = WuhanMapper.member(TENANT, member);
            assertThat(listed.parents()).as("a teacher names no parents").isEmpty();
            lines.add(CanonicalJson.toEscapedLine(listed.member()));
        }

        // user_type "1" is a teacher; the one id under three names is for the run to merge, not the
        // mapper; no user_org was asked back, so no departments; "" for esn is a value kept as sent
        String teacher = """
                {"kind":"member","source":"wuhan-edu","tenant":"wh-school","id":"xxx","name":"%s","role":"teacher",
                 "departmentIds":[],"mobile":null,"email":null,"status":"active","relations":[],
                 "attributes":{"esn":"","student_staff_id":"xyxyxy"}}""";
        assertSame("wuhan-edu member", Golden.MEMBER_FIELDS, lines,
                teacher.formatted("xxx"), teacher.formatted("yyy"), teacher.formatted("zzz"));
    }

    @Test
    void theDocumentedParentListGivesTwoParentsWithoutBlankContacts() throws Exception {
        JsonNode result = CanonicalJson.MAPPER.readTree(resource("vendor-examples/wuhan-edu/parents-list.json"))
                .path("result");
        List<String> lines = CanonicalJson.MAPPER.treeToValue(result, WuhanWire.ParentPage.class).memberList().stream()
                .map(parent -> CanonicalJson.toEscapedLine(WuhanMapper.parent(TENANT, parent)))
                .toList();

        // phone and email "" are no value; the child comes from the student who names the parent
        String parent = """
                {"kind":"member","source":"wuhan-edu","tenant":"wh-school","id":"%s","name":"%s","role":"parent",
                 "departmentIds":[],"mobile":null,"email":null,"status":"active","relations":[],
                 "attributes":{"avatar":{"1":"","2":"","3":""},"platform_code":"888888","user_type":2}}""";
        assertSame("wuhan-edu member", Golden.MEMBER_FIELDS, lines,
                parent.formatted(FATHER, "胡小超"), parent.formatted(MOTHER, "紫薇"));
    }

    @Test
    void aStudentNamesTheirParentsByTitleAndGivesThemTheirClasses() throws Exception {
        JsonNode list = memberList();
        ObjectNode entry = (ObjectNode) list.path("result").path("member_list").get(0);
        entry.put("user_type", "0").put("name", "王的明");
        entry.putArray("user_org")
                .add(PLAIN.createObjectNode().put("org_id", KLASS).put("org_type", "7"))
                .add(PLAIN.createObjectNode().put("org_id", " ").put("org_type", "7"))
                .add(PLAIN.createObjectNode().put("org_id", KLASS).put("org_type", "7"));
        entry.putArray("user_family")
                // the child's own name holds a 的, and no 的 follows it
                .add(PLAIN.createObjectNode().put("family_id", MOTHER).put("family_name", "王的明妈妈"))
                .add(PLAIN.createObjectNode().put("family_id", FATHER).put("family_name", "王的明的爸爸"))
                .add(PLAIN.createObjectNode().put("family_id", "").put("family_name", "监护人"));

        WuhanMapper.Listed listed = WuhanMapper.member(TENANT, members(list).get(0));

        // blank org and family ids are skipped, a repeated org is one department
        List<String> lines = new ArrayList<>();
        lines.add(CanonicalJson.toEscapedLine(listed.member()));
        listed.parents().forEach(p -> lines.add(CanonicalJson.toEscapedLine(p)));
        String head = "{\"kind\":\"member\",\"source\":\"wuhan-edu\",\"tenant\":\"wh-school\",";
        assertSame("wuhan-edu member", Golden.MEMBER_FIELDS, lines, head + """
                "id":"xxx","name":"王的明","role":"student","departmentIds":["%s"],"mobile":null,"email":null,
                "status":"active","relations":[{"id":"%s","role":"parent","relation":"妈妈"},
                                               {"id":"%s","role":"parent","relation":"爸爸"}],
                "attributes":{"esn":"","student_staff_id":"xyxyxy"}}""".formatted(KLASS, MOTHER, FATHER), head + """
                "id":"%s","name":null,"role":"parent","departmentIds":["%s"],"mobile":null,"email":null,
                "status":"active","relations":[{"id":"xxx","role":"student","relation":"妈妈"}],
                "attributes":{}}""".formatted(MOTHER, KLASS), head + """
                "id":"%s","name":null,"role":"parent","departmentIds":["%s"],"mobile":null,"email":null,
                "status":"active","relations":[{"id":"xxx","role":"student","relation":"爸爸"}],
                "attributes":{}}""".formatted(FATHER, KLASS));
    }

    @Test
    void aTeachersFamilyStaysAsSentAndAnUnaskedUserTypeIsAnEmployeeWithTheVendorsValue() throws Exception {
        JsonNode list = memberList();
        ObjectNode teacher = (ObjectNode) list.path("result").path("member_list").get(0);
        teacher.putArray("user_family")
                .add(PLAIN.createObjectNode().put("family_id", FATHER).put("family_name", "xxx的爸爸"));
        ((ObjectNode) list.path("result").path("member_list").get(1)).put("user_type", "2");
        List<WireMember> members = members(list);

        WuhanMapper.Listed withFamily = WuhanMapper.member(TENANT, members.get(0));
        Member other = WuhanMapper.member(TENANT, members.get(1)).member();

        assertThat(withFamily.parents()).isEmpty();
        assertThat(withFamily.member().relations()).isEmpty();
        assertThat(withFamily.member().attributes().toString()).isEqualTo("{\"esn\":\"\",\"student_staff_id\":"
                + "\"xyxyxy\",\"user_family\":[{\"family_id\":\"" + FATHER + "\",\"family_name\":\"xxx的爸爸\"}]}");
        assertThat(other.role()).isEqualTo(Role.EMPLOYEE);
        assertThat(other.attributes().get("vendorUserType").asText()).isEqualTo("2");
    }

    @Test
    void anEntryWithoutUserIdFailsTheRun() throws Exception {
        JsonNode list = memberList();
        ((ObjectNode) list.path("result").path("member_list").get(0)).put("user_id", " ");
        WireMember member = members(list).get(0);

        assertThatThrownBy(() -> WuhanMapper.member(TENANT, member))
                .isInstanceOf(RunFailedException.class)
                .hasMessage("wuhan-edu: the member list has an entry without user_id (xxx)");
    }

    @Test
    void theSchoolItsChildrenAndOrgNodesSeenOnlyOnMembersAreDepartmentsOfTheirOrgType() throws Exception {
        // org_type: 2 school, 7 class, 9 teaching studio (no canonical type, kept as vendorType)
        Department school = WuhanMapper.root(TENANT, SCHOOL, CanonicalJson.MAPPER.treeToValue(PLAIN.readTree(
                "{\"org_id\":\"" + SCHOOL + "\",\"org_name\":\"武汉市星河小学\",\"org_type\":2,\"status\":1,\"flag\":0}"),
                WuhanWire.OrgInfo.class));
        Department klass = WuhanMapper.child(TENANT, SCHOOL, CanonicalJson.MAPPER.treeToValue(PLAIN.readTree(
                "{\"org_id\":\"" + KLASS + "\",\"org_name\":\" \",\"org_type\":7,\"display_order\":3,"
                        + "\"has_child\":false}"), WuhanWire.ChildOrg.class));
        Department studio = WuhanMapper.derived(TENANT, SCHOOL, CanonicalJson.MAPPER.treeToValue(PLAIN.readTree(
                "{\"org_id\":\"d9\",\"org_type\":\"9\"}"), WuhanWire.UserOrg.class));

        String head = "{\"kind\":\"department\",\"source\":\"wuhan-edu\",\"tenant\":\"wh-school\",";
        assertSame("wuhan-edu department", Golden.DEPARTMENT_FIELDS, List.of(CanonicalJson.toEscapedLine(school),
                CanonicalJson.toEscapedLine(klass), CanonicalJson.toEscapedLine(studio)), head + """
                "id":"%s","parentId":null,"name":"武汉市星河小学","type":"school","order":null,"path":[],
                "attributes":{"flag":0,"status":1}}""".formatted(SCHOOL), head + """
                "id":"%s","parentId":"%s","name":null,"type":"class","order":3,"path":[],
                "attributes":{"has_child":false}}""".formatted(KLASS, SCHOOL), head + """
                "id":"d9","parentId":"%s","name":"d9","type":"department","order":null,"path":[],
                "attributes":{"derivedFrom":"user_org","vendorType":"9"}}""".formatted(SCHOOL));
    }

    @Test
    void theDocumentedChildListGivesThreeInstitutionsUnderTheOrgAskedFor() throws Exception {
        String text = resource("vendor-examples/wuhan-edu/child-list.json");
        // as published, each entry ends with a comma before its closing brace: no JSON serialiser
        // sends that, and the product's reader refuses it, so the example is read leniently here
        assertThatThrownBy(() -> CanonicalJson.MAPPER.readTree(text)).isInstanceOf(JsonProcessingException.class);
        JsonNode result = JsonMapper.builder().enable(JsonReadFeature.ALLOW_TRAILING_COMMA).build().readTree(text)
                .path("result");

        List<String> lines = new ArrayList<>();
        for (JsonNode entry : result) {
            ChildOrg child = CanonicalJson.MAPPER.treeToValue(entry, ChildOrg.class);
            lines.add(CanonicalJson.toEscapedLine(WuhanMapper.child(TENANT, SCHOOL, child)));
        }

        // the parent is the org asked for (the answer does not repeat it); org_type "1" (institution)
        // has no canonical type and is kept as vendorType; no display_order, so no order; child_type
        // stays in the attributes; the one id "xxx" under three names is for the tree walk, not the mapper
        String child = """
                {"kind":"department","source":"wuhan-edu","tenant":"wh-school","id":"xxx","parentId":"%s",
                 "name":"%s","type":"department","order":null,"path":[],
                 "attributes":{"child_type":"%s","vendorType":"1"}}""";
        assertSame("wuhan-edu department", Golden.DEPARTMENT_FIELDS, lines,
                child.formatted(SCHOOL, "xx市教育局", "1"), child.formatted(SCHOOL, "xx市电教馆", "1"),
                child.formatted(SCHOOL, "xx区电育局", "2"));
    }

    private static JsonNode memberList() throws Exception {
        return CanonicalJson.MAPPER.readTree(resource("vendor-examples/wuhan-edu/member-list.json"));
    }

    private static List<WireMember> members(JsonNode body) throws Exception {
        return CanonicalJson.MAPPER.treeToValue(body.path("result"), WuhanWire.MemberPage.class).memberList();
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
