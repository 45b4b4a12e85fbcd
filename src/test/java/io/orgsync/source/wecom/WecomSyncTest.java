package io.orgsync.source.wecom;

import io.orgsync.Sources;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Department;
import io.orgsync.model.DepartmentType;
import io.orgsync.model.Member;
import io.orgsync.model.Role;
import io.orgsync.model.Status;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.CompanyOrg;
import io.orgsync.simulator.CompanyShape;
import io.orgsync.simulator.FaultInjector;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.Vendor;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.apache.camel.builder.NotifyBuilder;
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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped wecom routes against the simulated company, end to end into the file sink. The
 * company is deep (7 levels) and has more than 10,000 (member, department) rows, so user/list_id
 * needs two pages; one employee in several departments is guaranteed by the generator.
 */
@Timeout(120)
class WecomSyncTest {

    private static final String TOKEN = "/cgi-bin/gettoken";
    private static final String DEPARTMENT_LIST = "/cgi-bin/department/list";
    private static final String DEPARTMENT_SIMPLELIST = "/cgi-bin/department/simplelist";
    private static final String DEPARTMENT_GET = "/cgi-bin/department/get";
    private static final String USER_LIST = "/cgi-bin/user/list";
    private static final String USER_SIMPLELIST = "/cgi-bin/user/simplelist";
    private static final String USER_LIST_ID = "/cgi-bin/user/list_id";
    /** WeCom's page limit for user/list_id: at most 10,000 (member, department) rows per page (its API reference). */
    private static final int LIST_ID_LIMIT = 10_000;
    /** orgsync.http.max-retries as application.properties ships it (4): five attempts per request. */
    private static final int ATTEMPTS_PER_REQUEST = 5;

    private static VendorSimulator simulator;
    private static CompanyOrg company;
    /** One detailed run shared by the tests that only read its output, with the calls it took. */
    @TempDir
    static Path detailedDir;
    private static Manifest detailed;
    private static long detailedCalls;
    private static long detailedDepartmentListCalls;
    private static long detailedUserListCalls;
    private static long detailedIdApiCalls;

    @TempDir
    Path exports;

    private ListAppender<ILoggingEvent> normaliserLog;

    @BeforeAll
    static void startSimulator() {
        simulator = VendorSimulator.start(SimulatorConfig.defaults().withCompany(new CompanyShape(90, 7, 9_000)));
        company = simulator.company();
        assertThat(company.depth()).isGreaterThanOrEqualTo(6);
        assertThat(memberships()).as("user/list_id needs more than one page").isGreaterThan(LIST_ID_LIMIT);
        Map<String, String> overrides = Harness.overrides(simulator, detailedDir, Sources.WECOM);
        try (OrgSyncApp app = Harness.start(overrides)) {
            detailed = app.sync(Sources.WECOM).manifest();
        }
        detailedCalls = simulator.calls();
        detailedDepartmentListCalls = simulator.calls(DEPARTMENT_LIST);
        detailedUserListCalls = simulator.calls(USER_LIST);
        detailedIdApiCalls = simulator.calls(DEPARTMENT_SIMPLELIST) + simulator.calls(USER_LIST_ID)
                + simulator.calls(USER_SIMPLELIST) + simulator.calls(DEPARTMENT_GET);
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.faults().clear();
        simulator.resetCounters();
        normaliserLog = new ListAppender<>();
        normaliserLog.start();
        ((Logger) LoggerFactory.getLogger(WecomNormaliser.class)).addAppender(normaliserLog);
    }

    @AfterEach
    void detachLog() {
        ((Logger) LoggerFactory.getLogger(WecomNormaliser.class)).detachAppender(normaliserLog);
    }

    // ---------------------------------------------------------------- calls

    @Test
    void readsTheTreeOnceAndEveryDepartmentOnceWithTheMinimumNumberOfCalls() {
        int departments = company.departments().size();
        assertThat(detailed.status()).as(String.valueOf(detailed.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(detailedDepartmentListCalls).isEqualTo(1);
        assertThat(detailedUserListCalls).isEqualTo(departments);
        // gettoken + department/list + one user/list per department: user/list is not recursive and
        // fetch_child is not relied on, so nothing cheaper gives every member's details
        assertThat(detailedCalls).isEqualTo(minimumDetailedCalls()).isEqualTo(92);
        assertThat(detailed.apiCalls()).isEqualTo(detailedCalls);
        assertThat(detailed.retries()).isZero();
        assertThat(detailedIdApiCalls).isZero();
    }

    // ---------------------------------------------------------------- records

    @Test
    void publishesTheWholeTreeWithParentsPathsOrdersAndVendorFields() {
        Map<String, Department> byId = Harness.departments(runDir(detailedDir, detailed)).stream()
                .collect(Collectors.toMap(Department::id, Function.identity()));

        assertThat(byId).hasSize(company.departments().size());
        Department root = byId.get("1");
        assertThat(root.parentId()).isNull();
        assertThat(root.path()).containsExactly("1");
        for (CompanyOrg.Department expected : company.departments()) {
            assertThat(CanonicalJson.toLine(byId.get(String.valueOf(expected.id()))))
                    .isEqualTo(CanonicalJson.toLine(expectedDepartment(expected)));
        }
        assertThat(byId.values().stream().mapToInt(d -> d.path().size()).max().orElse(0))
                .as("depth 7 below the root").isEqualTo(company.depth() + 1);
    }

    @Test
    void publishesOneRecordPerPersonWithTheUnionOfDepartmentsAndTheStatusMapped() {
        List<Member> members = Harness.members(runDir(detailedDir, detailed));
        Map<String, Member> byId = members.stream().collect(Collectors.toMap(Member::id, Function.identity()));

        assertThat(byId).as("no person twice").hasSize(members.size()).hasSize(company.employees().size());
        Set<Integer> statuses = new HashSet<>();
        int inSeveralDepartments = 0;
        for (CompanyOrg.Employee employee : company.employees()) {
            Member record = byId.get(employee.id());
            assertThat(record).as(employee.id()).isNotNull();
            // compared as text: the export's numbers parse back as ints, the ground truth's as longs
            assertThat(CanonicalJson.toLine(record)).isEqualTo(CanonicalJson.toLine(expectedMember(employee)));
            statuses.add(employee.status());
            if (employee.departmentIds().size() > 1) {
                inSeveralDepartments++;
            }
        }
        assertThat(statuses).as("the company has every WeCom status").contains(1, 2, 4, 5);
        assertThat(inSeveralDepartments).as("the company has people in several departments").isGreaterThan(100);
    }

    @Test
    void theFirstEmployeeIsInSeveralDepartmentsAndHisPerDepartmentArraysStayAlignedWithThem() {
        CompanyOrg.Employee first = company.employees().get(0);
        Member record = Harness.members(runDir(detailedDir, detailed)).stream().filter(m -> m.id().equals(first.id()))
                .findFirst().orElseThrow();

        assertThat(first.departmentIds()).hasSizeGreaterThan(1);
        assertThat(record.departmentIds()).containsExactlyElementsOf(strings(first.departmentIds()));
        // attributes.order[i] and is_leader_in_dept[i] belong to departmentIds[i], exactly as sent
        assertThat(CanonicalJson.MAPPER.convertValue(record.attributes().get("order"), List.class))
                .hasSize(record.departmentIds().size())
                .isEqualTo(first.orders().stream().map(Long::intValue).toList());
        assertThat(CanonicalJson.MAPPER.convertValue(record.attributes().get("is_leader_in_dept"), List.class))
                .isEqualTo(first.isLeaderInDept());
    }

    // ---------------------------------------------------------------- 48009 and the id-only APIs

    @Test
    void whereWecomRefusesTheDetailedListsTheIdApisGiveTheSameDepartmentsAndMembers() {
        List<Department> expectedDepartments = Harness.departments(runDir(detailedDir, detailed));
        List<Member> expectedMembers = Harness.members(runDir(detailedDir, detailed));
        simulator.faults().wecomDepartmentListRefused();

        Manifest fallback = syncOnce(Map.of());

        assertThat(fallback.status()).as(String.valueOf(fallback.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(Harness.departments(runDir(fallback))).isEqualTo(expectedDepartments);
        List<Member> members = Harness.members(runDir(fallback));
        assertThat(members).hasSameSizeAs(expectedMembers);
        for (int i = 0; i < members.size(); i++) {
            Member seen = members.get(i);
            Member full = expectedMembers.get(i);
            assertThat(seen.id()).isEqualTo(full.id());
            assertThat(seen.name()).as(seen.id()).isEqualTo(full.name());
            assertThat(seen.departmentIds()).as(seen.id()).isEqualTo(full.departmentIds());
            assertThat(seen.role()).isEqualTo(Role.EMPLOYEE);
            // what user/list_id and user/simplelist cannot see
            assertThat(seen.status()).isEqualTo(Status.ACTIVE);
            assertThat(seen.mobile()).isNull();
            assertThat(seen.email()).isNull();
            assertThat(fieldNames(seen.attributes())).containsExactly("open_userid");
            assertThat(seen.attributes().get("open_userid")).isEqualTo(full.attributes().get("open_userid"));
        }
        // the refused department/list and the first refused user/list, then the id-only minimum
        assertThat(simulator.calls(DEPARTMENT_LIST)).isEqualTo(1);
        assertThat(simulator.calls(USER_LIST)).isEqualTo(1);
        assertThat(simulator.calls()).isEqualTo(minimumIdCalls() + 2);
        assertThat(fallback.apiCalls()).isEqualTo(simulator.calls());
        assertThat(warnings("department/list refused")).as("the switch is logged once").isEqualTo(1);
        assertThat(warnings("user/list refused")).as("the switch is logged once").isEqualTo(1);
    }

    @Test
    void aTreeTooLargeForOneDepartmentListAnswerIsReadDepartmentByDepartmentWithTheSameRecords() {
        List<Department> expectedDepartments = Harness.departments(runDir(detailedDir, detailed));
        List<Member> expectedMembers = Harness.members(runDir(detailedDir, detailed));
        simulator.faults().wecomDepartmentListTooLarge();

        Manifest replanned = syncOnce(Map.of());

        assertThat(replanned.status()).as(String.valueOf(replanned.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(Harness.departments(runDir(replanned))).isEqualTo(expectedDepartments);
        // members still come from user/list, one department at a time: every field as before
        assertThat(Harness.members(runDir(replanned))).isEqualTo(expectedMembers);
        assertThat(simulator.calls(DEPARTMENT_LIST)).isEqualTo(1);
        assertThat(simulator.calls(DEPARTMENT_SIMPLELIST)).isEqualTo(1);
        assertThat(simulator.calls(DEPARTMENT_GET)).isEqualTo(company.departments().size());
        assertThat(simulator.calls(USER_LIST_ID) + simulator.calls(USER_SIMPLELIST)).isZero();
        assertThat(warnings("errcode 45029")).as("the switch is logged once").isEqualTo(1);
        Map<Path, String> before = Harness.tree(exports);

        OrgSyncApp.RunOutcome forbidden = sync(exports, Map.of("orgsync.wecom.department-mode", "list"));

        assertThat(forbidden.misconfiguredKey()).isEqualTo("orgsync.wecom.department-mode");
        assertThat(forbidden.manifest().status()).isEqualTo(RunStatus.FAILED);
        assertThat(forbidden.manifest().error()).contains("45029").contains("too large").contains("simplelist");
        assertThat(Harness.tree(exports)).as("exports untouched by the failed run").isEqualTo(before);
    }

    @Test
    void configuredIdModesSkipTheDetailedCallsAndPageUserListIdWithItsCursor() {
        Manifest manifest = syncOnce(Map.of("orgsync.wecom.department-mode", "simplelist",
                "orgsync.wecom.member-mode", "list_id"));

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(simulator.calls(DEPARTMENT_LIST) + simulator.calls(USER_LIST)).isZero();
        assertThat(simulator.calls(USER_LIST_ID)).isEqualTo(listIdPages()).isEqualTo(2);
        assertThat(simulator.calls()).isEqualTo(minimumIdCalls());
        assertThat(manifest.apiCalls()).isEqualTo(simulator.calls());
        assertThat(manifest.departments()).isEqualTo(company.departments().size());
        assertThat(manifest.members()).isEqualTo(company.employees().size());
        assertThat(warnings("refused")).isZero();
    }

    @Test
    void whereUserSimplelistIsRefusedTooMembersKeepTheirIdsAndDepartmentsWithoutNames() {
        simulator.faults().wecomDepartmentListRefused().wecomUserSimplelistRefused();

        Manifest manifest = syncOnce(Map.of());

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        Map<String, Member> byId = Harness.members(runDir(manifest)).stream()
                .collect(Collectors.toMap(Member::id, Function.identity()));
        assertThat(byId).hasSize(company.employees().size());
        for (CompanyOrg.Employee employee : company.employees()) {
            Member record = byId.get(employee.id());
            assertThat(record.name()).isNull();
            assertThat(record.departmentIds()).as(employee.id())
                    .containsExactlyElementsOf(strings(employee.departmentIds()));
        }
        // one refused user/simplelist, after which names are no longer asked for
        assertThat(simulator.calls(USER_SIMPLELIST)).isEqualTo(1);
        assertThat(simulator.calls()).isEqualTo(minimumIdCalls() + 2 - company.departments().size() + 1);
        assertThat(warnings("user/simplelist refused")).isEqualTo(1);
    }

    @Test
    void aConfiguredDetailedModeThatWecomRefusesFailsNamingTheKeyToChange() {
        simulator.faults().wecomDepartmentListRefused();

        OrgSyncApp.RunOutcome departments = sync(exports, Map.of("orgsync.wecom.department-mode", "list"));
        OrgSyncApp.RunOutcome members = sync(exports, Map.of("orgsync.wecom.department-mode", "simplelist",
                "orgsync.wecom.member-mode", "list"));

        assertThat(departments.misconfiguredKey()).isEqualTo("orgsync.wecom.department-mode");
        assertThat(departments.manifest().status()).isEqualTo(RunStatus.FAILED);
        assertThat(departments.manifest().error()).contains("48009").contains("simplelist");
        assertThat(members.misconfiguredKey()).isEqualTo("orgsync.wecom.member-mode");
        assertThat(members.manifest().error()).contains("48009").contains("list_id");
        assertThat(exports.resolve("wecom")).doesNotExist();
    }

    // ---------------------------------------------------------------- sub-tree root

    @Test
    void aSubTreeRootSyncsThatSubTreeAloneInBothModes(@TempDir Path other) {
        CompanyOrg.Department top = company.departments().stream().filter(d -> d.depth() == 1)
                .max((a, b) -> Integer.compare(subtree(a.id()).size(), subtree(b.id()).size())).orElseThrow();
        Set<String> subtree = subtree(top.id());
        assertThat(subtree.size()).isGreaterThan(1).isLessThan(company.departments().size());
        Set<String> people = company.employees().stream()
                .filter(e -> e.departmentIds().stream().anyMatch(d -> subtree.contains(String.valueOf(d))))
                .map(CompanyOrg.Employee::id).collect(Collectors.toSet());
        String root = String.valueOf(top.id());

        Manifest detailed = syncOnce(Map.of("orgsync.wecom.root-department-id", root));
        simulator.resetCounters();
        Manifest ids = syncOnce(other, Map.of("orgsync.wecom.root-department-id", root,
                "orgsync.wecom.department-mode", "simplelist", "orgsync.wecom.member-mode", "list_id"));

        List<Department> departments = Harness.departments(runDir(detailed));
        assertThat(departments).extracting(Department::id).containsExactlyInAnyOrderElementsOf(subtree);
        Department subRoot = departments.stream().filter(d -> d.id().equals(root)).findFirst().orElseThrow();
        assertThat(subRoot.parentId()).isNull();
        assertThat(subRoot.path()).containsExactly(root);
        assertThat(Harness.members(runDir(detailed))).extracting(Member::id).containsExactlyInAnyOrderElementsOf(people);
        assertThat(Harness.departments(runDir(other, ids))).isEqualTo(departments);
        assertThat(Harness.members(runDir(other, ids))).extracting(Member::departmentIds)
                .isEqualTo(Harness.members(runDir(detailed)).stream().map(Member::departmentIds).toList());
        assertThat(simulator.calls(DEPARTMENT_GET)).isEqualTo(subtree.size());
        assertThat(simulator.calls(USER_SIMPLELIST)).isEqualTo(subtree.size());
    }

    @Test
    void aRootTheAppCannotSeeFailsTheRunInsteadOfPublishingNothing() {
        Manifest manifest = syncOnce(Map.of("orgsync.wecom.root-department-id", "777777"));

        assertThat(manifest.status()).isEqualTo(RunStatus.FAILED);
        assertThat(manifest.error()).contains("root department 777777").contains("orgsync.wecom.root-department-id");
        assertThat(simulator.calls(USER_LIST)).isZero();
        assertThat(exports.resolve("wecom")).doesNotExist();
    }

    @Test
    void aDepartmentCycleFailsTheRunBeforeAnyMemberIsReadAndAnOrphanIsKept() {
        simulator.faults().departmentCycle(Vendor.WECOM);
        Manifest cycle = syncOnce(Map.of());
        assertThat(cycle.status()).isEqualTo(RunStatus.FAILED);
        assertThat(cycle.error()).contains("department cycle");
        assertThat(simulator.calls(USER_LIST)).isZero();
        assertThat(exports.resolve("wecom")).doesNotExist();

        simulator.faults().clear();
        // the orphan only shows in a listing of the whole tree: proof department/list was called without id
        simulator.faults().orphanDepartment(Vendor.WECOM);
        Manifest orphan = syncOnce(Map.of());
        assertThat(orphan.status()).as(String.valueOf(orphan.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(Harness.departments(runDir(orphan))).extracting(Department::id)
                .contains(String.valueOf(FaultInjector.WECOM_ORPHAN));
    }

    // ---------------------------------------------------------------- vendor behaviour

    @Test
    void survivesATokenExpiringMidRunAndATokenRevokedBetweenRuns() {
        simulator.faults().expireTokensAfterCalls(Vendor.WECOM, 10);
        // one call in flight, for exact counts: parallel calls holding the expired token are each refused once
        try (OrgSyncApp app = Harness.start(overrides(exports, Map.of("orgsync.wecom.concurrency", "1")))) {
            Manifest expired = app.sync(Sources.WECOM).manifest();
            assertThat(expired.status()).as(String.valueOf(expired.error())).isEqualTo(RunStatus.SUCCESS);
            assertThat(expired.members()).isEqualTo(company.employees().size());
            assertThat(expired.retries()).isEqualTo(1);
            assertThat(simulator.calls(TOKEN)).isEqualTo(2);
            assertThat(expired.apiCalls()).isEqualTo(minimumDetailedCalls() + 2).isEqualTo(simulator.calls());

            simulator.resetCounters();
            simulator.faults().invalidateTokens(Vendor.WECOM);
            Manifest revoked = app.sync(Sources.WECOM).manifest();
            assertThat(revoked.status()).as(String.valueOf(revoked.error())).isEqualTo(RunStatus.SUCCESS);
            assertThat(revoked.members()).isEqualTo(company.employees().size());
            // the cached token is refused once (40014), refreshed, and the call repeated
            assertThat(simulator.calls(TOKEN)).isEqualTo(1);
            assertThat(revoked.apiCalls()).isEqualTo(minimumDetailedCalls() + 1).isEqualTo(simulator.calls());
        }
    }

    @Test
    void staysUnderTheRateLimitWhenPacedToIt() {
        simulator.faults().rateLimit(Vendor.WECOM, 40);

        Manifest manifest = syncOnce(Map.of("orgsync.wecom.max-requests-per-second", "40"));

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(manifest.members()).isEqualTo(company.employees().size());
        assertThat(simulator.rejections()).as("pacing keeps rejections small").isLessThanOrEqualTo(2);
        assertThat(manifest.apiCalls()).isEqualTo(minimumDetailedCalls() + simulator.rejections());
    }

    @Test
    void waitsOutRateLimitAnswersWhenNotPaced() {
        // the same limit as above: without the pacing it is hit, so the pacing is what kept rejections down
        simulator.faults().rateLimit(Vendor.WECOM, 40);

        Manifest manifest = syncOnce(Map.of("orgsync.wecom.max-requests-per-second", "1000",
                "orgsync.wecom.max-requests-per-minute", "60000"));

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(manifest.members()).isEqualTo(company.employees().size());
        assertThat(simulator.rejections()).isPositive();
        assertThat(manifest.retries()).isEqualTo(simulator.rejections());
    }

    @Test
    void retriesTransientFaultsAndSystemBusyWithoutLosingARecord() {
        simulator.faults().failNext(USER_LIST, 2, 502).failNext(DEPARTMENT_LIST, 1, 503).wecomSystemBusy(2);

        Manifest manifest = syncOnce(Map.of());

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(manifest.members()).isEqualTo(company.employees().size());
        assertThat(manifest.retries()).isEqualTo(5);
        assertThat(manifest.apiCalls()).isEqualTo(minimumDetailedCalls() + 5).isEqualTo(simulator.calls());
    }

    @Test
    void tooManyConcurrentCallsLowerTheRunsConcurrencyToWhatTheVendorTakes() {
        // WeCom's cap is unpublished; this one lets 2 calls through at once and the run sends 5: the
        // ceiling, as the rate is lifted so far that any round trip asks for more
        Map<String, String> fiveInFlight = Map.of("orgsync.wecom.concurrency", "5",
                "orgsync.wecom.max-requests-per-second", "100000", "orgsync.wecom.max-requests-per-minute", "6000000");
        simulator.faults().slow(Vendor.WECOM, java.time.Duration.ofMillis(20)).wecomConcurrencyCap(2);
        // the simulator counts its refusals from its start, across the tests that share it
        long refusedBefore = simulator.faults().wecomInFlightRefusals();
        ListAppender<ILoggingEvent> clientLog = new ListAppender<>();
        clientLog.start();
        Logger client = (Logger) LoggerFactory.getLogger(io.orgsync.source.VendorConnection.class);
        client.addAppender(clientLog);
        try {
            Manifest manifest = syncOnce(fiveInFlight);

            assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
            assertThat(manifest.members()).isEqualTo(company.employees().size());
            long refused = simulator.faults().wecomInFlightRefusals() - refusedBefore;
            assertThat(refused).isPositive();
            assertThat(manifest.retries()).isEqualTo(refused);
            // one call fewer per refusal of a call sent under the current limit: 5, 4, 3, then 2,
            // which WeCom takes; refusals of calls sent before a lowering lower nothing more
            assertThat(lowerings(clientLog, manifest.runId())).containsExactly(4, 3, 2);

            Manifest next = syncOnce(fiveInFlight);
            assertThat(next.status()).isEqualTo(RunStatus.SUCCESS);
            assertThat(lowerings(clientLog, next.runId()))
                    .as("the next run starts at the configured concurrency again").containsExactly(4, 3, 2);
        } finally {
            client.detachAppender(clientLog);
        }
    }

    @Test
    void aFarVendorGetsAsManyCallsInFlightAsItsPaceFillsOverTheRoundTrip() {
        // 100 calls a second over 60 ms or more ask for at least 6 + 2 in flight, past this cap of 4;
        // the default ceiling (32) allows them, a fixed handful would not have reached the cap
        simulator.faults().slow(Vendor.WECOM, java.time.Duration.ofMillis(60)).wecomConcurrencyCap(4);
        long refusedBefore = simulator.faults().wecomInFlightRefusals();
        ListAppender<ILoggingEvent> clientLog = new ListAppender<>();
        clientLog.start();
        Logger client = (Logger) LoggerFactory.getLogger(io.orgsync.source.VendorConnection.class);
        client.addAppender(clientLog);
        try {
            Manifest manifest = syncOnce(Map.of());

            assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
            assertThat(manifest.members()).isEqualTo(company.employees().size());
            assertThat(simulator.faults().wecomInFlightRefusals() - refusedBefore).as("calls past the vendor's 4 at once")
                    .isPositive();
            List<Integer> lowerings = lowerings(clientLog, manifest.runId());
            assertThat(lowerings).as("from what the round trip asked for down to what the vendor takes")
                    .isNotEmpty().isSortedAccordingTo(java.util.Comparator.reverseOrder()).endsWith(4);
            assertThat(lowerings.get(0)).isGreaterThanOrEqualTo(7);
        } finally {
            client.detachAppender(clientLog);
        }
    }

    private static List<Integer> lowerings(ListAppender<ILoggingEvent> log, String runId) {
        return log.list.stream()
                .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("run " + runId + " "))
                .map(e -> Integer.parseInt(e.getFormattedMessage().replaceAll(".*; (\\d+) in flight at most.*", "$1")))
                .toList();
    }

    @Test
    void systemBusyIsRetriedThreeTimesAsWeComSaysThenFailsTheRun() {
        simulator.faults().wecomSystemBusy(3);
        Manifest recovered = syncOnce(detailedDir, Map.of());
        assertThat(recovered.status()).as(String.valueOf(recovered.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(recovered.retries()).isEqualTo(3);
        assertThat(recovered.members()).isEqualTo(company.employees().size());
        Map<Path, String> before = Harness.tree(detailedDir);

        // one more than WeCom's table allows, although orgsync.http.max-retries (4) would allow it
        simulator.faults().wecomSystemBusy(4);
        Manifest failed = syncOnce(detailedDir, Map.of());

        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.error()).contains("system busy").contains("after 3 retries");
        assertThat(Harness.tree(detailedDir)).as("exports untouched by the failed run").isEqualTo(before);
    }

    @Test
    void aPersistent500FailsTheRunAfterBoundedRetriesAndPublishesNothing() {
        // on top of the shared successful run, which a failed run must leave exactly as it was
        Map<Path, String> before = Harness.tree(detailedDir);
        simulator.faults().failAlways(USER_LIST, 500);

        Manifest failed = syncOnce(detailedDir, Map.of());

        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.error()).contains(USER_LIST).contains("500").contains("retries");
        assertThat(Harness.tree(detailedDir)).as("exports untouched by the failed run").isEqualTo(before);
        // the failing request is retried up to the limit, and no request (one per department) more often
        assertThat(simulator.calls(USER_LIST)).as("user/list requests, retries included")
                .isBetween((long) ATTEMPTS_PER_REQUEST, (long) ATTEMPTS_PER_REQUEST * company.departments().size());
    }

    @Test
    void aRepeatedListIdCursorFailsTheRunAndPublishesNothing() {
        simulator.faults().repeatPageToken(USER_LIST_ID);

        Manifest manifest = syncOnce(Map.of("orgsync.wecom.member-mode", "list_id"));

        assertThat(manifest.status()).isEqualTo(RunStatus.FAILED);
        assertThat(manifest.error()).contains("user/list_id").contains("repeated a page token");
        assertThat(simulator.calls(USER_LIST_ID)).isEqualTo(2);
        assertThat(exports.resolve("wecom")).doesNotExist();
    }

    @Test
    void aMalformedAnswerFailsTheRunWithAClearMessage() {
        simulator.faults().malformedBody(DEPARTMENT_LIST, 1);

        Manifest manifest = syncOnce(Map.of());

        assertThat(manifest.status()).isEqualTo(RunStatus.FAILED);
        assertThat(manifest.error()).contains(DEPARTMENT_LIST).contains("not JSON");
        assertThat(exports.resolve("wecom")).doesNotExist();
    }

    @Test
    void wrongCredentialsNameTheKeyToFix() {
        OrgSyncApp.RunOutcome secret = sync(exports, Map.of("orgsync.wecom.corp-secret", "not-the-secret"));
        OrgSyncApp.RunOutcome corp = sync(exports, Map.of("orgsync.wecom.corp-id", "wwnotacorp"));

        assertThat(secret.misconfiguredKey()).isEqualTo("orgsync.wecom.corp-secret");
        assertThat(secret.manifest().status()).isEqualTo(RunStatus.FAILED);
        assertThat(secret.manifest().error()).contains("40001").doesNotContain("not-the-secret");
        assertThat(corp.misconfiguredKey()).isEqualTo("orgsync.wecom.corp-id");
        assertThat(corp.manifest().error()).contains("40013");
        assertThat(simulator.calls()).as("no retry of a rejected credential").isEqualTo(2);
    }

    @Test
    void aSecondRunWithoutChangesReportsNoChanges() {
        Manifest second = syncOnce(detailedDir, Map.of());

        assertThat(detailed.created()).isEqualTo(company.departments().size() + company.employees().size());
        assertThat(second.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(second.created() + second.updated() + second.deleted()).as("the merge is deterministic").isZero();
    }

    @Test
    void theScheduleFiresTheSyncInServiceMode() throws Exception {
        Map<String, String> overrides = overrides(exports, Map.of("orgsync.wecom.schedule", "* * * * * ?"));
        try (OrgSyncApp app = OrgSyncApp.create(Path.of("application.properties"), Path.of("routes"), overrides,
                false)) {
            app.start();
            NotifyBuilder ran = new NotifyBuilder(app.context()).fromRoute("wecom-schedule").whenCompleted(1).create();
            assertThat(ran.matches(30, TimeUnit.SECONDS)).as("a scheduled run completed").isTrue();
        }
        Path tenantDir = exports.resolve("wecom").resolve(simulator.credentials().wecomCorpId());
        assertThat(Harness.readJson(tenantDir.resolve("latest.json")).path("status").asText()).isEqualTo("success");
    }

    // ---------------------------------------------------------------- helpers

    /** gettoken + department/list + one user/list per department. */
    private static long minimumDetailedCalls() {
        return 2 + company.departments().size();
    }

    /** gettoken + department/simplelist + department/get and user/simplelist per department + list_id pages. */
    private static long minimumIdCalls() {
        return 2 + 2L * company.departments().size() + listIdPages();
    }

    private static long listIdPages() {
        return (memberships() + LIST_ID_LIMIT - 1) / LIST_ID_LIMIT;
    }

    private static long memberships() {
        return company.employees().stream().mapToLong(e -> e.departmentIds().size()).sum();
    }

    private Department expectedDepartment(CompanyOrg.Department d) {
        ObjectNode attributes = CanonicalJson.emptyObject();
        ArrayNode leaders = attributes.putArray("department_leader");
        d.leaderIds().forEach(leaders::add);
        attributes.put("name_en", d.nameEn());
        List<String> path = new ArrayList<>();
        for (CompanyOrg.Department at = d; at != null; at = company.department(at.parentId())) {
            path.add(0, String.valueOf(at.id()));
        }
        return new Department(WecomNormaliser.SOURCE, simulator.credentials().wecomCorpId(), String.valueOf(d.id()),
                d.isRoot() ? null : String.valueOf(d.parentId()), d.name(), DepartmentType.DEPARTMENT, d.order(), path,
                attributes);
    }

    private Member expectedMember(CompanyOrg.Employee e) {
        ObjectNode attributes = CanonicalJson.emptyObject();
        attributes.put("alias", e.alias());
        attributes.put("biz_mail", e.bizMail());
        ArrayNode leaders = attributes.putArray("direct_leader");
        e.directLeader().forEach(leaders::add);
        attributes.put("gender", Integer.toString(e.gender()));
        ArrayNode leaderFlags = attributes.putArray("is_leader_in_dept");
        e.isLeaderInDept().forEach(leaderFlags::add);
        attributes.put("main_department", e.mainDepartment());
        attributes.put("open_userid", e.openUserId());
        ArrayNode orders = attributes.putArray("order");
        e.orders().forEach(orders::add);
        attributes.put("position", e.position());
        attributes.put("status", e.status());
        attributes.put("telephone", e.telephone());
        Status status = e.status() == 1 ? Status.ACTIVE : Status.INACTIVE;
        return new Member(WecomNormaliser.SOURCE, simulator.credentials().wecomCorpId(), e.id(), e.name(),
                Role.EMPLOYEE, strings(e.departmentIds()), e.mobile(), e.email(), status, List.of(), attributes);
    }

    private static Set<String> subtree(int id) {
        Set<String> ids = new HashSet<>();
        for (CompanyOrg.Department d : company.departments()) {
            for (CompanyOrg.Department at = d; at != null; at = company.department(at.parentId())) {
                if (at.id() == id) {
                    ids.add(String.valueOf(d.id()));
                    break;
                }
            }
        }
        return ids;
    }

    private long warnings(String text) {
        return normaliserLog.list.stream()
                .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains(text)).count();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private Map<String, String> overrides(Path dir, Map<String, String> extra) {
        Map<String, String> overrides = Harness.overrides(simulator, dir, Sources.WECOM);
        overrides.putAll(extra);
        return overrides;
    }

    private OrgSyncApp.RunOutcome sync(Path dir, Map<String, String> extra) {
        try (OrgSyncApp app = Harness.start(overrides(dir, extra))) {
            OrgSyncApp.RunOutcome outcome = app.sync(Sources.WECOM);
            assertThat(outcome.exception()).isNull();
            return outcome;
        }
    }

    private Manifest syncOnce(Map<String, String> extra) {
        return syncOnce(exports, extra);
    }

    private Manifest syncOnce(Path dir, Map<String, String> extra) {
        return sync(dir, extra).manifest();
    }

    private Path runDir(Manifest manifest) {
        return runDir(exports, manifest);
    }

    private static Path runDir(Path dir, Manifest manifest) {
        return dir.resolve("wecom").resolve(manifest.tenant()).resolve(manifest.runId());
    }

    private static List<String> strings(List<Integer> ids) {
        return ids.stream().map(String::valueOf).toList();
    }
}
