package io.orgsync.source.wecom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Department;
import io.orgsync.run.DepartmentTree;
import io.orgsync.run.OneAnswer;
import io.orgsync.run.RunContext;
import io.orgsync.run.RunFailedException;
import io.orgsync.source.Paging;
import io.orgsync.source.VendorFailure;
import io.orgsync.source.WireObject;
import io.orgsync.source.wecom.WecomPlan.DepartmentMode;
import io.orgsync.source.wecom.WecomPlan.MemberMode;
import io.orgsync.source.wecom.WecomWire.DepartmentId;
import io.orgsync.source.wecom.WecomWire.DeptUser;
import io.orgsync.source.wecom.WecomWire.User;
import io.orgsync.source.wecom.WecomWire.WireDepartment;
import io.orgsync.source.PageState;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts WeCom corporate contacts answers, mapped by {@link WecomMapper}, in the run's snapshot, and
 * decides which APIs the rest of the run uses when WeCom refuses the detailed ones with 48009.
 *
 * <p>A member is listed by every department they belong to, each time with their full
 * {@code department[]} and the parallel {@code order[]} and {@code is_leader_in_dept[]}. The
 * first listing is therefore already complete: {@code departmentIds} is {@code department[]} as
 * sent and the arrays stay in {@code attributes} as sent, so {@code attributes.order[i]} belongs
 * to {@code departmentIds[i]}. The snapshot's merge keeps the first listing's attributes and only
 * adds departments a later listing names that the first did not (a member moved mid-run); those
 * come after the aligned ones.
 */
public final class WecomNormaliser {

    public static final String SOURCE = WecomMapper.SOURCE;
    /** WeCom's corporate root is fixed at 1 and reports parentid 0. */
    static final String VENDOR_ROOT = "1";
    /** The department a split iteration works on; its body is replaced by the answer. */
    public static final String DEPARTMENT_PROPERTY = "wecomDepartmentId";
    /** user/list_id's maximum page, so a corp of up to 10,000 memberships needs one call. */
    static final int LIST_ID_LIMIT = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(WecomNormaliser.class);

    private final String rootDepartmentId;
    private final DepartmentMode departmentMode;
    private final MemberMode memberMode;
    /** {@code orgsync.wecom.} or a named tenant's {@code orgsync.tenants.<name>.}: errors name its keys. */
    private final String keys;

    public WecomNormaliser(String rootDepartmentId, DepartmentMode departmentMode, MemberMode memberMode) {
        this(rootDepartmentId, departmentMode, memberMode, "orgsync." + SOURCE + ".");
    }

    public WecomNormaliser(String rootDepartmentId, DepartmentMode departmentMode, MemberMode memberMode,
                           String keys) {
        this.rootDepartmentId = rootDepartmentId == null ? VENDOR_ROOT : rootDepartmentId;
        this.departmentMode = departmentMode;
        this.memberMode = memberMode;
        this.keys = keys;
    }

    /** The run's plan, from the configured modes; the route keeps it as {@value WecomPlan#PROPERTY} and branches on it. */
    public WecomPlan plan(@ExchangeProperty(RunContext.PROPERTY) RunContext run) {
        run.setRootDepartmentId(rootDepartmentId);
        return new WecomPlan(departmentMode, memberMode, rootDepartmentId);
    }

    // ---------------------------------------------------------------- departments

    /**
     * Records the tree from {@code department/list} and answers the ids of its departments, whose
     * members are fetched next. The tree is checked here, before any member call, so a cycle fails
     * the run at once.
     */
    public List<String> departments(@Body JsonNode answer, @ExchangeProperty(RunContext.PROPERTY) RunContext run) {
        JsonNode body = rootAnswer(answer, "department/list");
        List<WireDepartment> departments = read(body, WecomWire.DepartmentList.class).department();
        requireRoot(departments == null ? List.of() : departments.stream().map(WireDepartment::id).toList(),
                "department/list");
        // a department listed twice is still asked for its members once
        Set<String> ids = new LinkedHashSet<>();
        for (WireDepartment department : departments) {
            run.snapshot().addDepartment(WecomMapper.department(run.tenant(), department));
            ids.add(department.id());
        }
        DepartmentTree.resolve(run.snapshot().departmentsById(), rootDepartmentId);
        return List.copyOf(ids);
    }

    /**
     * doCatch of department/list's 48009 (contact-sync secret on a new IP) or 45029 (the whole tree
     * too large for one answer): switch to simplelist + get, unless the user forbade it.
     */
    public void departmentListRefused(@ExchangeProperty(WecomPlan.PROPERTY) WecomPlan plan,
                                      @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable caught) {
        RunFailedException refused = refusal(caught);
        boolean tooLarge = refused instanceof AnswerTooLarge;
        if (plan.departmentMode() == DepartmentMode.LIST) {
            throw new VendorFailure.Misconfigured(keys + "department-mode", "is 'list', which "
                    + (tooLarge ? "cannot read a tree this large in one answer" : "this credential cannot use from this IP")
                    + " (" + refused.getMessage() + "); set it to auto or simplelist");
        }
        plan.switchDepartmentsToIds();
        LOG.warn("{}: department/list refused with errcode {}: reading the tree with department/simplelist and "
                + "department/get for the rest of this run (orgsync.wecom.department-mode=simplelist skips the attempt)",
                SOURCE, tooLarge ? "45029 (the whole tree is too large for one answer)"
                        : "48009 (contact-sync secret on a new IP)");
    }

    /** {@code department/simplelist}: the ids to fetch one by one with {@code department/get}. */
    public List<String> departmentIds(@Body JsonNode answer, @ExchangeProperty(WecomPlan.PROPERTY) WecomPlan plan) {
        JsonNode body = rootAnswer(answer, "department/simplelist");
        List<DepartmentId> listed = read(body, WecomWire.DepartmentIdList.class).departmentId();
        List<String> ids = listed == null ? List.of() : listed.stream().map(DepartmentId::id).distinct().toList();
        requireRoot(ids, "department/simplelist");
        required(plan).listedDepartmentIds().addAll(ids);
        return ids;
    }

    /** {@code department/get}: one department; one that vanished since the listing is skipped (logged). */
    public void department(@Body JsonNode body, @ExchangeProperty(RunContext.PROPERTY) RunContext run,
                           @ExchangeProperty(DEPARTMENT_PROPERTY) String requested) {
        if (body == null || body.isMissingNode()) {
            if (subtreeRoot() && rootDepartmentId.equals(requested)) {
                throw rootNotVisible("department/get");
            }
            // listed but unreadable (the client named why): its last known record is carried forward
            run.unread().department(requested);
            return;
        }
        WireDepartment department = read(body, WecomWire.DepartmentGet.class).department();
        if (department == null || department.id() == null) {
            throw new RunFailedException(SOURCE + ": department/get for " + requested + " answered without a department");
        }
        run.snapshot().addDepartment(WecomMapper.department(run.tenant(), department));
    }

    /**
     * After every {@code department/get}: checks the tree and answers the ids of its departments,
     * in department/simplelist's order, as {@link #departments} does for department/list.
     */
    public List<String> tree(@ExchangeProperty(RunContext.PROPERTY) RunContext run,
                             @ExchangeProperty(WecomPlan.PROPERTY) WecomPlan plan) {
        Map<String, Department> byId = run.snapshot().departmentsById();
        if (subtreeRoot() && !byId.containsKey(rootDepartmentId)) {
            throw rootNotVisible("department/get");
        }
        DepartmentTree.resolve(byId, rootDepartmentId);
        // a department whose details were refused is still asked for its members: they may be readable
        return List.copyOf(required(plan).listedDepartmentIds());
    }

    // ---------------------------------------------------------------- members, detailed

    /** The department whose member calls go first, alone: see {@link #otherDepartments}. */
    public List<String> firstDepartment(@Body List<String> departmentIds) {
        return departmentIds.isEmpty() ? List.of() : List.copyOf(departmentIds.subList(0, 1));
    }

    /**
     * The departments fetched in parallel once the first one's answers have settled the plan: a
     * 48009 refusal met by several parallel calls at once would cost a call each.
     */
    public List<String> otherDepartments(@Body List<String> departmentIds) {
        return departmentIds.size() <= 1 ? List.of() : List.copyOf(departmentIds.subList(1, departmentIds.size()));
    }

    /**
     * {@code user/list}: a department's direct members, full details.
     *
     * @return how many members the answer listed: the body from here on, so that the answer is not
     *         held while the other departments are fetched. A parallel split's finished
     *         sub-exchanges stay reachable until the whole split ends; with their answers, a
     *         100,000-member run held every user/list answer, 200 MB of JSON trees, until the last.
     */
    public int members(@Body JsonNode body, @ExchangeProperty(RunContext.PROPERTY) RunContext run,
                       @ExchangeProperty(DEPARTMENT_PROPERTY) String department) {
        if (body == null || body.isMissingNode()) {
            // refused or vanished since the listing (the client named why): never evidence that people left
            run.unread().memberListing(department);
            return 0;
        }
        OneAnswer answer = new OneAnswer(run, SOURCE + ": user/list of department " + department);
        List<WireObject> listed = WireObject.list(body, "userlist", SOURCE, "User");
        for (WireObject user : listed) {
            answer.add(WecomMapper.member(run.tenant(), User.from(user)));
        }
        return listed.size();
    }

    /** doCatch of user/list's 48009: switch to list_id + simplelist, unless the user forbade it. */
    public void userListRefused(@ExchangeProperty(WecomPlan.PROPERTY) WecomPlan plan,
                                @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable caught) {
        RunFailedException refused = refusal(caught);
        if (plan.memberMode() == MemberMode.LIST) {
            throw new VendorFailure.Misconfigured(keys + "member-mode", "is 'list', which this credential "
                    + "cannot use from this IP (" + refused.getMessage() + "); set it to auto or list_id");
        }
        plan.switchMembersToIds();
        LOG.warn("{}: user/list refused with errcode 48009 (contact-sync secret on a new IP): members come from "
                + "user/list_id (ids, departments) and user/simplelist (names) for the rest of this run; status, "
                + "mobile, email, position, order and leader flags are not visible that way, and every member is "
                + "published as active (orgsync.wecom.member-mode=list_id skips the attempt)", SOURCE);
    }

    // ---------------------------------------------------------------- members, ids only

    /**
     * {@code user/simplelist}: names (and departments) of a department's direct members.
     *
     * @return how many people the answer named: the body from here on, as for {@link #members}
     */
    public int names(@Body JsonNode body, @ExchangeProperty(WecomPlan.PROPERTY) WecomPlan plan) {
        if (body == null || body.isMissingNode()) {
            return 0;
        }
        Map<String, User> named = required(plan).named();
        List<WireObject> listed = WireObject.list(body, "userlist", SOURCE, "User");
        for (WireObject person : listed) {
            User user = User.from(person);
            named.putIfAbsent(WecomPlan.key(user.userid()), user);
        }
        return listed.size();
    }

    /** doCatch of user/simplelist's 48009: go on with ids and departments only. */
    public void namesRefused(@ExchangeProperty(WecomPlan.PROPERTY) WecomPlan plan) {
        required(plan).hideNames();
        LOG.warn("{}: user/simplelist refused with errcode 48009 as well: members are published with ids and "
                + "departments only, without names, for the rest of this run", SOURCE);
    }

    /** The body of the next {@code user/list_id} request: the page's cursor (none on the first) and the limit. */
    public Map<String, Object> listIdRequest(@ExchangeProperty(PageState.PROPERTY) PageState page) {
        Map<String, Object> request = new LinkedHashMap<>();
        String cursor = Paging.required(page).getToken();
        if (!cursor.isEmpty()) {
            request.put("cursor", cursor);
        }
        request.put("limit", LIST_ID_LIMIT);
        return request;
    }

    /** One {@code user/list_id} page: (member, department) rows; an empty {@code next_cursor} ends the listing. */
    public void memberships(@Body JsonNode body, @ExchangeProperty(WecomPlan.PROPERTY) WecomPlan plan,
                            @ExchangeProperty(PageState.PROPERTY) PageState pages) {
        if (body == null || body.isMissingNode()) {
            throw new RunFailedException(SOURCE + ": user/list_id answered that the listing is out of the app's "
                    + "visible range; members cannot be listed");
        }
        WecomWire.UserIdPage page = read(body, WecomWire.UserIdPage.class);
        Map<String, WecomPlan.Membership> memberships = required(plan).memberships();
        if (page.deptUser() != null) {
            for (DeptUser row : page.deptUser()) {
                memberships.computeIfAbsent(WecomPlan.key(row.userid()), key -> new WecomPlan.Membership(row.userid(),
                        Collections.synchronizedSet(new LinkedHashSet<>()))).departments().add(row.department());
            }
        }
        String next = page.nextCursor();
        Paging.required(pages).advance(next, next != null && !next.isEmpty());
    }

    /**
     * After user/list_id: one member per person listed in a synced department, by either API,
     * spelt as user/simplelist spells them. user/list_id is corp-wide, so with a sub-tree root its
     * rows are narrowed to people who belong to a synced department; like department[] in the
     * detailed mode, such a person's departments outside the sub-tree are kept.
     */
    public void idMembers(@ExchangeProperty(RunContext.PROPERTY) RunContext run,
                          @ExchangeProperty(WecomPlan.PROPERTY) WecomPlan plan) {
        required(plan);
        Set<String> synced = run.snapshot().departmentsById().keySet();
        Set<String> people = new LinkedHashSet<>(plan.named().keySet());
        plan.memberships().forEach((key, membership) -> {
            synchronized (membership.departments()) {
                if (membership.departments().stream().anyMatch(synced::contains)) {
                    people.add(key);
                }
            }
        });
        for (String key : people) {
            User listed = plan.named().get(key);
            WecomPlan.Membership rows = plan.memberships().get(key);
            Set<String> departments = new LinkedHashSet<>();
            if (listed != null && listed.department() != null) {
                departments.addAll(listed.department());
            }
            if (rows != null) {
                synchronized (rows.departments()) {
                    departments.addAll(rows.departments());
                }
            }
            User user = listed != null ? listed : new User(rows.userid(), null, null, null, null, null, null);
            run.snapshot().addMember(WecomMapper.member(run.tenant(), user, new ArrayList<>(departments)));
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A recursive listing from the root; a SKIP answer (60003, 60011, 60123) means the root is not visible. */
    private JsonNode rootAnswer(JsonNode body, String api) {
        if (body == null || body.isMissingNode()) {
            throw rootNotVisible(api);
        }
        return body;
    }

    /**
     * Only a configured sub-tree root must be visible: without one, a list lacking department 1 is
     * an app whose visible range is part of the corp, published as a forest (DepartmentTree).
     */
    private void requireRoot(List<String> ids, String api) {
        if (subtreeRoot() && !ids.contains(rootDepartmentId)) {
            throw rootNotVisible(api);
        }
    }

    private boolean subtreeRoot() {
        return !VENDOR_ROOT.equals(rootDepartmentId);
    }

    private RunFailedException rootNotVisible(String api) {
        return new RunFailedException(SOURCE + ": " + api + " does not show the root department " + rootDepartmentId
                + " (check " + keys + "root-department-id and the app's visible range)");
    }

    /** The refusal a doCatch caught: 48009 ({@link ContactSyncRefused}) or 45029 ({@link AnswerTooLarge}). */
    private static RunFailedException refusal(Throwable caught) {
        while (caught != null && !(caught instanceof ContactSyncRefused) && !(caught instanceof AnswerTooLarge)) {
            caught = caught.getCause();
        }
        if (caught == null) {
            throw new IllegalStateException("no 48009 or 45029 refusal caught: bind this method to a doCatch of "
                    + ContactSyncRefused.class.getSimpleName() + " or " + AnswerTooLarge.class.getSimpleName());
        }
        return (RunFailedException) caught;
    }

    private static WecomPlan required(WecomPlan plan) {
        if (plan == null) {
            throw new IllegalStateException("no WeCom plan: the route must call wecomNormaliser.plan first");
        }
        return plan;
    }

    private static <T> T read(JsonNode body, Class<T> type) {
        try {
            return CanonicalJson.MAPPER.treeToValue(body, type);
        } catch (JsonProcessingException e) {
            throw new RunFailedException(SOURCE + ": unexpected answer shape for " + type.getSimpleName() + ": "
                    + e.getOriginalMessage());
        }
    }
}
