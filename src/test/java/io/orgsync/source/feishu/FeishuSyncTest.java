package io.orgsync.source.feishu;

import io.orgsync.Sources;
import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.ConfigurationException;
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
import io.orgsync.simulator.LoggedRequest;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.Vendor;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shipped feishu routes against the simulated company, end to end into the file sink. The
 * company has a root with more than 50 child departments and more than 50 direct members, so
 * every listing the source makes pages (50 per page).
 */
@Timeout(120)
class FeishuSyncTest {

    private static final String TOKEN = "/open-apis/auth/v3/tenant_access_token/internal";
    private static final String USERS = "/open-apis/contact/v3/users/find_by_department";
    private static final String ROOT_CHILDREN = "/open-apis/contact/v3/departments/0/children";
    private static final String DEPARTMENT = "/open-apis/contact/v3/departments/:department_id";
    /**
     * Feishu's page limit: departments/:department_id/children and users/find_by_department serve at
     * most page_size=50 (its contact API reference); orgsync asks for full pages.
     */
    private static final int PAGE = 50;
    /** Feishu's documented rate limit for these contact APIs: 50 requests per second per app, per API. */
    private static final int FEISHU_PER_SECOND = 50;
    /** orgsync.http.max-retries as application.properties ships it (4): five attempts per request. */
    private static final int ATTEMPTS_PER_REQUEST = 5;

    private static VendorSimulator simulator;
    private static CompanyOrg company;
    /** Ground truth by WeCom id (the simulator's own key): direct child departments and direct members. */
    private static final Map<Integer, Integer> children = new HashMap<>();
    private static final Map<Integer, Integer> directMembers = new HashMap<>();

    @TempDir
    Path exports;

    @BeforeAll
    static void startSimulator() {
        simulator = VendorSimulator.start(SimulatorConfig.defaults().withCompany(new CompanyShape(120, 4, 1500, 60)));
        company = simulator.company();
        for (CompanyOrg.Department d : company.departments()) {
            children.put(d.id(), 0);
            directMembers.put(d.id(), 0);
        }
        for (CompanyOrg.Department d : company.departments()) {
            if (!d.isRoot()) {
                children.merge(d.parentId(), 1, Integer::sum);
            }
        }
        for (CompanyOrg.Employee e : company.employees()) {
            e.departmentIds().forEach(id -> directMembers.merge(id, 1, Integer::sum));
        }
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
    void theTestCompanyForcesPagingOfChildrenAndMembersInOneDepartment() {
        int root = company.root().id();
        assertThat(children.get(root)).isGreaterThan(PAGE);
        assertThat(directMembers.get(root)).isGreaterThan(PAGE);
        assertThat(company.departments().size() - 1).as("the recursive listing pages too").isGreaterThan(2 * PAGE);
    }

    @Test
    void readsEverythingWithTheMinimumNumberOfCalls() {
        Manifest manifest = syncOnce(overrides());

        int departments = company.departments().size();
        long childrenPages = pages(departments - 1);
        long userPages = company.departments().stream().mapToLong(d -> pages(directMembers.get(d.id()))).sum();
        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(simulator.calls(TOKEN)).isEqualTo(1);
        assertThat(simulator.calls(ROOT_CHILDREN)).isEqualTo(childrenPages);
        assertThat(simulator.calls(USERS)).isEqualTo(userPages);
        assertThat(simulator.calls(DEPARTMENT)).as("the root \"0\" is named without department/get").isZero();
        // one token + the recursive listing + every department's members: nothing cheaper covers them
        assertThat(simulator.calls()).isEqualTo(1 + childrenPages + userPages);
        assertThat(manifest.apiCalls()).isEqualTo(simulator.calls());
        assertThat(manifest.retries()).isZero();
        assertThat(manifest.departments()).isEqualTo(departments);
        assertThat(manifest.members()).isEqualTo(company.employeeCount());
    }

    @Test
    void mapsTheTreeWithIntegerOrdersPathsAndTheRootAsARecordOfItsOwn() throws Exception {
        Manifest manifest = syncOnce(overrides());
        Path runDir = runDir(manifest);
        Map<String, Department> byId = Harness.departments(runDir).stream()
                .collect(Collectors.toMap(Department::id, Function.identity()));

        assertThat(byId).hasSize(company.departments().size());
        Department root = byId.get("0");
        assertThat(root.parentId()).isNull();
        assertThat(root.path()).containsExactly("0");
        assertThat(root.name()).as("the root is named after the tenant").isEqualTo(manifest.tenant());
        assertThat(root.order()).isNull();
        for (CompanyOrg.Department expected : company.departments()) {
            if (expected.isRoot()) {
                continue;
            }
            Department actual = byId.get(expected.feishuOpenId());
            assertThat(actual).as(expected.feishuOpenId()).isNotNull();
            assertThat(actual.name()).isEqualTo(expected.name());
            assertThat(actual.type()).isEqualTo(DepartmentType.DEPARTMENT);
            assertThat(actual.order()).isEqualTo(expected.order());
            assertThat(actual.parentId()).isEqualTo(expected.feishuOpenParentId());
            List<String> path = new ArrayList<>(byId.get(actual.parentId()).path());
            path.add(actual.id());
            assertThat(actual.path()).isEqualTo(path);
            assertThat(actual.attributes().path("department_id").asText()).isEqualTo(expected.feishuId());
            assertThat(actual.attributes().path("i18n_name").path("en_us").asText()).isEqualTo(expected.nameEn());
            assertThat(actual.attributes().has("member_count")).isTrue();
        }
        // Feishu sends order as a string; the export carries a JSON number
        for (String line : Files.readAllLines(runDir.resolve("departments.jsonl"))) {
            JsonNode record = CanonicalJson.MAPPER.readTree(line);
            assertThat(record.get("order").isNull() || record.get("order").isIntegralNumber()).as(line).isTrue();
        }
    }

    @Test
    void publishesOnePersonOnceWithTheUnionOfDepartmentsAndTheRawStatus() {
        Manifest manifest = syncOnce(overrides());
        List<Member> members = Harness.members(runDir(manifest));

        Map<String, Member> byId = members.stream().collect(Collectors.toMap(Member::id, Function.identity()));
        assertThat(byId).as("no person twice").hasSize(members.size()).hasSize(company.employeeCount());
        boolean sawTwoDepartments = false;
        Set<Status> statuses = new HashSet<>();
        for (CompanyOrg.Employee expected : company.employees()) {
            Member actual = byId.get(expected.openId());
            assertThat(actual).as(expected.openId()).isNotNull();
            assertThat(actual.name()).isEqualTo(expected.name());
            assertThat(actual.role()).isEqualTo(Role.EMPLOYEE);
            assertThat(actual.departmentIds()).containsExactlyElementsOf(expected.departmentIds().stream()
                    .map(id -> company.department(id).feishuOpenId()).toList());
            assertThat(actual.mobile()).isEqualTo(expected.feishuMobile());
            assertThat(actual.email()).isEqualTo(expected.email());
            // WeCom-style truth: 1 active; 2 frozen, 4 not activated, 5 resigned and exited
            assertThat(actual.status()).as(expected.id() + " status " + expected.status())
                    .isEqualTo(expected.active() ? Status.ACTIVE : Status.INACTIVE);
            CompanyOrg.FeishuStatus raw = expected.feishuStatus();
            JsonNode status = actual.attributes().path("status");
            assertThat(status.path("is_frozen").asBoolean()).isEqualTo(raw.isFrozen());
            assertThat(status.path("is_resigned").asBoolean()).isEqualTo(raw.isResigned());
            assertThat(status.path("is_activated").asBoolean()).isEqualTo(raw.isActivated());
            assertThat(status.path("is_exited").asBoolean()).isEqualTo(raw.isExited());
            assertThat(actual.attributes().path("union_id").asText()).isEqualTo(expected.unionId());
            assertThat(actual.attributes().path("user_id").asText()).isEqualTo(expected.id());
            assertThat(actual.attributes().path("employee_no").asText()).isEqualTo(expected.employeeNo());
            assertThat(actual.attributes().has("orders")).isTrue();
            sawTwoDepartments |= expected.departmentIds().size() > 1;
            statuses.add(actual.status());
        }
        assertThat(sawTwoDepartments).as("the company has people in several departments").isTrue();
        assertThat(statuses).containsExactlyInAnyOrder(Status.ACTIVE, Status.INACTIVE);
    }

    @Test
    void fallsBackToALevelByLevelWalkOn43010WithByteIdenticalRecords() throws Exception {
        Manifest recursive = syncOnce(overrides());
        Path recursiveDir = runDir(recursive);
        Path otherExports = exports.resolve("walked");
        simulator.resetCounters();
        simulator.faults().feishuRecursionForbidden();

        Map<String, String> overrides = overrides();
        overrides.put("orgsync.file.dir", otherExports.toString());
        Manifest walked = syncOnce(overrides);

        assertThat(walked.status()).as(String.valueOf(walked.error())).isEqualTo(RunStatus.SUCCESS);
        Path walkedDir = otherExports.resolve("feishu").resolve(walked.tenant()).resolve(walked.runId());
        assertThat(Files.readAllBytes(walkedDir.resolve("departments.jsonl")))
                .isEqualTo(Files.readAllBytes(recursiveDir.resolve("departments.jsonl")));
        assertThat(Files.readAllBytes(walkedDir.resolve("members.jsonl")))
                .isEqualTo(Files.readAllBytes(recursiveDir.resolve("members.jsonl")));

        long walkPages = company.departments().stream().mapToLong(d -> pages(children.get(d.id()))).sum();
        long userPages = company.departments().stream().mapToLong(d -> pages(directMembers.get(d.id()))).sum();
        assertThat(simulator.calls(FeishuDialect.CHILDREN_API)).as("the refused call, then one level at a time")
                .isEqualTo(1 + walkPages);
        assertThat(simulator.calls()).isEqualTo(1 + 1 + walkPages + userPages);
        assertThat(walked.apiCalls()).isEqualTo(simulator.calls());

        // breadth first: no department is listed before every shallower one
        Map<String, Integer> depthByOpenId = new HashMap<>();
        company.departments().forEach(d -> depthByOpenId.put(d.feishuOpenId(), d.depth()));
        List<Integer> depths = new ArrayList<>();
        for (LoggedRequest request : simulator.requestLog()) {
            if (request.endpoint().equals(FeishuDialect.CHILDREN_API)) {
                String id = request.path().split("/")[5];
                depths.add(depthByOpenId.get(id));
            }
        }
        assertThat(depths).isSorted().contains(company.depth());
    }

    @Test
    void usesTheConfiguredIdTypesForEveryIdOfTheRun() {
        Map<String, String> overrides = overrides();
        overrides.put("orgsync.feishu.department-id-type", "department_id");
        overrides.put("orgsync.feishu.user-id-type", "user_id");
        Manifest manifest = syncOnce(overrides);

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        Map<String, Department> departments = Harness.departments(runDir(manifest)).stream()
                .collect(Collectors.toMap(Department::id, Function.identity()));
        assertThat(departments.keySet()).containsExactlyInAnyOrderElementsOf(
                company.departments().stream().map(CompanyOrg.Department::feishuId).toList());
        for (CompanyOrg.Department d : company.departments()) {
            if (!d.isRoot()) {
                assertThat(departments.get(d.feishuId()).parentId()).isEqualTo(d.feishuParentId());
                assertThat(departments.get(d.feishuId()).attributes().path("open_department_id").asText())
                        .isEqualTo(d.feishuOpenId());
            }
        }
        Map<String, Member> members = Harness.members(runDir(manifest)).stream()
                .collect(Collectors.toMap(Member::id, Function.identity()));
        for (CompanyOrg.Employee e : company.employees()) {
            Member member = members.get(e.id());
            assertThat(member).as(e.id()).isNotNull();
            assertThat(member.departmentIds()).containsExactlyElementsOf(
                    e.departmentIds().stream().map(id -> company.department(id).feishuId()).toList());
            assertThat(member.attributes().path("open_id").asText()).isEqualTo(e.openId());
        }

        // another folder and database: every id changes, which the deletion guard would rightly hold
        Path unionExports = exports.resolve("by-union-id");
        overrides.put("orgsync.file.dir", unionExports.toString());
        overrides.put("orgsync.jdbc.url", Harness.databaseUrl(unionExports));
        overrides.put("orgsync.feishu.user-id-type", "union_id");
        Manifest byUnionId = syncOnce(overrides);
        Path unionRun = unionExports.resolve("feishu").resolve(byUnionId.tenant()).resolve(byUnionId.runId());
        assertThat(Harness.members(unionRun).stream().map(Member::id).collect(Collectors.toSet()))
                .isEqualTo(company.employees().stream().map(CompanyOrg.Employee::unionId).collect(Collectors.toSet()));
    }

    @Test
    void aConfiguredRootSyncsItsSubtreeWithOneDepartmentGet() {
        CompanyOrg.Department top = company.departments().stream()
                .filter(d -> d.depth() == 1)
                .max((a, b) -> Integer.compare(subtree(a.id()).size(), subtree(b.id()).size()))
                .orElseThrow();
        Set<Integer> subtree = subtree(top.id());
        Map<String, String> overrides = overrides();
        overrides.put("orgsync.feishu.root-department-id", top.feishuOpenId());

        Manifest manifest = syncOnce(overrides);

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        long userPages = subtree.stream().mapToLong(id -> pages(directMembers.get(id))).sum();
        assertThat(simulator.calls(DEPARTMENT)).isEqualTo(1);
        assertThat(simulator.calls()).isEqualTo(1 + 1 + pages(subtree.size() - 1) + userPages);
        Map<String, Department> byId = Harness.departments(runDir(manifest)).stream()
                .collect(Collectors.toMap(Department::id, Function.identity()));
        assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(
                subtree.stream().map(id -> company.department(id).feishuOpenId()).toList());
        Department root = byId.get(top.feishuOpenId());
        assertThat(root.parentId()).isNull();
        assertThat(root.name()).isEqualTo(top.name());
        assertThat(root.order()).isEqualTo(top.order());
        assertThat(root.path()).containsExactly(top.feishuOpenId());
        assertThat(root.attributes().path("parent_department_id").asText()).isEqualTo("0");
        long inSubtree = company.employees().stream()
                .filter(e -> e.departmentIds().stream().anyMatch(subtree::contains)).count();
        assertThat(manifest.members()).isEqualTo(inSubtree);
    }

    @Test
    void aRootTheVendorDoesNotKnowIsAConfigurationErrorNamingTheKey() {
        Map<String, String> overrides = overrides();
        overrides.put("orgsync.feishu.root-department-id", "od-00000000000000000000000000000000");

        OrgSyncApp.RunOutcome outcome = sync(overrides);

        assertThat(outcome.manifest().status()).isEqualTo(RunStatus.FAILED);
        assertThat(outcome.misconfiguredKey()).isEqualTo("orgsync.feishu.root-department-id");
        assertThat(simulator.calls(USERS)).isZero();
        assertThat(exports.resolve("feishu")).doesNotExist();

        overrides.put("orgsync.feishu.root-department-id", "../../auth");
        assertThatThrownBy(() -> Harness.start(overrides).close())
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.key()).isEqualTo("orgsync.feishu.root-department-id"));
    }

    @Test
    void survivesATokenExpiringMidRunWithOneRefresh() {
        simulator.faults().expireTokensAfterCalls(Vendor.FEISHU, 40);
        Map<String, String> overrides = overrides();
        // one call in flight, for exact counts: parallel calls holding the expired token are each refused once
        overrides.put("orgsync.feishu.concurrency", "1");

        Manifest manifest = syncOnce(overrides);

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(manifest.members()).isEqualTo(company.employeeCount());
        assertThat(simulator.calls(TOKEN)).isEqualTo(2);
        // the rejected call and the new token, nothing else
        assertThat(simulator.calls()).isEqualTo(minimumCalls() + 2);
        assertThat(manifest.apiCalls()).isEqualTo(simulator.calls());
        assertThat(manifest.retries()).isEqualTo(1);
    }

    @Test
    void pacedAtTheVendorsLimitTheVendorHardlyEverRefusesEvenWhenWalkingTheTree() {
        // the walk asks a different path per department; Feishu limits them as one API, so must the pacing
        simulator.faults().rateLimit(Vendor.FEISHU, FEISHU_PER_SECOND).feishuRecursionForbidden();
        Map<String, String> overrides = overrides();
        overrides.put("orgsync.feishu.max-requests-per-second", String.valueOf(FEISHU_PER_SECOND));

        Manifest manifest = syncOnce(overrides);

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(manifest.members()).isEqualTo(company.employeeCount());
        assertThat(simulator.calls(FeishuDialect.CHILDREN_API)).isGreaterThan(100);
        assertThat(simulator.rejections()).isLessThanOrEqualTo(2);
        // as the simulator saw them arrive: never more than the limit in any one second, per API
        for (String api : List.of(FeishuDialect.CHILDREN_API, USERS)) {
            assertThat(busiestSecond(api)).as("most calls to %s in any rolling second", api)
                    .isLessThanOrEqualTo(FEISHU_PER_SECOND);
        }
        assertThat(manifest.apiCalls()).isEqualTo(simulator.calls());
    }

    @Test
    void unpacedItWaitsOutEveryRateLimitAnswerAsTheResetHeaderSays() {
        // well below what one unpaced connection sends even on a loaded machine, so refusals come
        simulator.faults().rateLimit(Vendor.FEISHU, 20);
        Map<String, String> overrides = overrides();
        // one call in flight: parallel calls already on their way when the window closes are each refused
        overrides.put("orgsync.feishu.concurrency", "1");

        Manifest manifest = syncOnce(overrides);

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(manifest.members()).isEqualTo(company.employeeCount());
        long rejections = simulator.rejections();
        assertThat(rejections).as("orgsync sends faster than the vendor admits").isPositive();
        // each refusal is waited out for the whole window, so about one per 20 admitted calls, not a storm
        assertThat(rejections).isLessThanOrEqualTo(minimumCalls() / 20 + 3);
        assertThat(manifest.retries()).isEqualTo(rejections);
        assertThat(manifest.apiCalls()).isEqualTo(simulator.calls()).isEqualTo(minimumCalls() + rejections);
    }

    @Test
    void retriesTransient5xxAndCountsEveryAttempt() {
        simulator.faults().failNext(USERS, 2, 503).failNext(ROOT_CHILDREN, 1, 500).failNext(TOKEN, 1, 502);

        Manifest manifest = syncOnce(overrides());

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(manifest.members()).isEqualTo(company.employeeCount());
        assertThat(manifest.retries()).isEqualTo(4);
        assertThat(manifest.apiCalls()).isEqualTo(simulator.calls()).isEqualTo(minimumCalls() + 4);
    }

    @Test
    void internalError40003IsRetriedThreeTimesAsFeishuSaysThenFailsTheRun() {
        simulator.faults().feishuInternalError(3);
        Manifest recovered = syncOnce(overrides());
        assertThat(recovered.status()).as(String.valueOf(recovered.error())).isEqualTo(RunStatus.SUCCESS);
        assertThat(recovered.retries()).isEqualTo(3);
        assertThat(recovered.members()).isEqualTo(company.employeeCount());
        Map<Path, String> before = Harness.tree(exports);

        // one more than Feishu allows, although orgsync.http.max-retries (4) would allow it
        simulator.faults().feishuInternalError(4);
        Manifest failed = syncOnce(overrides());

        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.error()).contains("/children").contains("code 40003").contains("log_id")
                .contains("after 3 retries");
        assertThat(Harness.tree(exports)).as("exports untouched by the failed run").isEqualTo(before);
    }

    @Test
    void aPageTokenRefusedMidListingStartsThatListingOverOnceWithByteIdenticalRecords() throws Exception {
        Manifest clean = syncOnce(overrides());
        Path cleanDir = runDir(clean);

        // one refusal in the recursive department listing and one in some department's members
        simulator.resetCounters();
        simulator.faults().expirePageTokens(ROOT_CHILDREN, 1).expirePageTokens(USERS, 1);
        Map<String, String> overrides = overrides();
        overrides.put("orgsync.file.dir", exports.resolve("restarted").toString());
        Manifest restarted = syncOnce(overrides);

        assertThat(restarted.status()).as(String.valueOf(restarted.error())).isEqualTo(RunStatus.SUCCESS);
        assertSameRecords(exports.resolve("restarted"), restarted, cleanDir);
        // each refused page 2 costs itself and page 1 again
        assertThat(simulator.calls(ROOT_CHILDREN)).isEqualTo(pages(company.departments().size() - 1) + 2);
        assertThat(simulator.calls()).isEqualTo(minimumCalls() + 4);
        assertThat(restarted.apiCalls()).isEqualTo(simulator.calls());
        assertThat(restarted.retries()).isEqualTo(2);

        // the level-by-level walk: the root's children page 2, refused, is read again from page 1
        simulator.resetCounters();
        simulator.faults().clear();
        simulator.faults().feishuRecursionForbidden().expirePageTokens(FeishuDialect.CHILDREN_API, 1);
        overrides.put("orgsync.file.dir", exports.resolve("walked").toString());
        Manifest walked = syncOnce(overrides);

        assertThat(walked.status()).as(String.valueOf(walked.error())).isEqualTo(RunStatus.SUCCESS);
        assertSameRecords(exports.resolve("walked"), walked, cleanDir);
        long walkPages = company.departments().stream().mapToLong(d -> pages(children.get(d.id()))).sum();
        assertThat(simulator.calls(FeishuDialect.CHILDREN_API)).isEqualTo(1 + walkPages + 2);
        assertThat(walked.retries()).isEqualTo(1);
    }

    @Test
    void aPageTokenRefusedAgainAfterTheListingStartedOverFailsTheRunAndPublishesNothing() {
        assertThat(syncOnce(overrides()).status()).isEqualTo(RunStatus.SUCCESS);
        Map<Path, String> before = Harness.tree(exports);
        simulator.resetCounters();
        simulator.faults().expirePageTokens(ROOT_CHILDREN, 2);

        Manifest failed = syncOnce(overrides());

        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.error()).contains("/children").contains("code 40012").contains("log_id")
                .contains("again after the listing was started over");
        // page 1, page 2 refused, page 1 again, page 2 refused again; no member was asked for
        assertThat(simulator.calls(ROOT_CHILDREN)).isEqualTo(4);
        assertThat(simulator.calls(USERS)).isZero();
        assertThat(Harness.tree(exports)).as("exports untouched by the failed run").isEqualTo(before);
    }

    @Test
    void aRepeatedPageTokenFailsTheRunAndPublishesNothing() {
        assertThat(syncOnce(overrides()).status()).isEqualTo(RunStatus.SUCCESS);
        Map<Path, String> before = Harness.tree(exports);
        simulator.faults().repeatPageToken(USERS);
        simulator.resetCounters();

        Manifest failed = syncOnce(overrides());

        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        // departments are read in parallel: whichever listing meets the repeat first names itself
        assertThat(failed.error()).containsPattern("users of \\S+: the vendor repeated a page token");
        assertThat(Harness.tree(exports)).as("exports untouched by the failed run").isEqualTo(before);
        // no listing goes on past the repeat: at most its first page and the repeating one
        assertThat(simulator.calls(USERS)).as("users pages asked for").isLessThanOrEqualTo(2L * company.departments().size());
    }

    @Test
    void aPersistent5xxFailsTheRunAfterBoundedRetriesAndPublishesNothing() {
        assertThat(syncOnce(overrides()).status()).isEqualTo(RunStatus.SUCCESS);
        Map<Path, String> before = Harness.tree(exports);
        simulator.faults().failAlways(USERS, 500);
        simulator.resetCounters();

        Manifest failed = syncOnce(overrides());

        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.error()).contains(USERS).contains("500");
        assertThat(Harness.tree(exports)).as("exports untouched by the failed run").isEqualTo(before);
        // the failing request is retried up to the limit, and no request more often
        assertThat(simulator.calls(USERS)).as("users requests, retries included")
                .isBetween((long) ATTEMPTS_PER_REQUEST, ATTEMPTS_PER_REQUEST * usersPages());
    }

    @Test
    void aMalformedOrNonJsonAnswerFailsTheRunWithAClearMessage() {
        simulator.faults().malformedBody(FeishuDialect.CHILDREN_API, 1);
        Manifest truncated = syncOnce(overrides());
        assertThat(truncated.status()).isEqualTo(RunStatus.FAILED);
        assertThat(truncated.error()).contains(ROOT_CHILDREN).contains("not JSON");

        simulator.faults().clear();
        simulator.faults().htmlErrorPage(USERS, 1);
        Manifest html = syncOnce(overrides());
        assertThat(html.status()).isEqualTo(RunStatus.FAILED);
        assertThat(html.error()).contains(USERS).contains("not JSON").contains("text/html");

        simulator.faults().clear();
        simulator.faults().malformedBody(TOKEN, 1);
        Manifest token = syncOnce(overrides());
        assertThat(token.status()).isEqualTo(RunStatus.FAILED);
        assertThat(token.error()).as("a cut-off token answer is not quoted: it starts with the token")
                .contains(TOKEN).contains("not JSON").doesNotContain("\"tenant_access_token\"").doesNotContain("t-g");
        assertThat(exports.resolve("feishu")).doesNotExist();
    }

    @Test
    void wrongCredentialsNameTheKeyToFix() {
        Map<String, String> wrongSecret = overrides();
        wrongSecret.put("orgsync.feishu.app-secret", "not-the-secret");
        OrgSyncApp.RunOutcome secret = sync(wrongSecret);
        assertThat(secret.manifest().status()).isEqualTo(RunStatus.FAILED);
        assertThat(secret.misconfiguredKey()).isEqualTo("orgsync.feishu.app-secret");
        assertThat(secret.manifest().error()).doesNotContain("not-the-secret");

        Map<String, String> wrongId = overrides();
        wrongId.put("orgsync.feishu.app-id", "cli_0000000000000000");
        OrgSyncApp.RunOutcome id = sync(wrongId);
        assertThat(id.misconfiguredKey()).isEqualTo("orgsync.feishu.app-id");
        assertThat(simulator.calls()).as("no business call without a token").isEqualTo(2);
        assertThat(exports.resolve("feishu")).doesNotExist();
    }

    @Test
    void aDepartmentCycleFailsTheRunBeforeAnyUserIsRead() {
        simulator.faults().departmentCycle(Vendor.FEISHU);

        Manifest manifest = syncOnce(overrides());

        assertThat(manifest.status()).isEqualTo(RunStatus.FAILED);
        assertThat(manifest.error()).contains("department cycle");
        assertThat(simulator.calls(USERS)).isZero();
        assertThat(exports.resolve("feishu")).doesNotExist();
    }

    @Test
    void theScheduleFiresTheSyncInServiceMode() throws Exception {
        Map<String, String> overrides = overrides();
        overrides.put("orgsync.feishu.schedule", "* * * * * ?");
        try (OrgSyncApp app = OrgSyncApp.create(Path.of("application.properties"), Path.of("routes"), overrides,
                false)) {
            app.start();
            NotifyBuilder ran = new NotifyBuilder(app.context()).fromRoute("feishu-schedule").whenCompleted(1).create();
            assertThat(ran.matches(30, TimeUnit.SECONDS)).as("a scheduled run completed").isTrue();
        }
        Path tenantDir = exports.resolve("feishu").resolve(simulator.credentials().feishuAppId());
        assertThat(Harness.readJson(tenantDir.resolve("latest.json")).path("status").asText()).isEqualTo("success");
    }

    // ---------------------------------------------------------------- helpers

    /** Pacing well above the simulator's speed, so tests that are not about pacing run at full speed. */
    private Map<String, String> overrides() {
        Map<String, String> overrides = Harness.overrides(simulator, exports, Sources.FEISHU);
        overrides.put("orgsync.feishu.max-requests-per-second", "10000");
        overrides.put("orgsync.feishu.max-requests-per-minute", "600000");
        return overrides;
    }

    /**
     * The token, the recursive children listing of the root (every department but the root, in
     * pages of 50) and one users listing per department (its direct members, in pages of 50).
     */
    private static long minimumCalls() {
        return 1 + pages(company.departments().size() - 1) + usersPages();
    }

    /** Users pages of a whole sync: each department's direct members, in pages of 50. */
    private static long usersPages() {
        return company.departments().stream().mapToLong(d -> pages(directMembers.get(d.id()))).sum();
    }

    /** Pages of 50 to list {@code items}; an empty listing still takes one call. */
    private static long pages(int items) {
        return Math.max(1, (items + PAGE - 1) / PAGE);
    }

    /**
     * The most calls to one API the simulator received in any rolling second (a window closed at
     * its start, open at its end), from its request log.
     */
    private static int busiestSecond(String endpoint) {
        List<Long> times = simulator.requestLog().stream().filter(r -> r.endpoint().equals(endpoint))
                .map(LoggedRequest::nanoTime).sorted().toList();
        assertThat(times).as("calls to " + endpoint).hasSizeGreaterThan(FEISHU_PER_SECOND);
        int most = 0;
        int first = 0;
        for (int last = 0; last < times.size(); last++) {
            while (times.get(last) - times.get(first) >= 1_000_000_000L) {
                first++;
            }
            most = Math.max(most, last - first + 1);
        }
        return most;
    }

    private static Set<Integer> subtree(int id) {
        Set<Integer> ids = new HashSet<>();
        for (CompanyOrg.Department d : company.departments()) {
            for (CompanyOrg.Department x = d; x != null; x = x.isRoot() ? null : company.department(x.parentId())) {
                if (x.id() == id) {
                    ids.add(d.id());
                    break;
                }
            }
        }
        return ids;
    }

    private OrgSyncApp.RunOutcome sync(Map<String, String> overrides) {
        try (OrgSyncApp app = Harness.start(overrides)) {
            OrgSyncApp.RunOutcome outcome = app.sync(Sources.FEISHU);
            assertThat(outcome.exception()).isNull();
            return outcome;
        }
    }

    private Manifest syncOnce(Map<String, String> overrides) {
        return sync(overrides).manifest();
    }

    private static void assertSameRecords(Path dir, Manifest run, Path expected) throws Exception {
        Path runDir = dir.resolve("feishu").resolve(run.tenant()).resolve(run.runId());
        for (String file : List.of("departments.jsonl", "members.jsonl")) {
            assertThat(Files.readAllBytes(runDir.resolve(file))).as(file)
                    .isEqualTo(Files.readAllBytes(expected.resolve(file)));
        }
    }

    private Path runDir(Manifest manifest) {
        return exports.resolve("feishu").resolve(manifest.tenant()).resolve(manifest.runId());
    }
}
