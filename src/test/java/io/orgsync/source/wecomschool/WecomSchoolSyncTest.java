package io.orgsync.source.wecomschool;

import io.orgsync.Sources;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.model.Department;
import io.orgsync.model.DepartmentType;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;
import io.orgsync.model.Role;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.SchoolOrg;
import io.orgsync.simulator.SchoolShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.Vendor;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.commons.csv.CSVFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped wecom-school routes against the simulated school, end to end into the file sink. */
@Timeout(120)
class WecomSchoolSyncTest {

    private static final String CLASS_USERS = "/cgi-bin/school/user/list";
    private static VendorSimulator simulator;
    private static SchoolOrg school;

    @TempDir
    Path exports;

    @BeforeAll
    static void startSimulator() {
        simulator = VendorSimulator.start(SimulatorConfig.defaults().withSchool(new SchoolShape(2, 2, 2, 3, 8)));
        school = simulator.school();
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.faults().clear();
        simulator.resetCounters();
    }

    @Test
    void visitsEveryClassOnceWithTheMinimumNumberOfCalls() {
        Manifest manifest = syncOnce();

        int classes = classIds().size();
        assertThat(manifest.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(simulator.calls(CLASS_USERS)).isEqualTo(classes);
        // gettoken + department/list + one user/list per class: the API offers nothing cheaper
        assertThat(simulator.calls()).isEqualTo(2 + classes);
        assertThat(manifest.apiCalls()).isEqualTo(simulator.calls());
        assertThat(manifest.retries()).isZero();
    }

    @Test
    void publishesOneRecordPerPersonWithTheUnionOfClassesAndChildren() {
        Manifest manifest = syncOnce();
        List<Member> members = Harness.members(runDir(manifest));

        Map<String, Member> byId = members.stream().collect(Collectors.toMap(Member::id, Function.identity()));
        assertThat(byId).as("no person twice").hasSize(members.size());
        assertThat(members.stream().filter(m -> m.role() == Role.STUDENT)).hasSize(school.studentCount());
        assertThat(members.stream().filter(m -> m.role() == Role.PARENT)).hasSize(school.parentCount());

        boolean sawStudentInTwoClasses = false;
        for (SchoolOrg.Student student : school.students()) {
            Member record = byId.get(student.id());
            assertThat(record).as(student.id()).isNotNull();
            assertThat(record.name()).isEqualTo(student.name());
            assertThat(record.departmentIds()).containsExactlyInAnyOrderElementsOf(strings(student.classIds()));
            assertThat(record.relations()).containsExactlyInAnyOrderElementsOf(student.parents().stream()
                    .map(p -> new Relation(p.parentId(), Role.PARENT, p.relation())).toList());
            sawStudentInTwoClasses |= student.classIds().size() > 1;
        }
        boolean sawParentOfTwo = false;
        Map<String, List<Integer>> classesOf = new HashMap<>();
        school.students().forEach(s -> classesOf.put(s.id(), s.classIds()));
        for (SchoolOrg.Parent parent : school.parents()) {
            Member record = byId.get(parent.id());
            assertThat(record).as(parent.id()).isNotNull();
            assertThat(record.name()).as("WeCom school gives parents no name").isNull();
            assertThat(record.mobile()).isEqualTo(parent.mobile());
            assertThat(record.relations()).containsExactlyInAnyOrderElementsOf(parent.children().stream()
                    .map(c -> new Relation(c.studentId(), Role.STUDENT, c.relation())).toList());
            Set<String> childClasses = new HashSet<>();
            parent.children().forEach(c -> childClasses.addAll(strings(classesOf.get(c.studentId()))));
            assertThat(record.departmentIds()).containsExactlyInAnyOrderElementsOf(childClasses);
            sawParentOfTwo |= parent.children().size() > 1;
        }
        assertThat(sawStudentInTwoClasses).as("the generated school has a student in two classes").isTrue();
        assertThat(sawParentOfTwo).as("the generated school has a parent of two children").isTrue();
    }

    @Test
    void mapsTheTreeWithTypesPathsAndAdmins() {
        Manifest manifest = syncOnce();
        Map<String, Department> byId = Harness.departments(runDir(manifest)).stream()
                .collect(Collectors.toMap(Department::id, Function.identity()));

        assertThat(byId).hasSize(school.departments().size());
        Department root = byId.get("1");
        assertThat(root.parentId()).isNull();
        assertThat(root.path()).containsExactly("1");
        assertThat(root.type()).isEqualTo(DepartmentType.SCHOOL);
        Map<Integer, DepartmentType> types = Map.of(1, DepartmentType.CLASS, 2, DepartmentType.GRADE,
                3, DepartmentType.STAGE, 4, DepartmentType.CAMPUS, 5, DepartmentType.SCHOOL);
        for (SchoolOrg.Department expected : school.departments()) {
            Department actual = byId.get(String.valueOf(expected.id()));
            assertThat(actual.name()).isEqualTo(expected.name());
            assertThat(actual.type()).isEqualTo(types.get(expected.type()));
            assertThat(actual.order()).isEqualTo(expected.order() == null ? null : expected.order().longValue());
            if (!expected.isRoot()) {
                assertThat(actual.parentId()).isEqualTo(String.valueOf(expected.parentId()));
                Department parent = byId.get(actual.parentId());
                List<String> path = new ArrayList<>(parent.path());
                path.add(actual.id());
                assertThat(actual.path()).isEqualTo(path);
            }
            List<Map<String, Object>> admins = new ArrayList<>();
            for (SchoolOrg.Admin admin : expected.admins()) {
                Map<String, Object> entry = new HashMap<>();
                entry.put("userId", admin.userId());
                entry.put("type", admin.type());
                entry.put("subject", admin.subject());
                admins.add(entry);
            }
            if (!admins.isEmpty()) {
                assertThat(io.orgsync.model.CanonicalJson.MAPPER.convertValue(actual.attributes().get("admins"),
                        List.class)).isEqualTo(admins);
            }
        }
    }

    @Test
    void survivesATokenExpiringMidRunWithoutLosingARecord() {
        simulator.faults().expireTokensAfterCalls(3);

        Manifest manifest = syncOnce();

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(manifest.members()).isEqualTo(school.studentCount() + school.parentCount());
        assertThat(manifest.retries()).isGreaterThanOrEqualTo(1);
        assertThat(simulator.calls("/cgi-bin/gettoken")).isEqualTo(2);
        assertThat(manifest.apiCalls()).isEqualTo(simulator.calls());
    }

    @Test
    void aPersistent500FailsTheRunAndPublishesNothing() {
        Manifest first = syncOnce();
        assertThat(first.status()).isEqualTo(RunStatus.SUCCESS);
        Map<Path, String> before = Harness.tree(exports);
        simulator.faults().failAlways(CLASS_USERS, 500);
        simulator.resetCounters();

        Manifest failed = syncOnce();

        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.error()).contains(CLASS_USERS).contains("500");
        assertThat(Harness.tree(exports)).as("exports untouched by the failed run").isEqualTo(before);
        // the failing request is retried up to the limit (orgsync.http.max-retries ships as 4: five
        // attempts), and no request (one per class) more often
        assertThat(simulator.calls(CLASS_USERS)).as("user/list requests, retries included")
                .isBetween(5L, 5L * classIds().size());
    }

    /**
     * A class answer that reads as JSON but not as a student list fails while the answers are
     * mapped in class order, after the fetch: the run must still fail through the route's error
     * policy, with a failed manifest, and publish nothing.
     */
    @Test
    void aClassAnswerOfAnotherShapeFailsTheRunAndPublishesNothing() {
        Manifest first = syncOnce();
        assertThat(first.status()).isEqualTo(RunStatus.SUCCESS);
        Map<Path, String> before = Harness.tree(exports);
        String someClass = classIds().stream().sorted().findFirst().orElseThrow();
        simulator.canned().answer(CLASS_USERS, Map.of("department_id", someClass),
                "{\"errcode\":0,\"errmsg\":\"ok\",\"students\":{\"student_userid\":\"s1\"}}");
        try {
            Manifest failed = syncOnce();

            assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
            assertThat(failed.error()).contains("unexpected answer shape for StudentList");
            assertThat(Harness.tree(exports)).as("exports untouched by the failed run").isEqualTo(before);
        } finally {
            simulator.canned().clear();
        }
    }

    @Test
    void aDepartmentCycleFailsTheRunWithAClearErrorBeforeAnyClassIsRead() {
        simulator.faults().departmentCycle(Vendor.WECOM_SCHOOL);

        Manifest manifest = syncOnce();

        assertThat(manifest.status()).isEqualTo(RunStatus.FAILED);
        assertThat(manifest.error()).contains("department cycle");
        assertThat(simulator.calls(CLASS_USERS)).isZero();
        assertThat(exports.resolve("wecom-school")).doesNotExist();
    }

    @Test
    void theScheduleFiresTheSyncInServiceMode() throws Exception {
        Map<String, String> overrides = Harness.overrides(simulator, exports, Sources.WECOM_SCHOOL);
        overrides.put("orgsync.wecom-school.schedule", "* * * * * ?");
        try (OrgSyncApp app = OrgSyncApp.create(Path.of("application.properties"), Path.of("routes"), overrides,
                false)) {
            app.start();
            // the cron fires every second, so a firing after this point is never more than a second away
            NotifyBuilder published = new NotifyBuilder(app.context()).fromRoute("wecom-school-schedule")
                    .whenCompleted(1).create();
            assertThat(published.matches(30, TimeUnit.SECONDS)).as("a scheduled run completed").isTrue();
        }
        Path tenantDir = exports.resolve("wecom-school").resolve(simulator.credentials().wecomSchoolCorpId());
        assertThat(Harness.readJson(tenantDir.resolve("latest.json")).path("status").asText()).isEqualTo("success");
    }

    @Test
    void csvExportsRoundTripEveryAwkwardName() throws Exception {
        Map<String, String> overrides = Harness.overrides(simulator, exports, Sources.WECOM_SCHOOL);
        overrides.put("orgsync.file.formats", "jsonl,csv");
        Manifest manifest;
        try (OrgSyncApp app = Harness.start(overrides)) {
            manifest = app.sync(Sources.WECOM_SCHOOL).manifest();
        }
        Path runDir = runDir(manifest);
        Map<String, String> jsonNames = new HashMap<>();
        Harness.members(runDir).forEach(m -> jsonNames.put(m.id(), m.name() == null ? "" : m.name()));
        Map<String, String> csvNames = new HashMap<>();
        try (var parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(Files.newBufferedReader(runDir.resolve("members.csv")))) {
            assertThat(parser.getHeaderNames()).doesNotContain("kind").contains("id", "name", "departmentIds");
            parser.forEach(row -> csvNames.put(row.get("id"), row.get("name")));
        }
        assertThat(csvNames).isEqualTo(jsonNames);
        assertThat(jsonNames.values()).as("the generated school has names CSV must quote")
                .anyMatch(n -> n.contains(",")).anyMatch(n -> n.contains("\"")).anyMatch(n -> n.contains("\n"));
    }

    private Manifest syncOnce() {
        try (OrgSyncApp app = Harness.start(Harness.overrides(simulator, exports, Sources.WECOM_SCHOOL))) {
            OrgSyncApp.RunOutcome outcome = app.sync(Sources.WECOM_SCHOOL);
            assertThat(outcome.exception()).isNull();
            return outcome.manifest();
        }
    }

    private Path runDir(Manifest manifest) {
        return exports.resolve("wecom-school").resolve(manifest.tenant()).resolve(manifest.runId());
    }

    private static Set<String> classIds() {
        return school.departments().stream().filter(d -> d.type() == SchoolOrg.TYPE_CLASS)
                .map(d -> String.valueOf(d.id())).collect(Collectors.toSet());
    }

    private static List<String> strings(List<Integer> ids) {
        return ids.stream().map(String::valueOf).toList();
    }
}
