package io.orgsync.run;

import io.orgsync.Sources;
import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.simulator.CompanyChanges;
import io.orgsync.simulator.CompanyOrg;
import io.orgsync.simulator.CompanyShape;
import io.orgsync.simulator.OrgDiff;
import io.orgsync.simulator.OrgSnapshot;
import io.orgsync.simulator.SchoolChanges;
import io.orgsync.simulator.SchoolOrg;
import io.orgsync.simulator.SchoolShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.Vendor;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real bundle syncs each source, the simulated organisation changes at the vendor (added,
 * renamed, moved and deleted departments and people), and the next run's manifest and
 * changes.jsonl must say exactly what the simulator's own diff says; then what was deleted comes
 * back, and the run after must report it as created.
 */
@Timeout(180)
class OrgChangesSyncTest {

    /** One campus, two stages of one grade, two classes of three: small, yet with electives, siblings and guardians. */
    private static final SchoolShape SCHOOL = new SchoolShape(1, 2, 1, 2, 3);
    private static final CompanyShape COMPANY = new CompanyShape(12, 3, 30);

    @TempDir
    Path exports;

    private VendorSimulator simulator;
    private OrgSnapshot lastSync;

    @BeforeEach
    void start() {
        simulator = VendorSimulator.start(SimulatorConfig.defaults().withSchool(SCHOOL).withCompany(COMPANY));
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void wecomSchoolReportsWhatChangedInTheSchool() {
        syncsSchoolChanges(Sources.WECOM_SCHOOL, Vendor.WECOM_SCHOOL);
    }

    @Test
    void wuhanReportsWhatChangedInTheSchool() {
        syncsSchoolChanges(Sources.WUHAN_EDU, Vendor.WUHAN);
    }

    @Test
    void wecomReportsWhatChangedInTheCompany() {
        syncsCompanyChanges(Sources.WECOM, Vendor.WECOM);
    }

    @Test
    void feishuReportsWhatChangedInTheCompany() {
        syncsCompanyChanges(Sources.FEISHU, Vendor.FEISHU);
    }

    /** Another read of the same tree (department/simplelist, then department/get one by one) must publish the same. */
    @Test
    void wecomReadingDepartmentsOneByOneReportsTheSame() {
        simulator.faults().wecomDepartmentListTooLarge();
        syncsCompanyChanges(Sources.WECOM, Vendor.WECOM);
    }

    /** Another read of the same tree (children level by level after 43010) must publish the same. */
    @Test
    void feishuWalkingTheTreeLevelByLevelReportsTheSame() {
        simulator.faults().feishuRecursionForbidden();
        syncsCompanyChanges(Sources.FEISHU, Vendor.FEISHU);
    }

    // ---------------------------------------------------------------- the school

    private void syncsSchoolChanges(SourceName source, Vendor vendor) {
        Manifest first = sync(source);
        assertThat(first.created()).isEqualTo(first.departments() + first.members());

        SchoolOrg school = simulator.school();
        List<SchoolOrg.Department> grades = school.departments().stream()
                .filter(d -> d.type() == SchoolOrg.TYPE_GRADE).toList();
        SchoolOrg.Department grade = grades.get(0);
        SchoolOrg.Department otherGrade = grades.get(1);
        List<SchoolOrg.Department> classes = classesOf(school, grade);
        SchoolOrg.Department closing = classes.get(1);
        SchoolOrg.Department keeping = classes.get(0);
        SchoolOrg.Student onlyChild = school.students().stream()
                .filter(s -> s.classIds().get(0) != closing.id()
                        && s.parents().stream().allMatch(p -> school.parent(p.parentId()).children().size() == 1))
                .findFirst().orElseThrow();
        SchoolOrg.Student twoParents = school.students().stream()
                .filter(s -> !s.id().equals(onlyChild.id()) && s.parents().size() == 2)
                .reduce((a, b) -> b).orElseThrow();
        String leavingParent = twoParents.parents().get(1).parentId();
        SchoolOrg.Teacher leavingTeacher = school.teacher(otherGrade.admins().get(0).userId());

        SchoolChanges change = school.change();
        // added: a class with a newcomer and a parent, and a teacher
        int newClass = change.addDepartment(otherGrade.id(), "插班", SchoolOrg.TYPE_CLASS);
        String newcomer = change.addStudent("林晓", newClass);
        change.addParent(newcomer, "妈妈");
        change.addTeacher("吴老师", newClass, SchoolOrg.ADMIN_CLASS_HEAD, "语文");
        // renamed
        change.renameDepartment(keeping.id(), "向日葵班")
                .renameStudent(twoParents.id(), "改名同学")
                .renameParent(twoParents.parents().get(0).parentId(), "改名家长");
        // moved: a class to the other grade, and every student out of the class that closes
        change.moveDepartment(keeping.id(), otherGrade.id());
        for (SchoolOrg.Student s : school.students()) {
            if (s.classIds().get(0) == closing.id()) {
                change.moveStudent(s.id(), newClass);
            }
        }
        // deleted: the emptied class, a student with parents of their own, a parent and a teacher
        change.deleteDepartment(closing.id())
                .deleteStudent(onlyChild.id())
                .deleteParent(leavingParent)
                .deleteTeacher(leavingTeacher.id())
                .apply();
        OrgDiff changed = syncAgainAndCompare(source, vendor);
        assertThat(changed.createdDepartments()).isNotEmpty();
        assertThat(changed.deletedDepartments()).isNotEmpty();
        assertThat(changed.deletedMembers()).isNotEmpty();
        assertThat(changed.updated()).isPositive();

        school.change()
                .reviveDepartment(closing.id())
                .reviveStudent(onlyChild.id())
                .reviveParent(leavingParent)
                .reviveTeacher(leavingTeacher.id())
                .apply();
        OrgDiff revived = syncAgainAndCompare(source, vendor);
        assertThat(revived.createdDepartments()).containsExactlyInAnyOrderElementsOf(changed.deletedDepartments());
        assertThat(revived.createdMembers()).containsAll(changed.deletedMembers());
        assertThat(revived.deleted()).isZero();
    }

    private static List<SchoolOrg.Department> classesOf(SchoolOrg school, SchoolOrg.Department grade) {
        return school.departments().stream().filter(d -> d.parentId() == grade.id()).toList();
    }

    // ---------------------------------------------------------------- the company

    private void syncsCompanyChanges(SourceName source, Vendor vendor) {
        Manifest first = sync(source);
        assertThat(first.created()).isEqualTo(first.departments() + first.members());

        CompanyOrg company = simulator.company();
        CompanyOrg.Department closing = company.departments().stream()
                .filter(d -> !d.isRoot() && d.parentId() != 1 && company.departments().stream()
                        .noneMatch(c -> c.parentId() == d.id()))
                .filter(d -> company.employees().stream().noneMatch(e -> e.departmentIds().indexOf(d.id()) > 0))
                .findFirst().orElseThrow(() -> new AssertionError("no leaf department that is nobody's second one"));
        CompanyOrg.Department renamed = company.departments().stream()
                .filter(d -> d.depth() == 1 && d.id() != closing.parentId()).findFirst().orElseThrow();
        CompanyOrg.Department moved = company.departments().stream()
                .filter(d -> d.depth() == 2 && d.id() != closing.id() && d.id() != closing.parentId())
                .findFirst().orElseThrow();
        List<String> leaving = company.employees().stream()
                .filter(e -> !e.departmentIds().contains(closing.id())).map(CompanyOrg.Employee::id)
                .skip(5).limit(2).toList();

        CompanyChanges change = company.change();
        // added: a department with a newcomer
        int lab = change.addDepartment(renamed.id(), "创新实验室");
        change.addEmployee("林晓", lab);
        // renamed
        change.renameDepartment(renamed.id(), "研发中心").renameEmployee(stayingEmployee(company, leaving), "改名员工");
        // moved: a department under the root, and everyone out of the department that closes
        change.moveDepartment(moved.id(), 1);
        for (CompanyOrg.Employee e : company.employees()) {
            if (e.mainDepartment() == closing.id()) {
                change.moveEmployee(e.id(), lab);
            }
        }
        // deleted: the emptied department and two employees
        change.deleteDepartment(closing.id());
        leaving.forEach(change::deleteEmployee);
        change.apply();
        OrgDiff changed = syncAgainAndCompare(source, vendor);
        assertThat(changed.createdDepartments()).isNotEmpty();
        assertThat(changed.deletedDepartments()).isNotEmpty();
        assertThat(changed.deletedMembers()).hasSize(2);
        assertThat(changed.updated()).isPositive();

        CompanyChanges revive = company.change().reviveDepartment(closing.id());
        leaving.forEach(revive::reviveEmployee);
        revive.apply();
        OrgDiff revived = syncAgainAndCompare(source, vendor);
        assertThat(revived.createdDepartments()).containsExactlyInAnyOrderElementsOf(changed.deletedDepartments());
        assertThat(revived.createdMembers()).containsExactlyInAnyOrderElementsOf(changed.deletedMembers());
        assertThat(revived.deleted()).isZero();
    }

    private static String stayingEmployee(CompanyOrg company, List<String> leaving) {
        return company.employees().stream().map(CompanyOrg.Employee::id).filter(id -> !leaving.contains(id))
                .skip(1).findFirst().orElseThrow();
    }

    // ---------------------------------------------------------------- runs

    /** Syncs, then checks the run against the simulator's diff since the previous sync; answers that diff. */
    private OrgDiff syncAgainAndCompare(SourceName source, Vendor vendor) {
        OrgDiff expected = simulator.changesSince(lastSync, vendor);
        Manifest manifest = sync(source);
        Path runDir = exports.resolve(source.id()).resolve(manifest.tenant()).resolve(manifest.runId());
        assertThat(byOpAndKind(Harness.changes(runDir))).as("changes.jsonl").isEqualTo(byOpAndKind(expected));
        assertThat(List.of(manifest.created(), manifest.updated(), manifest.deleted())).as("manifest created, updated, deleted")
                .isEqualTo(List.of((long) expected.created(), (long) expected.updated(), (long) expected.deleted()));
        return expected;
    }

    private Manifest sync(SourceName source) {
        OrgSnapshot now = simulator.snapshot();
        try (OrgSyncApp app = Harness.start(Harness.overrides(simulator, exports, source))) {
            OrgSyncApp.RunOutcome outcome = app.sync(source);
            assertThat(outcome.exception()).isNull();
            assertThat(outcome.manifest().status()).as(String.valueOf(outcome.manifest().error()))
                    .isEqualTo(RunStatus.SUCCESS);
            lastSync = now;
            return outcome.manifest();
        }
    }

    private static Map<String, Set<String>> byOpAndKind(List<JsonNode> changes) {
        Map<String, Set<String>> out = emptyByOpAndKind();
        for (JsonNode change : changes) {
            JsonNode record = change.path("record");
            out.get(change.path("op").asText() + " " + record.path("kind").asText()).add(record.path("id").asText());
        }
        return out;
    }

    private static Map<String, Set<String>> byOpAndKind(OrgDiff diff) {
        Map<String, Set<String>> out = emptyByOpAndKind();
        out.get("create department").addAll(diff.createdDepartments());
        out.get("update department").addAll(diff.updatedDepartments());
        out.get("delete department").addAll(diff.deletedDepartments());
        out.get("create member").addAll(diff.createdMembers());
        out.get("update member").addAll(diff.updatedMembers());
        out.get("delete member").addAll(diff.deletedMembers());
        return out;
    }

    private static Map<String, Set<String>> emptyByOpAndKind() {
        Map<String, Set<String>> out = new TreeMap<>();
        for (String op : List.of("create", "update", "delete")) {
            for (String kind : List.of("department", "member")) {
                out.put(op + " " + kind, new TreeSet<>());
            }
        }
        return out;
    }
}

