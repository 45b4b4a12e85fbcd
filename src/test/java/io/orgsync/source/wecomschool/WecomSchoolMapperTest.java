package io.orgsync.source.wecomschool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Department;
import io.orgsync.model.DepartmentType;
import io.orgsync.model.Member;
import io.orgsync.source.wecomschool.WecomSchoolWire.SchoolDepartment;
import io.orgsync.source.wecomschool.WecomSchoolWire.Student;
import io.orgsync.testing.Golden;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.orgsync.testing.Golden.resource;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * WeCom school's documented example answers (vendor-examples/wecom-school) read as the product
 * reads them and mapped by {@link WecomSchoolMapper} alone, against records written out here by
 * hand from the vendor's pages. No run: parents stay as WeCom sent them, and departments outside
 * the synced tree are still listed on the students.
 */
class WecomSchoolMapperTest {

    private static final String TENANT = "ww-school";
    private static final ObjectMapper PLAIN = new ObjectMapper();

    @Test
    void theDocumentedDepartmentListGivesAGradeAndAClassWithTheirAdmins() throws Exception {
        List<Department> mapped = departments(departmentList()).stream()
                .map(d -> WecomSchoolMapper.department(TENANT, d))
                .toList();

        // type 2 is a grade, 1 a class; admins keep their type and subject (null when not sent) after
        // the sorted unmapped fields; the class sends no order
        assertSame("wecom-school department", Golden.DEPARTMENT_FIELDS,
                mapped.stream().map(CanonicalJson::toEscapedLine).toList(), """
                {"kind":"department","source":"wecom-school","tenant":"ww-school","id":"2","parentId":"1",
                 "name":"一年级","type":"grade","order":1,"path":[],"attributes":{
                   "is_graduated":0,"register_year":2018,"standard_grade":1,
                   "admins":[{"userId":"zhangsan","type":1,"subject":null},{"userId":"lisi","type":2,"subject":null}]}}""", """
                {"kind":"department","source":"wecom-school","tenant":"ww-school","id":"3","parentId":"1",
                 "name":"一年级一班","type":"class","order":null,"path":[],"attributes":{
                   "group_chat_id":"group_chat_id","open_group_chat":1,
                   "admins":[{"userId":"zhangsan","type":3,"subject":"语文"},{"userId":"lisi","type":4,"subject":"数学"}]}}""");
    }

    @Test
    void eachVendorTypeIsItsCanonicalTypeAndAnUnknownOneIsKept() throws Exception {
        // WeCom school's type: 1 class, 2 grade, 3 stage, 4 campus, 5 school
        DepartmentType[] expected = {null, DepartmentType.CLASS, DepartmentType.GRADE, DepartmentType.STAGE,
                DepartmentType.CAMPUS, DepartmentType.SCHOOL};
        for (int type = 1; type <= 6; type++) {
            JsonNode list = departmentList();
            ((ObjectNode) list.path("departments").get(0)).put("type", type);

            Department mapped = WecomSchoolMapper.department(TENANT, departments(list).get(0));

            if (type <= 5) {
                assertThat(mapped.type()).as("type %d", type).isEqualTo(expected[type]);
                assertThat(mapped.attributes().has("vendorType")).isFalse();
            } else {
                assertThat(mapped.type()).isEqualTo(DepartmentType.DEPARTMENT);
                assertThat(mapped.attributes().get("vendorType").asInt()).isEqualTo(6);
            }
        }
    }

    @Test
    void theDocumentedStudentListGivesTwoStudentsAndTheirFourParents() throws Exception {
        List<String> lines = new ArrayList<>();
        for (Student student : students(studentList())) {
            lines.add(CanonicalJson.toEscapedLine(WecomSchoolMapper.student(TENANT, student)));
            WecomSchoolMapper.parents(TENANT, student).forEach(p -> lines.add(CanonicalJson.toEscapedLine(p)));
        }

        // students are related to each parent by the vendor's word; parents have no name, their
        // child's departments, a relation back to the child, and is_subscribe/external_userid as sent
        assertSame("wecom-school member", Golden.MEMBER_FIELDS, lines, """
                {"kind":"member","source":"wecom-school","tenant":"ww-school","id":"zhangsan","name":"张三",
                 "role":"student","departmentIds":["1","2"],"mobile":null,"email":null,"status":"active",
                 "relations":[{"id":"zhangsan_parent1","role":"parent","relation":"爸爸"},
                              {"id":"zhangsan_parent2","role":"parent","relation":"妈妈"}],"attributes":{}}""", """
                {"kind":"member","source":"wecom-school","tenant":"ww-school","id":"zhangsan_parent1","name":null,
                 "role":"parent","departmentIds":["1","2"],"mobile":"18000000001","email":null,"status":"active",
                 "relations":[{"id":"zhangsan","role":"student","relation":"爸爸"}],
                 "attributes":{"external_userid":"xxx","is_subscribe":1}}""", """
                {"kind":"member","source":"wecom-school","tenant":"ww-school","id":"zhangsan_parent2","name":null,
                 "role":"parent","departmentIds":["1","2"],"mobile":"18000000002","email":null,"status":"active",
                 "relations":[{"id":"zhangsan","role":"student","relation":"妈妈"}],
                 "attributes":{"is_subscribe":0}}""", """
                {"kind":"member","source":"wecom-school","tenant":"ww-school","id":"lisi","name":"李四",
                 "role":"student","departmentIds":["4","5"],"mobile":null,"email":null,"status":"active",
                 "relations":[{"id":"lisi_parent1","role":"parent","relation":"爷爷"},
                              {"id":"lisi_parent2","role":"parent","relation":"妈妈"}],"attributes":{}}""", """
                {"kind":"member","source":"wecom-school","tenant":"ww-school","id":"lisi_parent1","name":null,
                 "role":"parent","departmentIds":["4","5"],"mobile":"18000000003","email":null,"status":"active",
                 "relations":[{"id":"lisi","role":"student","relation":"爷爷"}],
                 "attributes":{"external_userid":"xxx","is_subscribe":1}}""", """
                {"kind":"member","source":"wecom-school","tenant":"ww-school","id":"lisi_parent2","name":null,
                 "role":"parent","departmentIds":["4","5"],"mobile":"18000000004","email":null,"status":"active",
                 "relations":[{"id":"lisi","role":"student","relation":"妈妈"}],
                 "attributes":{"external_userid":"xxx","is_subscribe":1}}""");
    }

    @Test
    void aParentsBlankMobileIsNoValue() throws Exception {
        // third-party apps are never given parents' mobiles
        JsonNode list = studentList();
        ((ObjectNode) list.path("students").get(0).path("parents").get(0)).put("mobile", "");

        Member parent = WecomSchoolMapper.parents(TENANT, students(list).get(0)).get(0);

        assertThat(parent.id()).isEqualTo("zhangsan_parent1");
        assertThat(parent.mobile()).isNull();
        assertThat(parent.attributes().has("mobile")).isFalse();
    }

    @Test
    void aStudentWithoutParentsOrDepartmentsIsJustTheStudent() throws Exception {
        JsonNode list = studentList();
        ((ObjectNode) list.path("students").get(0)).remove(List.of("parents", "department"));
        Student student = students(list).get(0);

        assertThat(WecomSchoolMapper.student(TENANT, student).relations()).isEmpty();
        assertThat(WecomSchoolMapper.student(TENANT, student).departmentIds()).isEmpty();
        assertThat(WecomSchoolMapper.parents(TENANT, student)).isEmpty();
    }

    private static JsonNode departmentList() throws Exception {
        return CanonicalJson.MAPPER.readTree(resource("vendor-examples/wecom-school/department-list.json"));
    }

    private static JsonNode studentList() throws Exception {
        return CanonicalJson.MAPPER.readTree(resource("vendor-examples/wecom-school/user-list.json"));
    }

    private static List<SchoolDepartment> departments(JsonNode body) throws Exception {
        return CanonicalJson.MAPPER.treeToValue(body, WecomSchoolWire.DepartmentList.class).departments();
    }

    private static List<Student> students(JsonNode body) throws Exception {
        return CanonicalJson.MAPPER.treeToValue(body, WecomSchoolWire.StudentList.class).students();
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
