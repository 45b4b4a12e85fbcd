package io.orgsync.source.wuhan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Member;
import io.orgsync.run.DepartmentTree;
import io.orgsync.run.OneAnswer;
import io.orgsync.run.RunContext;
import io.orgsync.run.RunFailedException;
import io.orgsync.source.InSplitOrder;
import io.orgsync.source.PageState;
import io.orgsync.source.Paging;
import io.orgsync.source.VendorFailure;
import io.orgsync.source.wuhan.WuhanWire.ChildOrg;
import io.orgsync.source.wuhan.WuhanWire.MemberPage;
import io.orgsync.source.wuhan.WuhanWire.OrgInfo;
import io.orgsync.source.wuhan.WuhanWire.ParentPage;
import io.orgsync.source.wuhan.WuhanWire.UserOrg;
import io.orgsync.source.wuhan.WuhanWire.WireMember;
import io.orgsync.source.wuhan.WuhanWire.WireParent;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts Wuhan Education Cloud answers, mapped by {@link WuhanMapper}, in the run's snapshot, in the
 * order the route calls them: the school ({@link #start}, {@link #root}), the org tree level by level
 * ({@link #children}, {@link #nextLevel}, {@link #treeWalked}), the member pages
 * ({@link #members}), the parent pages ({@link #parentsRequest}, {@link #parents}) and
 * {@link #finish}.
 *
 * <p>Parents are not on the member list: each student names them in {@code user_family} (id and a
 * title such as "张三的妈妈"), and the parent list adds their names and phones. A parent of two
 * children, or a student in two classes, is merged into one record by the snapshot.
 */
public final class WuhanNormaliser {

    public static final String SOURCE = WuhanMapper.SOURCE;
    /** The most get-org-member-simple-list serves per page; the route asks for it. */
    static final int MEMBER_PAGE_SIZE = 500;
    /** The most get-org-parents-list serves per page. */
    static final int PARENT_PAGE_SIZE = 100;
    static final String PARENT_ORG_PROPERTY = "wuhanParentOrgId";
    static final String STATE_PROPERTY = "wuhanRun";
    /** The page number a listing's split asks for, on each of its exchanges. */
    static final String PAGE_PROPERTY = "wuhanPage";

    private static final Logger LOG = LoggerFactory.getLogger(WuhanNormaliser.class);
    /** Ids a report names at most. */
    private static final int SAMPLE_SIZE = 20;

    private final String topOrgId;
    private final String rootOrgId;
    private final String rootKey;

    /**
     * @param rootDepartmentId {@code orgsync.wuhan-edu.root-department-id}; {@code null} means the school itself
     */
    public WuhanNormaliser(String topOrgId, String rootDepartmentId) {
        this(topOrgId, rootDepartmentId, "orgsync." + SOURCE + ".");
    }

    /** @param keys {@code orgsync.wuhan-edu.} or a named tenant's {@code orgsync.tenants.<name>.}: errors name its keys */
    public WuhanNormaliser(String topOrgId, String rootDepartmentId, String keys) {
        this.topOrgId = topOrgId;
        this.rootOrgId = rootDepartmentId != null ? rootDepartmentId : topOrgId;
        this.rootKey = keys + (rootDepartmentId != null ? "root-department-id" : "top-org-id");
    }

    /** Starts the run's state; answers the root org id, whose get-org-info comes next. */
    public String start(@ExchangeProperties Map<String, Object> properties,
                        @ExchangeProperty(RunContext.PROPERTY) RunContext run) {
        RunContext.required(run).setRootDepartmentId(rootOrgId);
        properties.put(OrgTreeWalk.PROPERTY, new OrgTreeWalk(SOURCE, rootOrgId));
        properties.put(STATE_PROPERTY, new State());
        return rootOrgId;
    }

    /**
     * The root record, from get-org-info: the one call that names the school. Answers the first
     * level of the walk (the root).
     */
    public List<String> root(@Body JsonNode body, @ExchangeProperty(RunContext.PROPERTY) RunContext run,
                             @ExchangeProperty(OrgTreeWalk.PROPERTY) OrgTreeWalk tree) {
        RunContext.required(run);
        if (body == null || body.isMissingNode() || !body.path("result").isObject()) {
            throw new VendorFailure.Misconfigured(rootKey, "the Wuhan Education Cloud does not know org "
                    + rootOrgId + " or does not open it to this app (get-org-info failed; see the log)");
        }
        OrgInfo info = read(body.path("result"), OrgInfo.class);
        String status = info.extra() == null || info.extra().get("status") == null ? null
                : info.extra().get("status").asText();
        String flag = info.extra() == null || info.extra().get("flag") == null ? null
                : info.extra().get("flag").asText();
        if ((status != null && !"1".equals(status)) || (flag != null && !"0".equals(flag))) {
            // get-org-info: status 0/2/3 inactive, dissolved, locked; flag 1/2 demo, test. Synced as configured.
            LOG.warn("{}: org {} is marked status {}, flag {} (1 and 0 are normal); syncing it as configured",
                    SOURCE, rootOrgId, status, flag);
        }
        run.snapshot().addDepartment(WuhanMapper.root(run.tenant(), rootOrgId, info));
        return required(tree).level();
    }

    /**
     * One node's children ({@code get-child-list}); the node's id is in {@value #PARENT_ORG_PROPERTY}.
     *
     * @return how many children the answer listed: the body from here on, not the answer
     */
    public int children(@Body JsonNode body, @ExchangeProperty(RunContext.PROPERTY) RunContext run,
                        @ExchangeProperty(OrgTreeWalk.PROPERTY) OrgTreeWalk tree,
                        @ExchangeProperty(PARENT_ORG_PROPERTY) String parentId) {
        RunContext.required(run);
        required(tree);
        if (body == null || body.isMissingNode()) {
            if (parentId.equals(tree.rootId())) {
                LOG.warn("{}: get-child-list does not answer for {}; departments come from the org nodes on the "
                        + "members (user_org), named by their id, under the school", SOURCE, parentId);
                tree.unavailable();
            }
            // a node that vanished mid-walk loses only its subtree; its nodes may still come from members
            return 0;
        }
        JsonNode result = body.path("result");
        List<ChildOrg> children = new ArrayList<>();
        if (result.isArray()) {
            for (JsonNode child : result) {
                children.add(read(child, ChildOrg.class));
            }
        } else if (!result.isNull() && !result.isMissingNode()) {
            throw new RunFailedException(SOURCE + ": get-child-list of " + parentId + " answered a result that is "
                    + "not a list");
        }
        for (ChildOrg child : tree.addChildren(parentId, children)) {
            run.snapshot().addDepartment(WuhanMapper.child(run.tenant(), parentId, child));
        }
        return children.size();
    }

    /** The nodes whose children are asked for next; empty when the walk is done. */
    public List<String> nextLevel(@ExchangeProperty(OrgTreeWalk.PROPERTY) OrgTreeWalk tree) {
        return required(tree).advance();
    }

    /** Resolves the walked tree before any member is read, so a cycle fails the run at once. */
    public void treeWalked(@ExchangeProperty(RunContext.PROPERTY) RunContext run) {
        DepartmentTree.resolve(RunContext.required(run).snapshot().departmentsById(), rootOrgId);
    }

    /** One page of {@code get-org-member-simple-list}: teachers, students, and the parents named on students. */
    public void members(@Body JsonNode body, @ExchangeProperty(RunContext.PROPERTY) RunContext run,
                        @ExchangeProperty(STATE_PROPERTY) State state,
                        @ExchangeProperty(OrgTreeWalk.PROPERTY) OrgTreeWalk tree,
                        @ExchangeProperty(PageState.PROPERTY) PageState pages,
                        @ExchangeProperties Map<String, Object> properties) {
        RunContext.required(run);
        required(state);
        required(tree);
        Paging.required(pages);
        MemberPage page = read(listingResult(body, "member list"), MemberPage.class);
        List<WireMember> list = page.memberList() == null ? List.of() : page.memberList();
        List<String> ids = new ArrayList<>(list.size());
        // below the school, nodes the walk did not reach are other parts of the school, not orphans
        boolean subtree = !rootOrgId.equals(topOrgId) && tree.available();
        OneAnswer answer = new OneAnswer(run, SOURCE + ": member list page " + pages.getPage());
        for (WireMember member : list) {
            ids.add(member.userId());
            add(run, state, answer, member, subtree ? tree : null);
        }
        CountPaging.of(properties, pages).advance(pages, ids, page.pageSize(), MEMBER_PAGE_SIZE, page.count(),
                SOURCE + ": members of " + rootOrgId);
    }

    /**
     * The page numbers a listing's split asks for next: the next page alone until an answer gives
     * the listing's {@code count}, then every page it promises ({@link CountPaging#pagesToRead}).
     */
    public List<Integer> nextPages(@ExchangeProperty(PageState.PROPERTY) PageState pages,
                                   @ExchangeProperties Map<String, Object> properties) {
        return CountPaging.of(properties, Paging.required(pages)).pagesToRead(pages);
    }

    /**
     * The split's aggregation strategy for the member pages: maps each with {@link #members} in
     * page order, whatever order the answers arrive in, so the listing's checks and merges are a
     * serial run's.
     */
    public InSplitOrder membersInPageOrder() {
        return new InSplitOrder(answer -> {
            PageState pages = inOrder(answer);
            if (pages != null) {
                members(answer.getMessage().getBody(JsonNode.class), answer.getProperty(RunContext.PROPERTY,
                                RunContext.class), answer.getProperty(STATE_PROPERTY, State.class),
                        answer.getProperty(OrgTreeWalk.PROPERTY, OrgTreeWalk.class), pages, answer.getProperties());
            }
        });
    }

    /** As {@link #membersInPageOrder}, for the parent pages and {@link #parents}. */
    public InSplitOrder parentsInPageOrder() {
        return new InSplitOrder(answer -> {
            PageState pages = inOrder(answer);
            if (pages != null) {
                parents(answer.getMessage().getBody(JsonNode.class), answer.getProperty(RunContext.PROPERTY,
                        RunContext.class), answer.getProperty(STATE_PROPERTY, State.class), pages, answer.getProperties());
            }
        });
    }

    /**
     * The listing's page state when {@code answer} is its next page; {@code null} when the listing
     * already ended on an earlier page (its count shrank while it was read), so that this page, which
     * a serial run would not have asked for, is left unread.
     */
    private static PageState inOrder(Exchange answer) {
        PageState pages = Paging.required(answer.getProperty(PageState.PROPERTY, PageState.class));
        if (!pages.isMore()) {
            return null;
        }
        Integer page = answer.getProperty(PAGE_PROPERTY, Integer.class);
        if (page == null || page != pages.getPage()) {
            throw new IllegalStateException("page " + page + " mapped where " + pages.listing() + " is at page "
                    + pages.getPage() + ": the split must ask for the pages nextPages gives, in order");
        }
        return pages;
    }

    /** The JSON body of a {@code get-org-parents-list} call for the page the split asks for. */
    public Map<String, Object> parentsRequest(@ExchangeProperty(PAGE_PROPERTY) Integer page) {
        if (page == null) {
            throw new IllegalStateException("no page number: the route must set " + PAGE_PROPERTY + " first");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("top_org_id", topOrgId);
        body.put("page", page);
        body.put("page_size", PARENT_PAGE_SIZE);
        return body;
    }

    /** One page of the school's parent list: names and phones of the parents the students named. */
    public void parents(@Body JsonNode body, @ExchangeProperty(RunContext.PROPERTY) RunContext run,
                        @ExchangeProperty(STATE_PROPERTY) State state,
                        @ExchangeProperty(PageState.PROPERTY) PageState pages,
                        @ExchangeProperties Map<String, Object> properties) {
        RunContext.required(run);
        required(state);
        Paging.required(pages);
        ParentPage page = read(listingResult(body, "parent list"), ParentPage.class);
        List<WireParent> list = page.memberList() == null ? List.of() : page.memberList();
        List<String> ids = new ArrayList<>(list.size());
        boolean anyNew = false;
        OneAnswer answer = new OneAnswer(run, SOURCE + ": parent list page " + pages.getPage());
        for (WireParent parent : list) {
            String id = parent.userId();
            ids.add(id);
            anyNew |= id != null && state.parents.listed(id);
            if (id == null || !state.parents.isNamed(id)) {
                // no child in scope (or a root below the school): not a parent of this sync
                state.parentsWithoutChild++;
                continue;
            }
            answer.add(WuhanMapper.parent(run.tenant(), parent));
        }
        CountPaging.of(properties, pages).advance(pages, ids, anyNew, page.pageSize(), PARENT_PAGE_SIZE, page.count(),
                SOURCE + ": parents of " + topOrgId);
    }

    /**
     * Adds the org nodes seen on members that the walk did not find — all of them when
     * get-child-list does not answer — under the root, named by their id, and reports them.
     */
    public void finish(@ExchangeProperty(RunContext.PROPERTY) RunContext run,
                       @ExchangeProperty(STATE_PROPERTY) State state,
                       @ExchangeProperty(OrgTreeWalk.PROPERTY) OrgTreeWalk tree) {
        RunContext.required(run);
        required(state);
        required(tree);
        List<String> derived = new ArrayList<>();
        for (UserOrg node : state.nodesOnMembers.values()) {
            if (tree.contains(node.orgId())) {
                continue;
            }
            run.snapshot().addDepartment(WuhanMapper.derived(run.tenant(), rootOrgId, node));
            derived.add(node.orgId());
        }
        if (!tree.available()) {
            LOG.info("{}: {} department(s) derived from the members' org nodes", SOURCE, derived.size());
        } else if (!derived.isEmpty()) {
            LOG.warn("{}: {} org node(s) on members are not in the org tree under {}; kept under it, named by "
                    + "their id: {}", SOURCE, derived.size(), rootOrgId, sample(derived));
        }
        long unlisted = state.parents.unlisted();
        if (unlisted > 0) {
            LOG.warn("{}: {} parent(s) named on students are not on the parent list; kept without name and phone: {}",
                    SOURCE, unlisted, state.parents.unlistedSample(SAMPLE_SIZE));
        }
        if (!state.nodesOutsideRoot.isEmpty()) {
            LOG.info("{}: {} org node(s) on members lie outside {} ({}); kept as attributes.outOfScopeDepartmentIds: {}",
                    SOURCE, state.nodesOutsideRoot.size(), rootOrgId, rootKey,
                    sample(new ArrayList<>(state.nodesOutsideRoot)));
        }
        if (state.parentsWithoutChild > 0) {
            LOG.info("{}: {} entr(y/ies) of the parent list have no child among the synced students; not synced",
                    SOURCE, state.parentsWithoutChild);
        }
        DepartmentTree.resolve(run.snapshot().departmentsById(), rootOrgId);
    }

    // ---------------------------------------------------------------- bookkeeping

    /**
     * Adds a member's records and notes, for {@link #finish} and the parent list, which org nodes
     * it names and which parents a student names.
     *
     * @param scope when a subtree is synced, its walked tree: org nodes outside it are not made
     *              departments (the run publishes them as the member's outOfScopeDepartmentIds)
     */
    private static void add(RunContext run, State state, OneAnswer answer, WireMember member, OrgTreeWalk scope) {
        WuhanMapper.Listed listed = WuhanMapper.member(run.tenant(), member);
        if (member.userOrg() != null) {
            for (UserOrg org : member.userOrg()) {
                if (org.orgId() == null || org.orgId().isBlank()) {
                    continue;
                }
                if (scope != null && !scope.contains(org.orgId())) {
                    state.nodesOutsideRoot.add(org.orgId());
                    continue;
                }
                state.nodesOnMembers.putIfAbsent(org.orgId(), org);
            }
        }
        for (Member parent : listed.parents()) {
            state.parents.named(parent.id());
            run.snapshot().addMember(parent);
        }
        answer.add(listed.member());
    }

    // ---------------------------------------------------------------- plumbing

    /** What the run learns on the way: org nodes on members, parents named by students and found on the list. */
    static final class State {
        final Map<String, UserOrg> nodesOnMembers = new LinkedHashMap<>();
        final NamedParents parents = new NamedParents();
        final Set<String> nodesOutsideRoot = new LinkedHashSet<>();
        long parentsWithoutChild;
    }

    private static JsonNode listingResult(JsonNode body, String what) {
        if (body == null || body.isMissingNode() || !body.path("result").isObject()) {
            throw new RunFailedException(SOURCE + ": the " + what + " answered without a result object");
        }
        return body.path("result");
    }

    private static OrgTreeWalk required(OrgTreeWalk tree) {
        if (tree == null) {
            throw new IllegalStateException("no org tree walk: the route must call wuhanEduNormaliser.start first");
        }
        return tree;
    }

    private static State required(State state) {
        if (state == null) {
            throw new IllegalStateException("no run state: the route must call wuhanEduNormaliser.start first");
        }
        return state;
    }


    private static List<String> sample(List<String> ids) {
        return ids.size() > SAMPLE_SIZE ? ids.subList(0, SAMPLE_SIZE) : ids;
    }

    private static <T> T read(JsonNode node, Class<T> type) {
        try {
            return CanonicalJson.MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new RunFailedException(SOURCE + ": unexpected answer shape for " + type.getSimpleName() + ": "
                    + e.getOriginalMessage());
        }
    }
}
