package io.orgsync.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.orgsync.simulator.SimClient.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Changes to the simulated organisation, as every vendor serving it answers them, and the
 * simulator's own account of what a sync of each source should then report.
 */
class OrgChangesTest {

    private static final String SCHOOL_DEPARTMENTS = "/cgi-bin/school/department/list";
    private static final String SCHOOL_USERS = "/cgi-bin/school/user/list";
    private static final String SCHOOL_PARENTS = "/cgi-bin/school/user/list_parent";
    private static final String WUHAN_MEMBERS = "/user/openapi/user/get-org-member-simple-list";
    private static final String WUHAN_PARENTS = "/user/openapi/user/get-org-parents-list";
    private static final String WUHAN_CHILDREN = "/user/openapi/org-tree/get-child-list";
    private static final String FEISHU_CHILDREN = "/open-apis/contact/v3/departments/%s/children";
    private static final String FEISHU_USERS = "/open-apis/contact/v3/users/find_by_department";

    private VendorSimulator sim;
    private SimClient client;
    private SchoolOrg school;
    private CompanyOrg company;

    @BeforeEach
    void start() {
        sim = VendorSimulator.start(SimulatorConfig.defaults().withSchool(new SchoolShape(1, 2, 2, 2, 6))
                .withCompany(new CompanyShape(12, 4, 40)));
        client = new SimClient(sim);
        school = sim.school();
        company = sim.company();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void anEmptyBatchServesByteForByteWhatTheGeneratedOrganisationServes() {
        Map<String, String> schoolBefore = schoolAnswers();
        Map<String, String> companyBefore = companyAnswers();
        OrgSnapshot before = sim.snapshot();

        school.change().apply();
        company.change().apply();

        assertThat(school.changed()).as("the school is now served from its spelt-out view").isTrue();
        assertSameAnswers(schoolAnswers(), schoolBefore);
        assertSameAnswers(companyAnswers(), companyBefore);
        for (Vendor source : Vendor.values()) {
            assertThat(sim.changesSince(before, source).isEmpty()).as("%s", source).isTrue();
        }
    }

    @Test
    void schoolChangesShowInWecomSchoolAndWuhanAlike() {
        SchoolOrg.Department grade = firstOfType(SchoolOrg.TYPE_GRADE);
        SchoolOrg.Department otherGrade = school.departments().stream()
                .filter(d -> d.type() == SchoolOrg.TYPE_GRADE && d.id() != grade.id()).findFirst().orElseThrow();
        SchoolOrg.Department renamed = classesOf(grade).get(0);
        SchoolOrg.Department moved = classesOf(grade).get(1);
        SchoolOrg.Student leaving = school.student("s1");
        SchoolOrg.Student changingClass = school.student("s4");
        SchoolOrg.Teacher teacher = school.teacher(renamed.admins().get(0).userId());

        SchoolChanges change = school.change();
        int newClass = change.addDepartment(otherGrade.id(), "新建班", SchoolOrg.TYPE_CLASS);
        String newcomer = change.addStudent("林晓", newClass);
        String newParent = change.addParent(newcomer, "妈妈");
        change.renameDepartment(renamed.id(), "改名班")
                .moveDepartment(moved.id(), otherGrade.id())
                .moveStudent(changingClass.id(), newClass)
                .deleteStudent(leaving.id())
                .deleteTeacher(teacher.id())
                .apply();

        // WeCom school
        Map<Integer, JsonNode> departments = new LinkedHashMap<>();
        client.wecom(SCHOOL_DEPARTMENTS).json().get("departments").forEach(d -> departments.put(d.get("id").asInt(), d));
        assertThat(departments.get(renamed.id()).get("name").asText()).isEqualTo("改名班");
        assertThat(departments.get(moved.id()).get("parentid").asInt()).isEqualTo(otherGrade.id());
        assertThat(departments.get(newClass).get("parentid").asInt()).isEqualTo(otherGrade.id());
        assertThat(departments.get(renamed.id()).get("department_admins").findValuesAsText("userid"))
                .doesNotContain(teacher.id());
        assertThat(ids(client.wecom(SCHOOL_USERS, "department_id", newClass).json().get("students"), "student_userid"))
                .containsExactly(changingClass.id(), newcomer);
        JsonNode newcomerRow = client.wecom(SCHOOL_USERS, "department_id", newClass).json().get("students").get(1);
        assertThat(newcomerRow.get("parents").get(0).get("parent_userid").asText()).isEqualTo(newParent);
        int homeOfLeaving = leaving.classIds().get(0);
        assertThat(ids(client.wecom(SCHOOL_USERS, "department_id", homeOfLeaving).json().get("students"), "student_userid"))
                .doesNotContain(leaving.id(), changingClass.id());
        assertThat(ids(client.wecom(SCHOOL_PARENTS, "department_id", newClass).json().get("parents"), "parent_userid"))
                .contains(newParent);

        // Wuhan, the same school
        String top = school.wuhanTopOrgId();
        JsonNode children = client.wuhan(WUHAN_CHILDREN, "org_id", otherGrade.wuhanId()).json().get("result");
        assertThat(children.findValuesAsText("org_id")).contains(moved.wuhanId(), school.department(newClass).wuhanId());
        assertThat(client.wuhan(WUHAN_CHILDREN, "org_id", grade.wuhanId()).json().get("result").findValuesAsText("org_id"))
                .doesNotContain(moved.wuhanId());
        Map<String, JsonNode> members = wuhanMembers(top);
        assertThat(members).doesNotContainKey(leaving.wuhanId()).doesNotContainKey(teacher.wuhanId());
        SchoolOrg.Student added = school.student(newcomer);
        assertThat(members.get(added.wuhanId()).get("user_org").findValuesAsText("org_id"))
                .containsExactly(school.department(newClass).wuhanId());
        assertThat(members.get(added.wuhanId()).get("user_family").get(0).get("family_name").asText())
                .isEqualTo("林晓的妈妈");
        assertThat(members.get(changingClass.wuhanId()).get("user_org").findValuesAsText("org_id").get(0))
                .isEqualTo(school.department(newClass).wuhanId());
        Set<String> parents = wuhanParents(top);
        for (SchoolOrg.StudentParent p : leaving.parents()) {
            boolean otherChild = school.parents().stream().anyMatch(x -> x.id().equals(p.parentId()));
            assertThat(parents.contains(p.wuhanParentId())).as("parent %s has another child", p.parentId())
                    .isEqualTo(otherChild);
        }
        assertThat(parents).contains(school.parent(newParent).wuhanId());

        // ground truth agrees with both
        assertThat(school.student(leaving.id())).isNull();
        assertThat(school.studentCount()).isEqualTo(new SchoolShape(1, 2, 2, 2, 6).students());
        assertThat(school.teacher(teacher.id())).isNull();
        assertThat(school.department(moved.id()).parentId()).isEqualTo(otherGrade.id());
    }

    @Test
    void companyChangesShowInWecomAndFeishuAlike() {
        CompanyOrg.Department renamed = company.department(3);
        CompanyOrg.Department moved = company.departments().stream()
                .filter(d -> d.depth() >= 2 && company.childrenOf(d.id() - 1).length == 0).findFirst().orElseThrow();
        CompanyOrg.Employee leaving = company.employee("u9");
        CompanyOrg.Employee transferred = company.employee("u10");

        CompanyChanges change = company.change();
        int lab = change.addDepartment(1, "创新实验室");
        String newcomer = change.addEmployee("林晓", lab);
        change.renameDepartment(renamed.id(), "研发中心")
                .moveDepartment(moved.id(), 1)
                .moveEmployee(transferred.id(), lab)
                .deleteEmployee(leaving.id())
                .apply();

        Map<Integer, JsonNode> departments = new LinkedHashMap<>();
        client.wecom("/cgi-bin/department/list").json().get("department").forEach(d -> departments.put(d.get("id").asInt(), d));
        assertThat(departments.get(renamed.id()).get("name").asText()).isEqualTo("研发中心");
        assertThat(departments.get(moved.id()).get("parentid").asInt()).isEqualTo(1);
        assertThat(departments.get(lab).get("parentid").asInt()).isEqualTo(1);
        assertThat(ids(client.wecom("/cgi-bin/user/list", "department_id", lab).json().get("userlist"), "userid"))
                .containsExactly(transferred.id(), newcomer);
        for (int d : leaving.departmentIds()) {
            assertThat(ids(client.wecom("/cgi-bin/user/list", "department_id", d).json().get("userlist"), "userid"))
                    .doesNotContain(leaving.id());
        }
        assertThat(client.post("/cgi-bin/user/list_id" + query("access_token", client.wecomToken()), Map.of())
                .json().get("dept_user").findValuesAsText("userid")).contains(newcomer).doesNotContain(leaving.id());

        CompanyOrg.Department labRecord = company.department(lab);
        JsonNode tree = client.feishu(String.format(FEISHU_CHILDREN, "0"), "fetch_child", true, "page_size", 50)
                .json().get("data").get("items");
        Map<String, JsonNode> feishuDepartments = new LinkedHashMap<>();
        tree.forEach(d -> feishuDepartments.put(d.get("open_department_id").asText(), d));
        assertThat(feishuDepartments.get(renamed.feishuOpenId()).get("name").asText()).isEqualTo("研发中心");
        assertThat(feishuDepartments.get(moved.feishuOpenId()).get("parent_department_id").asText()).isEqualTo("0");
        assertThat(feishuDepartments.get(labRecord.feishuOpenId()).get("member_count").asInt()).isEqualTo(2);
        JsonNode labUsers = client.feishu(FEISHU_USERS, "department_id", labRecord.feishuOpenId(), "page_size", 50)
                .json().get("data").get("items");
        assertThat(labUsers.findValuesAsText("user_id")).containsExactly(transferred.id(), newcomer);
        assertThat(labUsers.get(0).get("department_ids").get(0).asText()).isEqualTo(labRecord.feishuOpenId());
        for (int d : leaving.departmentIds()) {
            assertThat(client.feishu(FEISHU_USERS, "department_id", company.department(d).feishuOpenId(), "page_size", 50)
                    .json().get("data").get("items").findValuesAsText("user_id")).doesNotContain(leaving.id());
        }
        assertThat(company.employee(leaving.id())).isNull();
        assertThat(company.employeeCount()).isEqualTo(40);
    }

    @Test
    void aDeletedDepartmentOrPersonIsGoneEverywhereAndComesBackWithItsIds() {
        SchoolOrg.Department grade = firstOfType(SchoolOrg.TYPE_GRADE);
        SchoolChanges schoolChange = school.change();
        int empty = schoolChange.addDepartment(grade.id(), "临时班", SchoolOrg.TYPE_CLASS);
        schoolChange.apply();
        String emptyWuhanId = school.department(empty).wuhanId();
        SchoolOrg.Student student = school.student("s2");
        CompanyOrg.Employee employee = company.employee("u3");
        CompanyChanges companyChange = company.change();
        int emptyDept = companyChange.addDepartment(2, "空部门");
        companyChange.apply();

        school.change().deleteDepartment(empty).deleteStudent(student.id()).apply();
        company.change().deleteDepartment(emptyDept).deleteEmployee(employee.id()).apply();

        assertThat(client.wecom(SCHOOL_USERS, "department_id", empty).json().get("errcode").asInt()).isEqualTo(60003);
        assertThat(client.wuhan(WUHAN_CHILDREN, "org_id", emptyWuhanId).json().get("code").asText()).isEqualTo("100001");
        assertThat(wuhanMembers(school.wuhanTopOrgId())).doesNotContainKey(student.wuhanId());
        assertThat(client.wecom("/cgi-bin/department/get", "id", emptyDept).json().get("errcode").asInt()).isEqualTo(60003);

        school.change().reviveDepartment(empty).reviveStudent(student.id()).apply();
        company.change().reviveDepartment(emptyDept).reviveEmployee(employee.id()).apply();

        assertThat(school.department(empty).wuhanId()).isEqualTo(emptyWuhanId);
        assertThat(school.student(student.id())).isEqualTo(student);
        assertThat(wuhanMembers(school.wuhanTopOrgId())).containsKey(student.wuhanId());
        assertThat(company.employee(employee.id())).isEqualTo(employee);
        assertThat(client.wecom("/cgi-bin/department/get", "id", emptyDept).json().get("department").get("name").asText())
                .isEqualTo("空部门");
    }

    @Test
    void theDiffFollowsTheCanonicalRulesOfEachSource() {
        OrgSnapshot start = sim.snapshot();
        SchoolOrg.Department grade = firstOfType(SchoolOrg.TYPE_GRADE);
        SchoolOrg.Department cls = classesOf(grade).get(0);

        school.change().renameDepartment(cls.id(), "改名班").apply();
        OrgDiff renamed = sim.changesSince(start, Vendor.WECOM_SCHOOL);
        assertThat(renamed.updatedDepartments()).containsExactly(Integer.toString(cls.id()));
        assertThat(renamed.updated()).isEqualTo(1);
        assertThat(renamed.created() + renamed.deleted()).isZero();
        assertThat(sim.changesSince(start, Vendor.WUHAN).updatedDepartments()).containsExactly(cls.wuhanId());
        assertThat(sim.changesSince(start, Vendor.WECOM).isEmpty()).as("the company did not change").isTrue();

        // a student whose parents have no other child takes them along; a shared parent loses a child
        OrgSnapshot beforeDelete = sim.snapshot();
        SchoolOrg.Student onlyChild = school.students().stream()
                .filter(s -> s.parents().stream().allMatch(p -> school.parent(p.parentId()).children().size() == 1))
                .findFirst().orElseThrow();
        SchoolOrg.Parent shared = school.parents().stream().filter(p -> p.children().size() > 1).findFirst().orElseThrow();
        String sibling = shared.children().get(0).studentId();
        school.change().deleteStudent(onlyChild.id()).deleteStudent(sibling).apply();
        OrgDiff deleted = sim.changesSince(beforeDelete, Vendor.WECOM_SCHOOL);
        Set<String> gone = new HashSet<>(List.of(onlyChild.id(), sibling));
        onlyChild.parents().forEach(p -> gone.add(p.parentId()));
        assertThat(deleted.deletedMembers()).containsExactlyInAnyOrderElementsOf(gone);
        assertThat(deleted.updatedMembers()).contains(shared.id());
        assertThat(deleted.updatedDepartments()).isEmpty();

        // moving a grade moves its classes' paths too
        OrgSnapshot beforeMove = sim.snapshot();
        SchoolOrg.Department stage = school.departments().stream()
                .filter(d -> d.type() == SchoolOrg.TYPE_STAGE && d.id() != grade.parentId()).findFirst().orElseThrow();
        school.change().moveDepartment(grade.id(), stage.id()).apply();
        OrgDiff movedGrade = sim.changesSince(beforeMove, Vendor.WECOM_SCHOOL);
        Set<String> subtree = new HashSet<>();
        subtree.add(Integer.toString(grade.id()));
        classesOf(grade).forEach(c -> subtree.add(Integer.toString(c.id())));
        assertThat(movedGrade.updatedDepartments()).containsExactlyInAnyOrderElementsOf(subtree);
        assertThat(movedGrade.createdDepartments()).isEmpty();

        // Feishu counts members in every department above: a newcomer updates them
        OrgSnapshot beforeHire = sim.snapshot();
        CompanyOrg.Department deep = company.departments().stream().filter(d -> d.depth() == 3).findFirst().orElseThrow();
        CompanyChanges hire = company.change();
        String newcomer = hire.addEmployee("林晓", deep.id());
        hire.apply();
        OrgDiff feishu = sim.changesSince(beforeHire, Vendor.FEISHU);
        assertThat(feishu.createdMembers()).containsExactly(company.employee(newcomer).openId());
        assertThat(feishu.updatedDepartments()).contains(deep.feishuOpenId());
        OrgDiff wecom = sim.changesSince(beforeHire, Vendor.WECOM);
        assertThat(wecom.createdMembers()).containsExactly(newcomer);
        assertThat(wecom.updatedDepartments()).as("WeCom lists no member counts").allMatch(id ->
                company.department(Integer.parseInt(id)).leaderIds().contains(newcomer));

        // revived records count as created
        OrgSnapshot beforeRevive = sim.snapshot();
        school.change().reviveStudent(onlyChild.id()).apply();
        OrgDiff revived = sim.changesSince(beforeRevive, Vendor.WECOM_SCHOOL);
        Set<String> back = new HashSet<>(Set.of(onlyChild.id()));
        onlyChild.parents().forEach(p -> back.add(p.parentId()));
        assertThat(revived.createdMembers()).containsExactlyInAnyOrderElementsOf(back);
    }

    @Test
    void refusesWhatTheVendorsWouldRefuse() {
        SchoolOrg.Department grade = firstOfType(SchoolOrg.TYPE_GRADE);
        assertThatThrownBy(() -> school.change().deleteDepartment(grade.id())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sub-department");
        SchoolOrg.Department cls = classesOf(grade).get(0);
        assertThatThrownBy(() -> school.change().deleteDepartment(cls.id())).hasMessageContaining("student");
        assertThatThrownBy(() -> school.change().moveDepartment(grade.id(), cls.id())).hasMessageContaining("below itself");
        assertThatThrownBy(() -> school.change().moveStudent("s1", grade.id())).hasMessageContaining("not a class");
        assertThatThrownBy(() -> school.change().reviveStudent("s1")).hasMessageContaining("not a deleted student");
        assertThatThrownBy(() -> company.change().deleteDepartment(1)).hasMessageContaining("root");
        assertThatThrownBy(() -> sim.snapshot().school().change()).isInstanceOf(IllegalStateException.class);
        assertThat(school.changed()).as("a refused call changes nothing").isFalse();
    }

    // ---------------------------------------------------------------- helpers

    private static void assertSameAnswers(Map<String, String> actual, Map<String, String> expected) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((request, answer) -> assertThat(actual.get(request)).as(request).isEqualTo(answer));
    }

    private SchoolOrg.Department firstOfType(int type) {
        return school.departments().stream().filter(d -> d.type() == type).findFirst().orElseThrow();
    }

    private List<SchoolOrg.Department> classesOf(SchoolOrg.Department grade) {
        return school.departments().stream().filter(d -> d.parentId() == grade.id()).toList();
    }

    private static List<String> ids(JsonNode rows, String field) {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.get(field).asText()));
        return out;
    }

    private Map<String, JsonNode> wuhanMembers(String top) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        client.wuhan(WUHAN_MEMBERS, "top_org_id", top, "org_id", top, "org_recursion", 1, "user_type", "0,1",
                "need_type", "dep,edu,family", "page", 1, "page_size", 500).json().get("result").get("member_list")
                .forEach(m -> out.put(m.get("user_id").asText(), m));
        return out;
    }

    private Set<String> wuhanParents(String top) {
        Set<String> out = new HashSet<>();
        String token = client.wuhanToken();
        for (int page = 1; ; page++) {
            JsonNode list = client.post(WUHAN_PARENTS + query("accessToken", token),
                    Map.of("top_org_id", top, "page", page, "page_size", 100)).json().get("result").get("member_list");
            list.forEach(p -> out.add(p.get("user_id").asText()));
            if (list.size() < 100) {
                return out;
            }
        }
    }

    /** Every answer a sync of WeCom school or Wuhan could ask for, by request. */
    private Map<String, String> schoolAnswers() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("departments", client.wecom(SCHOOL_DEPARTMENTS).body());
        String top = school.wuhanTopOrgId();
        for (SchoolOrg.Department d : school.departments()) {
            out.put("users " + d.id(), client.wecom(SCHOOL_USERS, "department_id", d.id()).body());
            out.put("parents " + d.id(), client.wecom(SCHOOL_PARENTS, "department_id", d.id()).body());
            out.put("sub " + d.id(), client.wecom(SCHOOL_DEPARTMENTS, "id", d.id()).body());
            out.put("children " + d.id(), client.wuhan(WUHAN_CHILDREN, "org_id", d.wuhanId()).body());
            out.put("members " + d.id(), client.wuhan(WUHAN_MEMBERS, "top_org_id", top, "org_id", d.wuhanId(),
                    "org_recursion", 1, "need_type", "dep,edu,family", "page", 1, "page_size", 500).body());
            out.put("direct " + d.id(), client.wuhan(WUHAN_MEMBERS, "org_id", d.wuhanId(), "need_type", "dep,edu,family",
                    "page", 1, "page_size", 500).body());
        }
        out.put("school", client.wuhan(WUHAN_MEMBERS, "top_org_id", top, "need_type", "dep,edu,family", "page", 1,
                "page_size", 500).body());
        String token = client.wuhanToken();
        out.put("parent list", client.post(WUHAN_PARENTS + query("accessToken", token),
                Map.of("top_org_id", top, "page", 1, "page_size", 100)).body());
        return out;
    }

    /** Every answer a sync of WeCom or Feishu could ask for, by request. */
    private Map<String, String> companyAnswers() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("list", client.wecom("/cgi-bin/department/list").body());
        out.put("simplelist", client.wecom("/cgi-bin/department/simplelist").body());
        out.put("list_id", client.post("/cgi-bin/user/list_id" + query("access_token", client.wecomToken()),
                Map.of("limit", 7)).body());
        out.put("tree", client.feishu(String.format(FEISHU_CHILDREN, "0"), "fetch_child", true, "page_size", 50).body());
        for (CompanyOrg.Department d : company.departments()) {
            out.put("get " + d.id(), client.wecom("/cgi-bin/department/get", "id", d.id()).body());
            out.put("users " + d.id(), client.wecom("/cgi-bin/user/list", "department_id", d.id()).body());
            out.put("simple " + d.id(), client.wecom("/cgi-bin/user/simplelist", "department_id", d.id()).body());
            out.put("children " + d.id(), client.feishu(String.format(FEISHU_CHILDREN, d.feishuOpenId()),
                    "page_size", 50).body());
            out.put("find " + d.id(), client.feishu(FEISHU_USERS, "department_id", d.feishuOpenId(), "page_size", 50)
                    .body());
        }
        return out;
    }
}
