package io.orgsync.simulator;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class OrgGeneratorTest {

    private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");

    @Test
    void sameSeedGivesTheSameOrganisationAndAnotherSeedAnother() {
        SchoolOrg a = SchoolOrg.generate(SchoolShape.demo(), 7, null);
        SchoolOrg b = SchoolOrg.generate(SchoolShape.demo(), 7, null);
        SchoolOrg c = SchoolOrg.generate(SchoolShape.demo(), 8, null);
        assertThat(b.departments()).isEqualTo(a.departments());
        assertThat(new ArrayList<>(b.students())).isEqualTo(new ArrayList<>(a.students()));
        assertThat(new ArrayList<>(b.parents())).isEqualTo(new ArrayList<>(a.parents()));
        assertThat(b.teachers()).isEqualTo(a.teachers());
        assertThat(new ArrayList<>(c.students())).isNotEqualTo(new ArrayList<>(a.students()));

        CompanyOrg x = CompanyOrg.generate(CompanyShape.demo(), 7);
        CompanyOrg y = CompanyOrg.generate(CompanyShape.demo(), 7);
        CompanyOrg z = CompanyOrg.generate(CompanyShape.demo(), 8);
        assertThat(y.departments()).isEqualTo(x.departments());
        assertThat(new ArrayList<>(y.employees())).isEqualTo(new ArrayList<>(x.employees()));
        assertThat(new ArrayList<>(z.employees())).isNotEqualTo(new ArrayList<>(x.employees()));
    }

    @Test
    void schoolTreeHasTheConfiguredShapeWithAnElectivePerGrade() {
        SchoolShape shape = new SchoolShape(2, 3, 2, 4, 5);
        SchoolOrg school = SchoolOrg.generate(shape, 1, null);
        int grades = 2 * 3 * 2;
        assertThat(school.departments()).hasSize(1 + 2 + 6 + grades + grades * 5);
        Map<Integer, Long> byType = new TreeMap<>();
        for (SchoolOrg.Department d : school.departments()) {
            byType.merge(d.type(), 1L, Long::sum);
            if (d.isRoot()) {
                assertThat(d.id()).isEqualTo(1);
                assertThat(d.wuhanParentId()).isNull();
            } else {
                SchoolOrg.Department parent = school.department(d.parentId());
                assertThat(parent.type()).as("parent of %s", d.name()).isEqualTo(d.type() + 1);
                assertThat(d.wuhanParentId()).isEqualTo(parent.wuhanId());
            }
        }
        assertThat(byType).containsEntry(5, 1L).containsEntry(4, 2L).containsEntry(3, 6L).containsEntry(2, 12L)
                .containsEntry(1, 60L);
        assertThat(school.studentCount()).isEqualTo(shape.students()).isEqualTo(240);
        // grades carry the grade fields, classes the group chat flag, and admins are teachers
        SchoolOrg.Department grade = school.departments().stream().filter(d -> d.type() == 2).findFirst().orElseThrow();
        assertThat(grade.registerYear()).isNotNull();
        assertThat(grade.isGraduated()).isZero();
        assertThat(grade.admins()).extracting(SchoolOrg.Admin::type).containsExactly(2);
        Set<String> teacherIds = new HashSet<>();
        school.teachers().forEach(t -> teacherIds.add(t.id()));
        school.departments().forEach(d -> d.admins().forEach(a -> assertThat(teacherIds).contains(a.userId())));
        assertThat(school.departments().stream().filter(d -> d.type() == 1 && d.order() == null)).isNotEmpty();
        assertThat(school.departments().stream().filter(d -> d.type() == 1 && d.order() != null)).isNotEmpty();
    }

    @Test
    void schoolContainsTheAwkwardCases() {
        SchoolOrg school = SchoolOrg.generate(SchoolShape.demo(), 42, null);
        List<SchoolOrg.Student> students = school.students();
        assertThat(students).anyMatch(s -> s.classIds().size() == 2);
        assertThat(students).allMatch(s -> s.classIds().size() <= 2 && !s.parents().isEmpty() && s.parents().size() <= 2);
        assertThat(school.parents()).anyMatch(p -> p.children().size() >= 2);
        assertThat(school.parents()).anyMatch(p -> p.mobile() == null);
        assertThat(school.parents()).anyMatch(p -> p.externalUserId() == null && p.isSubscribe() == 0);
        assertThat(school.parents()).allMatch(p -> (p.externalUserId() != null) == (p.isSubscribe() == 1));
        Set<String> names = new HashSet<>();
        students.forEach(s -> names.add(s.name()));
        for (String[] category : Names.AWKWARD) {
            assertThat(names).as("awkward names %s", List.of(category)).containsAnyOf(category);
        }
        assertThat(names).anyMatch(n -> n.codePoints().anyMatch(cp -> cp > 0xFFFF));
        assertThat(names).noneMatch(n -> n.contains("的"));
        // a Wuhan family title is the student's name + 的 + relation, or the bare relation
        for (SchoolOrg.Student s : students) {
            for (SchoolOrg.StudentParent p : s.parents()) {
                assertThat(p.wuhanFamilyName()).isIn(s.name() + "的" + p.relation(), p.relation());
            }
        }
    }

    @Test
    void derivedParentsMatchTheParentsListedOnStudents() {
        SchoolOrg school = SchoolOrg.generate(new SchoolShape(1, 2, 3, 4, 20), 3, null);
        Map<String, Map<String, String>> fromStudents = new HashMap<>();
        for (SchoolOrg.Student s : school.students()) {
            for (SchoolOrg.StudentParent p : s.parents()) {
                fromStudents.computeIfAbsent(p.parentId(), k -> new HashMap<>()).put(s.id(), p.relation());
                SchoolOrg.Parent parent = school.parent(p.parentId());
                assertThat(parent.mobile()).isEqualTo(p.mobile());
                assertThat(parent.wuhanId()).isEqualTo(p.wuhanParentId());
            }
        }
        Map<String, Map<String, String>> derived = new HashMap<>();
        for (SchoolOrg.Parent p : school.parents()) {
            for (SchoolOrg.Child c : p.children()) {
                derived.computeIfAbsent(p.id(), k -> new HashMap<>()).put(c.studentId(), c.relation());
            }
        }
        assertThat(derived).isEqualTo(fromStudents).hasSize(school.parentCount());
    }

    @Test
    void wuhanIdsAreHexUniqueAndResolveBack() {
        SchoolOrg school = SchoolOrg.generate(SchoolShape.demo(), 42, null);
        Set<String> ids = new HashSet<>();
        for (SchoolOrg.Department d : school.departments()) {
            assertThat(d.wuhanId()).matches(HEX32);
            assertThat(school.wecomDepartmentId(d.wuhanId())).isEqualTo(d.id());
            ids.add(d.wuhanId());
        }
        school.students().forEach(s -> ids.add(s.wuhanId()));
        school.parents().forEach(p -> ids.add(p.wuhanId()));
        school.teachers().forEach(t -> ids.add(t.wuhanId()));
        assertThat(ids).hasSize(school.departments().size() + (int) school.memberCount()).allMatch(i -> HEX32.matcher(i).matches());
        assertThat(school.wecomDepartmentId("0123456789abcdef0123456789abcdef")).isEqualTo(-1);
        SchoolOrg.Student s = school.students().get(17);
        assertThat(school.studentByWuhanId(s.wuhanId())).contains(s);
        assertThat(school.parentByWuhanId(s.parents().get(0).wuhanParentId())).contains(school.parent(s.parents().get(0).parentId()));
        SchoolOrg.Teacher t = school.teachers().get(3);
        assertThat(school.teacherByWuhanId(t.wuhanId())).contains(t);
        assertThat(school.teacher(t.id())).isEqualTo(t);
        assertThat(school.studentByWuhanId(t.wuhanId())).isEmpty();
        assertThat(school.wuhanTopOrgId()).isEqualTo(school.root().wuhanId());
        assertThat(SchoolOrg.generate(SchoolShape.demo(), 42, "00000000000000000000000000000abc").root().wuhanId())
                .isEqualTo("00000000000000000000000000000abc");
    }

    @Test
    void companyIsDeepWithMixedStatusesAndMultiDepartmentEmployees() {
        CompanyOrg company = CompanyOrg.generate(new CompanyShape(40, 8, 300), 5);
        assertThat(company.departments()).hasSize(40);
        assertThat(company.depth()).isEqualTo(8);
        Set<Integer> ids = new HashSet<>();
        company.departments().forEach(d -> ids.add(d.id()));
        for (CompanyOrg.Department d : company.departments()) {
            assertThat(d.isRoot() || ids.contains(d.parentId())).isTrue();
            if (d.isRoot()) {
                assertThat(d.feishuOpenId()).isEqualTo("0");
                assertThat(d.feishuId()).isEqualTo("0");
            } else {
                assertThat(d.feishuOpenId()).startsWith("od-");
                assertThat(d.feishuOpenParentId()).isEqualTo(company.department(d.parentId()).feishuOpenId());
                assertThat(d.feishuParentId()).isEqualTo(company.department(d.parentId()).feishuId());
            }
        }
        List<CompanyOrg.Employee> employees = company.employees();
        Set<Integer> statuses = new HashSet<>();
        employees.forEach(e -> statuses.add(e.status()));
        assertThat(statuses).containsExactlyInAnyOrder(1, 2, 4, 5);
        assertThat(employees).anyMatch(e -> e.departmentIds().size() >= 2);
        assertThat(employees).allMatch(e -> e.departmentIds().size() == Set.copyOf(e.departmentIds()).size());
        assertThat(employees).allMatch(e -> e.mainDepartment() == e.departmentIds().get(0));
        assertThat(employees).anyMatch(e -> e.mobile() == null);
        Set<String> names = new HashSet<>();
        employees.forEach(e -> names.add(e.name()));
        for (String[] category : Names.AWKWARD) {
            assertThat(names).containsAnyOf(category);
        }
        // leaders are members of the department they lead
        for (CompanyOrg.Department d : company.departments()) {
            for (String leader : d.leaderIds()) {
                assertThat(company.employee(leader).departmentIds()).contains(d.id());
            }
        }
        assertThat(company.departmentByFeishuId(company.department(5).feishuOpenId()))
                .contains(company.department(5));
        assertThat(company.departmentByFeishuId("D5")).contains(company.department(5));
    }

    @Test
    void aWideRootHasAtLeastThatManyChildDepartmentsAndDirectMembersAndTheTreeKeepsItsDepth() {
        CompanyOrg company = CompanyOrg.generate(new CompanyShape(120, 4, 900, 60), 3);
        assertThat(company.departments()).hasSize(120);
        assertThat(company.depth()).isEqualTo(4);
        long rootChildren = company.departments().stream().filter(d -> d.parentId() == 1).count();
        long rootMembers = company.employees().stream().filter(e -> e.departmentIds().contains(1)).count();
        assertThat(rootChildren).isGreaterThan(60);
        assertThat(rootMembers).isGreaterThanOrEqualTo(60);
        // the wide part hangs off the root but other departments still nest below it
        assertThat(company.departments()).anyMatch(d -> d.depth() > 1 && d.id() > 4);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CompanyShape(10, 4, 100, 6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wide root");
    }

    // how long generation takes is GeneratorBenchmark's figure (mvn -B -Pbench test), not asserted here

    @Test
    void aHundredThousandMemberSchoolIsGenerated() {
        SchoolOrg school = SchoolOrg.generate(new SchoolShape(4, 3, 6, 10, 55), 11, null);
        assertThat(school.memberCount()).isGreaterThanOrEqualTo(100_000);
    }

    @Test
    void aMillionMemberSchoolAndCompanyFitInTheTestHeapAndAreBuiltOnAccess() {
        SchoolOrg school = SchoolOrg.generate(new SchoolShape(15, 3, 6, 30, 50), 12, null);
        CompanyOrg company = CompanyOrg.generate(new CompanyShape(20_000, 10, 1_000_000), 12);
        assertThat(school.memberCount()).isGreaterThanOrEqualTo(1_000_000);
        assertThat(company.employeeCount()).isEqualTo(1_000_000);
        // records are built on access, also at the far end
        assertThat(school.students().get(school.studentCount() - 1).classIds()).isNotEmpty();
        assertThat(company.employees().get(999_999).departmentIds()).isNotEmpty();
    }
}
