package io.orgsync.source.wuhan;

import io.orgsync.Sources;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.model.Department;
import io.orgsync.model.DepartmentType;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;
import io.orgsync.model.Role;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.FaultInjector;
import io.orgsync.simulator.SchoolOrg;
import io.orgsync.simulator.SchoolShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.Vendor;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.orgsync.source.wuhan.WuhanDialect.CHILD_LIST_PATH;
import static io.orgsync.source.wuhan.WuhanDialect.MEMBERS_PATH;
import static io.orgsync.source.wuhan.WuhanDialect.ORG_INFO_PATH;
import static io.orgsync.source.wuhan.WuhanDialect.PARENTS_PATH;
import static org.assertj.core.api.Assertions.assertThat;

/** The shipped wuhan-edu routes against the simulated school, end to end into the file sink. */
@Timeout(120)
class WuhanEduSyncTest {

    /** The vendor's documented token path. */
    private static final String TOKEN_PATH = "/apigateway/getAccessToken";

    /** Wuhan Education Cloud's page limit for get-org-member-simple-list: page_size at most 500 (its API document). */
    private static final int MEMBER_PAGE = 500;
    /** Wuhan Education Cloud's page limit for get-org-parents-list: page_size at most 100 (its API document). */
    private static final int PARENT_PAGE = 100;

    private static VendorSimulator simulator;
    private static SchoolOrg school;

    @TempDir
    Path exports;

    @BeforeAll
    static void startSimulator() {
        // 900 students plus their teachers: two member pages of 500; over a thousand parents: many pages of 100
        simulator = VendorSimulator.start(SimulatorConfig.defaults().withSchool(new SchoolShape(2, 2, 3, 3, 25)));
        school = simulator.school();
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    private Runnable detach = () -> { };

    @AfterEach
    void detachLogCapture() {
        detach.run();
    }

    @BeforeEach
    void reset() {
        simulator.faults().clear();
        simulator.resetCounters();
    }

    // ---------------------------------------------------------------- complete data, minimum calls

    @Test
    void readsTheWholeSchoolWithTheMinimumNumberOfCalls() {
        long members = school.teacherCount() + school.studentCount();
        assertThat(members).as("the member list must page").isGreaterThan(MEMBER_PAGE);
        assertThat(school.parentCount()).as("the parent list must page").isGreaterThan(PARENT_PAGE);

        // at the shipped default pace (20/s), as users run it
        Manifest manifest = syncOnce(o -> {
            o.remove("orgsync.wuhan-edu.max-requests-per-second");
            o.remove("orgsync.wuhan-edu.max-requests-per-minute");
        });

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        long memberPages = ceil(members, MEMBER_PAGE);
        long parentPages = ceil(school.parentCount(), PARENT_PAGE);
        assertThat(simulator.calls(TOKEN_PATH)).isEqualTo(1);
        assertThat(simulator.calls(ORG_INFO_PATH)).isEqualTo(1);
        assertThat(simulator.calls(CHILD_LIST_PATH)).as("only nodes with children are asked")
                .isEqualTo(nodesWithChildren());
        assertThat(simulator.calls(MEMBERS_PATH)).isEqualTo(memberPages);
        assertThat(simulator.calls(PARENTS_PATH)).isEqualTo(parentPages);
        // token + school name + one child list per inner node + member pages + parent pages: nothing cheaper exists
        long minimum = 1 + 1 + nodesWithChildren() + memberPages + parentPages;
        assertThat(simulator.calls()).isEqualTo(minimum);
        assertThat(manifest.apiCalls()).isEqualTo(minimum);
        assertThat(manifest.retries()).isZero();
        assertThat(manifest.departments()).isEqualTo(school.departments().size());
        assertThat(manifest.members()).isEqualTo(members + school.parentCount());
    }

    @Test
    void publishesOneRecordPerPersonWithTheUnionOfClassesAndChildren() {
        Manifest manifest = syncOnce();
        List<Member> members = Harness.members(runDir(manifest));

        Map<String, Member> byId = members.stream().collect(Collectors.toMap(Member::id, Function.identity()));
        assertThat(byId).as("no person twice").hasSize(members.size());
        assertThat(members.stream().filter(m -> m.role() == Role.TEACHER)).hasSize(school.teacherCount());
        assertThat(members.stream().filter(m -> m.role() == Role.STUDENT)).hasSize(school.studentCount());
        assertThat(members.stream().filter(m -> m.role() == Role.PARENT)).hasSize(school.parentCount());

        for (SchoolOrg.Teacher teacher : school.teachers()) {
            Member record = byId.get(teacher.wuhanId());
            assertThat(record).as(teacher.id()).isNotNull();
            assertThat(record.name()).isEqualTo(teacher.name());
            assertThat(record.departmentIds()).containsExactlyInAnyOrderElementsOf(teacher.wuhanOrgIds());
        }
        boolean sawStudentInTwoClasses = false;
        boolean sawGuardian = false;
        Map<String, List<String>> classesOf = new HashMap<>();
        for (SchoolOrg.Student student : school.students()) {
            classesOf.put(student.wuhanId(), student.wuhanClassIds());
            Member record = byId.get(student.wuhanId());
            assertThat(record).as(student.id()).isNotNull();
            assertThat(record.name()).isEqualTo(student.name());
            assertThat(record.role()).isEqualTo(Role.STUDENT);
            assertThat(record.departmentIds()).containsExactlyInAnyOrderElementsOf(student.wuhanClassIds());
            assertThat(record.relations()).containsExactlyInAnyOrderElementsOf(student.parents().stream()
                    .map(p -> new Relation(p.wuhanParentId(), Role.PARENT, p.relation())).toList());
            sawStudentInTwoClasses |= student.wuhanClassIds().size() > 1;
            sawGuardian |= student.parents().stream().anyMatch(p -> !p.wuhanFamilyName().contains("的"));
        }
        boolean sawParentOfTwo = false;
        for (SchoolOrg.Parent parent : school.parents()) {
            Member record = byId.get(parent.wuhanId());
            assertThat(record).as(parent.id()).isNotNull();
            assertThat(record.role()).isEqualTo(Role.PARENT);
            assertThat(record.name()).as("from the parent list").isEqualTo(parent.name());
            assertThat(record.mobile()).as("phone on the parent list").isEqualTo(parent.mobile());
            assertThat(record.relations()).containsExactlyInAnyOrderElementsOf(parent.children().stream()
                    .map(c -> new Relation(c.wuhanStudentId(), Role.STUDENT, c.relation())).toList());
            Set<String> childClasses = new HashSet<>();
            parent.children().forEach(c -> childClasses.addAll(classesOf.get(c.wuhanStudentId())));
            assertThat(record.departmentIds()).containsExactlyInAnyOrderElementsOf(childClasses);
            sawParentOfTwo |= parent.children().size() > 1;
        }
        assertThat(sawStudentInTwoClasses).as("the generated school has a student in two classes").isTrue();
        assertThat(sawGuardian).as("the generated school has a family title without 的").isTrue();
        assertThat(sawParentOfTwo).as("the generated school has a parent of two children").isTrue();
    }

    @Test
    void mapsTheOrgTreeWithNamesTypesOrderAndPaths() {
        Manifest manifest = syncOnce();
        Map<String, Department> byId = Harness.departments(runDir(manifest)).stream()
                .collect(Collectors.toMap(Department::id, Function.identity()));

        assertThat(byId).hasSize(school.departments().size());
        String rootId = simulator.credentials().wuhanTopOrgId();
        Department root = byId.get(rootId);
        assertThat(root.parentId()).isNull();
        assertThat(root.path()).containsExactly(rootId);
        assertThat(root.type()).isEqualTo(DepartmentType.SCHOOL);
        assertThat(root.name()).as("get-org-info names the school").isEqualTo(school.root().name());
        assertThat(root.attributes().path("status").asText()).isEqualTo("1");
        Map<Integer, DepartmentType> types = Map.of(SchoolOrg.TYPE_CLASS, DepartmentType.CLASS,
                SchoolOrg.TYPE_GRADE, DepartmentType.GRADE, SchoolOrg.TYPE_STAGE, DepartmentType.STAGE,
                SchoolOrg.TYPE_CAMPUS, DepartmentType.CAMPUS, SchoolOrg.TYPE_SCHOOL, DepartmentType.SCHOOL);
        for (SchoolOrg.Department expected : school.departments()) {
            Department actual = byId.get(expected.wuhanId());
            assertThat(actual).as(expected.name()).isNotNull();
            assertThat(actual.type()).isEqualTo(types.get(expected.type()));
            if (expected.isRoot()) {
                continue;
            }
            assertThat(actual.name()).isEqualTo(expected.name());
            assertThat(actual.parentId()).isEqualTo(expected.wuhanParentId());
            assertThat(actual.order()).as("display_order").isNotNull();
            if (expected.order() != null) {
                assertThat(actual.order()).isEqualTo(expected.order().longValue());
            }
            assertThat(actual.attributes().has("has_child")).as("unmapped fields kept").isTrue();
            List<String> path = new ArrayList<>(byId.get(actual.parentId()).path());
            path.add(actual.id());
            assertThat(actual.path()).isEqualTo(path);
        }
    }

    @Test
    void aRootBelowTheSchoolSyncsThatSubtreeOnly() {
        SchoolOrg.Department campus = school.departments().stream().filter(d -> d.type() == SchoolOrg.TYPE_CAMPUS)
                .findFirst().orElseThrow();
        Map<String, String> parentOf = new HashMap<>();
        school.departments().forEach(d -> parentOf.put(d.wuhanId(), d.wuhanParentId()));
        Set<String> subtree = new HashSet<>();
        for (String id : parentOf.keySet()) {
            for (String at = id; at != null; at = parentOf.get(at)) {
                if (at.equals(campus.wuhanId())) {
                    subtree.add(id);
                    break;
                }
            }
        }

        Manifest manifest = syncOnce(o -> o.put("orgsync.wuhan-edu.root-department-id", campus.wuhanId()));

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        Map<String, Department> departments = Harness.departments(runDir(manifest)).stream()
                .collect(Collectors.toMap(Department::id, Function.identity()));
        assertThat(departments.keySet()).containsExactlyInAnyOrderElementsOf(subtree);
        assertThat(departments.get(campus.wuhanId()).parentId()).isNull();
        assertThat(departments.get(campus.wuhanId()).path()).containsExactly(campus.wuhanId());
        assertThat(departments.get(campus.wuhanId()).type()).isEqualTo(DepartmentType.CAMPUS);

        Map<String, Member> people = Harness.members(runDir(manifest)).stream()
                .collect(Collectors.toMap(Member::id, Function.identity()));
        Set<String> studentsInScope = new HashSet<>();
        for (SchoolOrg.Student student : school.students()) {
            if (subtree.containsAll(student.wuhanClassIds())) {
                studentsInScope.add(student.wuhanId());
                assertThat(people.get(student.wuhanId()).departmentIds())
                        .containsExactlyInAnyOrderElementsOf(student.wuhanClassIds());
            } else {
                assertThat(people).doesNotContainKey(student.wuhanId());
            }
        }
        assertThat(studentsInScope).isNotEmpty().hasSizeLessThan(school.studentCount());
        for (SchoolOrg.Teacher teacher : school.teachers()) {
            List<String> inside = teacher.wuhanOrgIds().stream().filter(subtree::contains).toList();
            if (inside.isEmpty()) {
                assertThat(people).doesNotContainKey(teacher.wuhanId());
            } else {
                assertThat(people.get(teacher.wuhanId()).departmentIds()).as("nodes outside the root left out")
                        .containsExactlyInAnyOrderElementsOf(inside);
            }
        }
        for (SchoolOrg.Parent parent : school.parents()) {
            List<Relation> children = parent.children().stream().filter(c -> studentsInScope.contains(c.wuhanStudentId()))
                    .map(c -> new Relation(c.wuhanStudentId(), Role.STUDENT, c.relation())).toList();
            if (children.isEmpty()) {
                assertThat(people).doesNotContainKey(parent.wuhanId());
            } else {
                assertThat(people.get(parent.wuhanId()).relations()).containsExactlyInAnyOrderElementsOf(children);
                assertThat(people.get(parent.wuhanId()).name()).isEqualTo(parent.name());
            }
        }
    }

    // ---------------------------------------------------------------- get-child-list fallback, cycles, orphans

    @Test
    void whereGetChildListDoesNotAnswerDepartmentsComeFromTheMembersOrgNodes() {
        simulator.faults().wuhanChildListUnavailable();

        Manifest manifest = syncOnce();

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(simulator.calls(CHILD_LIST_PATH)).as("one refused call on the school, then no more").isEqualTo(1);
        long members = school.teacherCount() + school.studentCount();
        assertThat(simulator.calls()).isEqualTo(1 + 1 + 1 + ceil(members, MEMBER_PAGE)
                + ceil(school.parentCount(), PARENT_PAGE));
        String rootId = simulator.credentials().wuhanTopOrgId();
        Set<String> onMembers = new HashSet<>();
        school.students().forEach(s -> onMembers.addAll(s.wuhanClassIds()));
        school.teachers().forEach(t -> onMembers.addAll(t.wuhanOrgIds()));
        onMembers.remove(rootId);

        Map<String, Department> byId = Harness.departments(runDir(manifest)).stream()
                .collect(Collectors.toMap(Department::id, Function.identity()));
        assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(union(onMembers, Set.of(rootId)));
        assertThat(byId.get(rootId).name()).isEqualTo(school.root().name());
        assertThat(byId.get(rootId).parentId()).isNull();
        Map<Integer, DepartmentType> types = Map.of(SchoolOrg.TYPE_CLASS, DepartmentType.CLASS,
                SchoolOrg.TYPE_GRADE, DepartmentType.GRADE, SchoolOrg.TYPE_STAGE, DepartmentType.STAGE,
                SchoolOrg.TYPE_CAMPUS, DepartmentType.CAMPUS);
        for (String id : onMembers) {
            Department department = byId.get(id);
            assertThat(department.name()).as("named by its id").isEqualTo(id);
            assertThat(department.parentId()).isEqualTo(rootId);
            assertThat(department.path()).containsExactly(rootId, id);
            assertThat(department.type()).isEqualTo(types.get(school.departmentByWuhanId(id).orElseThrow().type()));
            assertThat(department.attributes().path("derivedFrom").asText()).isEqualTo("user_org");
        }
        assertThat(onMembers).as("grades or campuses are on teachers too")
                .anyMatch(id -> school.departmentByWuhanId(id).orElseThrow().type() != SchoolOrg.TYPE_CLASS);
        Map<String, Member> people = Harness.members(runDir(manifest)).stream()
                .collect(Collectors.toMap(Member::id, Function.identity()));
        SchoolOrg.Student first = school.students().get(0);
        assertThat(people.get(first.wuhanId()).departmentIds()).containsExactlyInAnyOrderElementsOf(first.wuhanClassIds());
    }

    @Test
    void aCycleInTheChildListsEndsTheWalkAndFailsTheRunBeforeAnyMemberIsRead() {
        simulator.faults().departmentCycle(Vendor.WUHAN);

        Manifest manifest = syncOnce();

        assertThat(manifest.status()).isEqualTo(RunStatus.FAILED);
        assertThat(manifest.error()).contains("department cycle")
                .contains(FaultInjector.HEX_CYCLE_A + " → " + FaultInjector.HEX_CYCLE_B + " → "
                        + FaultInjector.HEX_CYCLE_A);
        // breadth first: the school, its campuses and A, their stages and B, whose list closes the cycle
        long upToStages = school.departments().stream().filter(d -> d.type() == SchoolOrg.TYPE_SCHOOL
                || d.type() == SchoolOrg.TYPE_CAMPUS || d.type() == SchoolOrg.TYPE_STAGE).count();
        assertThat(simulator.calls(CHILD_LIST_PATH)).as("each node asked once, none after the cycle")
                .isEqualTo(upToStages + 2);
        assertThat(simulator.calls(MEMBERS_PATH)).isZero();
        assertThat(exports.resolve(WuhanNormaliser.SOURCE)).doesNotExist();
    }

    @Test
    void anUnknownOrgNodeOnAStudentIsKeptUnderTheSchoolAndReported() {
        simulator.faults().orphanDepartment(Vendor.WUHAN);
        List<ILoggingEvent> warnings = captureWarnings(WuhanNormaliser.class);

        Manifest manifest = syncOnce();

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        String rootId = simulator.credentials().wuhanTopOrgId();
        String orphan = FaultInjector.HEX_ORPHAN;
        Department kept = Harness.departments(runDir(manifest)).stream().filter(d -> d.id().equals(orphan))
                .findFirst().orElseThrow();
        assertThat(kept.parentId()).isEqualTo(rootId);
        assertThat(kept.path()).containsExactly(rootId, orphan);
        assertThat(kept.name()).isEqualTo(orphan);
        assertThat(kept.type()).isEqualTo(DepartmentType.CLASS);
        assertThat(manifest.departments()).isEqualTo(school.departments().size() + 1);
        Map<String, Member> people = Harness.members(runDir(manifest)).stream()
                .collect(Collectors.toMap(Member::id, Function.identity()));
        SchoolOrg.Student first = school.students().get(0);
        assertThat(people.get(first.wuhanId()).departmentIds()).contains(orphan);
        first.parents().forEach(p -> assertThat(people.get(p.wuhanParentId()).departmentIds()).contains(orphan));
        assertThat(warnings).anyMatch(e -> e.getFormattedMessage().contains("not in the org tree")
                && e.getFormattedMessage().contains(orphan));
    }

    // ---------------------------------------------------------------- vendor behaviour to survive

    @Test
    void survivesAnExpiringAndARevokedTokenAndASecondRunChangesNothing() {
        try (OrgSyncApp app = Harness.start(overrides(o -> { }))) {
            simulator.faults().expireTokensAfterCalls(Vendor.WUHAN, 5);
            Manifest first = app.sync(Sources.WUHAN_EDU).manifest();
            assertThat(first.status()).as(String.valueOf(first.error())).isEqualTo(RunStatus.SUCCESS);
            assertThat(first.members()).isEqualTo(school.memberCount());
            assertThat(simulator.calls(TOKEN_PATH)).as("refreshed once").isEqualTo(2);
            assertThat(first.retries()).isEqualTo(1);
            assertThat(first.apiCalls()).isEqualTo(simulator.calls());

            // the second run starts with the cached token, which the vendor has meanwhile revoked
            simulator.faults().invalidateTokens(Vendor.WUHAN);
            simulator.resetCounters();
            Manifest second = app.sync(Sources.WUHAN_EDU).manifest();
            assertThat(second.status()).as(String.valueOf(second.error())).isEqualTo(RunStatus.SUCCESS);
            assertThat(simulator.calls(TOKEN_PATH)).isEqualTo(1);
            assertThat(second.retries()).isEqualTo(1);
            assertThat(second.apiCalls()).isEqualTo(simulator.calls());
            assertThat(second.created() + second.updated() + second.deleted()).as("records are stable").isZero();
        }
    }

    @Test
    void keepsUnderTheVendorsRateLimitWhenPacedToIt() {
        simulator.faults().rateLimit(Vendor.WUHAN, 10);

        Manifest manifest = syncOnce(o -> o.put("orgsync.wuhan-edu.max-requests-per-second", "10"));
        // 10/s: the per-minute default (1,200) does not bind

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(simulator.rejections()).as("pacing keeps rejections rare").isLessThanOrEqualTo(2);
        assertThat(manifest.members()).isEqualTo(school.memberCount());
    }

    @Test
    void waitsOutHttp429HonouringRetryAfterWhenTheVendorIsStricterThanConfigured() {
        simulator.faults().rateLimit(Vendor.WUHAN, 8);

        Manifest manifest = syncOnce(o -> o.put("orgsync.wuhan-edu.max-requests-per-second", "100"));

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(simulator.rejections()).isPositive();
        assertThat(manifest.retries()).isEqualTo(simulator.rejections());
        assertThat(manifest.apiCalls()).isEqualTo(simulator.calls());
        assertThat(manifest.members()).isEqualTo(school.memberCount());
    }

    @Test
    void retriesTransient5xxAndCountsEveryRequest() {
        simulator.faults().failNext(MEMBERS_PATH, 2, 503).failNext(CHILD_LIST_PATH, 1, 502)
                .failNext(TOKEN_PATH, 1, 500);

        Manifest manifest = syncOnce();

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(manifest.retries()).isEqualTo(4);
        assertThat(manifest.apiCalls()).isEqualTo(simulator.calls());
        assertThat(manifest.members()).isEqualTo(school.memberCount());
    }

    @Test
    void aMemberListThatNeverEndsFailsTheRunAndPublishesNothing() {
        assertThat(syncOnce().status()).isEqualTo(RunStatus.SUCCESS);
        Map<Path, String> before = Harness.tree(exports);
        simulator.faults().repeatPageToken(MEMBERS_PATH);
        simulator.resetCounters();

        Manifest failed = syncOnce();

        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.error()).contains("members").contains("repeats rows already read");
        assertThat(simulator.calls(MEMBERS_PATH)).as("caught within a few pages").isLessThanOrEqualTo(4);
        assertThat(Harness.tree(exports)).as("exports untouched by the failed run").isEqualTo(before);
    }

    @Test
    void aParentListThatNeverEndsFailsTheRun() {
        simulator.faults().repeatPageToken(PARENTS_PATH);

        Manifest failed = syncOnce();

        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.error()).contains("parents").contains("repeats rows already read");
        assertThat(exports.resolve(WuhanNormaliser.SOURCE)).doesNotExist();
    }

    @Test
    void aPersistent500FailsTheRunAfterBoundedRetriesAndPublishesNothing() {
        assertThat(syncOnce().status()).isEqualTo(RunStatus.SUCCESS);
        Map<Path, String> before = Harness.tree(exports);
        simulator.faults().failAlways(PARENTS_PATH, 500);
        simulator.resetCounters();

        Manifest failed = syncOnce();

        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.error()).contains(PARENTS_PATH).contains("500");
        assertThat(Harness.tree(exports)).as("exports untouched by the failed run").isEqualTo(before);
        // one request at a time: the first parents page, sent five times (orgsync.http.max-retries
        // ships as 4), and nothing after it
        assertThat(simulator.calls(PARENTS_PATH)).as("parents requests, retries included").isEqualTo(5);
    }

    @Test
    void malformedJsonAndHtmlPagesFailWithAClearMessage() {
        simulator.faults().malformedBody(MEMBERS_PATH, 1);
        Manifest cutOff = syncOnce();
        assertThat(cutOff.status()).isEqualTo(RunStatus.FAILED);
        assertThat(cutOff.error()).contains(MEMBERS_PATH).contains("not JSON");

        simulator.faults().clear();
        simulator.faults().htmlErrorPage(ORG_INFO_PATH, 1);
        Manifest html = syncOnce();
        assertThat(html.status()).isEqualTo(RunStatus.FAILED);
        assertThat(html.error()).contains(ORG_INFO_PATH).contains("not JSON").contains("text/html");
        assertThat(exports.resolve(WuhanNormaliser.SOURCE)).doesNotExist();
    }

    @Test
    void wrongCredentialsNameTheKeyToFix() {
        assertThat(misconfiguredKey(o -> o.put("orgsync.wuhan-edu.app-key", "not-the-key")))
                .isEqualTo("orgsync.wuhan-edu.app-key");
        assertThat(misconfiguredKey(o -> o.put("orgsync.wuhan-edu.app-id", "0123456789abcdef0123456789abcdef")))
                .isEqualTo("orgsync.wuhan-edu.app-id");
        assertThat(misconfiguredKey(o -> o.put("orgsync.wuhan-edu.top-org-id", "0123456789abcdef0123456789abcdef")))
                .isEqualTo("orgsync.wuhan-edu.top-org-id");
        assertThat(simulator.calls(MEMBERS_PATH)).isZero();
        assertThat(exports.resolve(WuhanNormaliser.SOURCE)).doesNotExist();
    }

    @Test
    void noSecretReachesTheExportsOrTheManifest() {
        Manifest manifest = syncOnce();
        String key = simulator.credentials().wuhanAppKey();
        Harness.tree(exports).values().forEach(text -> assertThat(text).doesNotContain(key));
        assertThat(manifest.toString()).doesNotContain(key);
    }

    // ---------------------------------------------------------------- helpers

    private Manifest syncOnce() {
        return syncOnce(o -> { });
    }

    private Manifest syncOnce(Consumer<Map<String, String>> adjust) {
        try (OrgSyncApp app = Harness.start(overrides(adjust))) {
            OrgSyncApp.RunOutcome outcome = app.sync(Sources.WUHAN_EDU);
            assertThat(outcome.exception()).isNull();
            return outcome.manifest();
        }
    }

    private String misconfiguredKey(Consumer<Map<String, String>> adjust) {
        try (OrgSyncApp app = Harness.start(overrides(adjust))) {
            OrgSyncApp.RunOutcome outcome = app.sync(Sources.WUHAN_EDU);
            assertThat(outcome.manifest().status()).isEqualTo(RunStatus.FAILED);
            assertThat(outcome.manifest().error()).doesNotContain(simulator.credentials().wuhanAppKey());
            return outcome.misconfiguredKey();
        }
    }

    private Map<String, String> overrides(Consumer<Map<String, String>> adjust) {
        Map<String, String> overrides = Harness.overrides(simulator, exports, Sources.WUHAN_EDU);
        // the simulator is local; the vendor's pace only slows the tests that do not measure it
        overrides.put("orgsync.wuhan-edu.max-requests-per-second", "200");
        overrides.put("orgsync.wuhan-edu.max-requests-per-minute", "12000");
        adjust.accept(overrides);
        return overrides;
    }

    private Path runDir(Manifest manifest) {
        return exports.resolve(WuhanNormaliser.SOURCE).resolve(manifest.tenant()).resolve(manifest.runId());
    }

    /** Org nodes that are some node's parent: the ones get-child-list is asked about. */
    private static long nodesWithChildren() {
        return school.departments().stream().map(SchoolOrg.Department::wuhanParentId).filter(Objects::nonNull)
                .distinct().count();
    }

    private static long ceil(long n, int size) {
        return (n + size - 1) / size;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private List<ILoggingEvent> captureWarnings(Class<?> type) {
        Logger logger = (Logger) LoggerFactory.getLogger(type);
        ListAppender<ILoggingEvent> appender = new ListAppender<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
                    super.append(event);
                }
            }
        };
        appender.start();
        logger.addAppender(appender);
        detach = () -> logger.detachAppender(appender);
        return java.util.Collections.synchronizedList(appender.list);
    }
}
