package io.orgsync.source.feishu;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.config.ConfigurationException;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Department;
import io.orgsync.run.DepartmentTree;
import io.orgsync.run.OneAnswer;
import io.orgsync.run.RunContext;
import io.orgsync.run.RunFailedException;
import io.orgsync.source.VendorText;
import io.orgsync.source.PageState;
import io.orgsync.source.Paging;
import io.orgsync.source.VendorFailure;
import io.orgsync.source.WireObject;
import io.orgsync.source.feishu.FeishuWire.DepartmentPage;
import io.orgsync.source.feishu.FeishuWire.User;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Puts Feishu contact v3 answers, mapped by {@link FeishuMapper}, in the run's snapshot, and keeps
 * the page and walk state the route's loops run on. Everything the route needs to know per run
 * (root, id types, the department being listed) is put in exchange properties by {@link #begin},
 * so the YAML passes the same values on every call that the mapper reads ids by.
 *
 * <p>The root is a record of its own. Feishu's root {@code "0"} has no published
 * {@code department/get} (and that call has a "special", unpublished rate limit), so the root is
 * named after the tenant ({@code orgsync.feishu.tenant}, the app id by default) without a call; a
 * configured root other than {@code "0"} is read with one {@code department/get}.
 */
public final class FeishuNormaliser {

    public static final String SOURCE = FeishuMapper.SOURCE;
    public static final String VENDOR_ROOT = FeishuMapper.VENDOR_ROOT;

    /** Exchange properties the route reads. */
    public static final String ROOT = "feishuRoot";
    public static final String DEPARTMENT_ID_TYPE = "feishuDepartmentIdType";
    public static final String USER_ID_TYPE = "feishuUserIdType";
    /** The department whose children or users the current loop lists. */
    public static final String DEPARTMENT = "feishuDepartment";

    private static final Logger LOG = LoggerFactory.getLogger(FeishuNormaliser.class);
    private static final String ROOT_KEY = "orgsync.feishu.root-department-id";
    /** The key a wrong root is fixed with: the source's own, or a named tenant's. */
    private final String rootKey;
    /** The vendor's own rule for department ids in paths; anything else must not reach a URL path. */
    private static final Pattern DEPARTMENT_ID = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_\\-@.]{0,63}$");

    private final String root;
    private final String departmentIdType;
    private final String userIdType;
    private final FeishuMapper mapper;

    /**
     * @param root             {@code null} for the vendor's root "0"
     * @param departmentIdType {@code open_department_id} or {@code department_id}
     * @param userIdType       {@code open_id}, {@code union_id} or {@code user_id}
     */
    public FeishuNormaliser(String root, String departmentIdType, String userIdType) {
        this(root, departmentIdType, userIdType, ROOT_KEY);
    }

    public FeishuNormaliser(String root, String departmentIdType, String userIdType, String rootKey) {
        this.rootKey = rootKey;
        this.root = root == null || root.isEmpty() ? VENDOR_ROOT : root;
        if (!DEPARTMENT_ID.matcher(this.root).matches()) {
            throw new ConfigurationException(rootKey, "'" + this.root + "' is not a Feishu department id (letters, "
                    + "digits and _-@. only, at most 64 characters)");
        }
        this.departmentIdType = departmentIdType;
        this.userIdType = userIdType;
        this.mapper = new FeishuMapper(departmentIdType, userIdType);
    }

    /** Puts the run's root and id types where the route's calls read them; records the root "0". */
    public void begin(@ExchangeProperties Map<String, Object> properties,
                      @ExchangeProperty(RunContext.PROPERTY) RunContext run) {
        RunContext.required(run);
        properties.put(ROOT, root);
        properties.put(DEPARTMENT_ID_TYPE, departmentIdType);
        properties.put(USER_ID_TYPE, userIdType);
        run.setRootDepartmentId(root);
        if (root.equals(VENDOR_ROOT)) {
            run.snapshot().addDepartment(FeishuMapper.vendorRoot(run.tenant()));
        }
    }

    /** The answer of {@code department/get} for a configured root other than "0". */
    public void rootDepartment(@Body JsonNode body, @ExchangeProperty(RunContext.PROPERTY) RunContext run) {
        if (required(body).isMissingNode()) {
            throw rootUnreadable("department/get");
        }
        FeishuWire.Department wire = read(body.path("data"), FeishuWire.DepartmentAnswer.class).department();
        if (wire == null) {
            throw new RunFailedException(SOURCE + ": department/get of " + root + " answered without a department");
        }
        run.snapshot().addDepartment(mapper.configuredRoot(run.tenant(), root, wire));
    }

    /**
     * One page of the recursive listing under the root. A 43010 answer (too big to list
     * recursively) ends this listing and starts the level-by-level walk instead.
     */
    public void departments(@Body JsonNode body, @ExchangeProperty(RunContext.PROPERTY) RunContext run,
                            @ExchangeProperty(PageState.PROPERTY) PageState page,
                            @ExchangeProperties Map<String, Object> properties) {
        Paging.required(page);
        if (required(body).isMissingNode()) {
            throw rootUnreadable("the department listing");
        }
        if (body.path("code").asInt(0) == FeishuDialect.RECURSION_REFUSED) {
            LOG.info("{}: the recursive department listing was refused (43010: {}); walking the tree level by level",
                    SOURCE, VendorText.quote(body.path("msg").asText(""), 200));
            properties.put(FeishuWalk.PROPERTY, new FeishuWalk(root));
            page.advance(null, false);
            return;
        }
        addDepartments(RunContext.required(run), body, null, page);
    }

    /** The next department of the walk; the route keeps it as {@value #DEPARTMENT}, where the children call reads it. */
    public String nextInWalk(@ExchangeProperty(FeishuWalk.PROPERTY) FeishuWalk walk) {
        return required(walk).next();
    }

    /** One page of the children of the walked department; queues each child for its own listing. */
    public void walkedChildren(@Body JsonNode body, @ExchangeProperty(RunContext.PROPERTY) RunContext run,
                               @ExchangeProperty(PageState.PROPERTY) PageState page,
                               @ExchangeProperty(DEPARTMENT) String parent,
                               @ExchangeProperty(FeishuWalk.PROPERTY) FeishuWalk walk) {
        Paging.required(page);
        if (required(body).isMissingNode()) {
            if (root.equals(parent)) {
                throw rootUnreadable("the department listing");
            }
            // out of scope or gone since its parent listed it (the client named why): what was last
            // published below it is carried forward, never deleted for being unreadable
            RunContext.required(run).unread().subtree(parent);
            page.advance(null, false);
            return;
        }
        addDepartments(RunContext.required(run), body, required(walk), page);
    }

    /**
     * Checks the tree before any user call (a cycle fails the run here, not after thousands of
     * calls) and answers every department id, root first and parents before children, for the
     * user listing.
     */
    public List<String> departmentIds(@ExchangeProperty(RunContext.PROPERTY) RunContext run) {
        return DepartmentTree.resolve(RunContext.required(run).snapshot().departmentsById(), root).departments().stream()
                .map(Department::id)
                .toList();
    }

    /**
     * One page of {@code users/find_by_department}; a person in several departments is merged by the snapshot.
     *
     * @return how many users the page listed: the body from here on, so that the answer is not held
     *         while the other departments are fetched
     */
    public int users(@Body JsonNode body, @ExchangeProperty(RunContext.PROPERTY) RunContext run,
                     @ExchangeProperty(PageState.PROPERTY) PageState page,
                     @ExchangeProperty(DEPARTMENT) String department) {
        RunContext.required(run);
        Paging.required(page);
        if (required(body).isMissingNode()) {
            if (root.equals(department)) {
                throw rootUnreadable("users/find_by_department");
            }
            // refused on any page (the client named why): the department's members are carried forward
            run.unread().memberListing(department);
            page.advance(null, false);
            return 0;
        }
        JsonNode data = body.path("data");
        WireObject users = WireObject.of(data, SOURCE, "UserPage");
        OneAnswer answer = new OneAnswer(run, SOURCE + ": users/find_by_department of " + department);
        List<WireObject> listed = WireObject.list(data, "items", SOURCE, "User");
        for (WireObject user : listed) {
            answer.add(mapper.member(run.tenant(), User.from(user), department));
        }
        page.advance(users.text("page_token"), users.flag("has_more"));
        return listed.size();
    }

    /** Records one page of departments, queues them when walking, and moves the page state on. */
    private void addDepartments(RunContext run, JsonNode body, FeishuWalk walk, PageState page) {
        DepartmentPage departments = read(body.path("data"), DepartmentPage.class);
        List<FeishuWire.Department> items = departments.items() == null ? List.of() : departments.items();
        for (FeishuWire.Department wire : items) {
            Department department = mapper.department(run.tenant(), wire);
            run.snapshot().addDepartment(department);
            if (walk != null) {
                if (!DEPARTMENT_ID.matcher(department.id()).matches()) {
                    throw new RunFailedException(SOURCE + ": the vendor listed a department id that is not valid "
                            + "in a request path: " + CanonicalJson.toLine(department.id()));
                }
                walk.add(department.id());
            }
        }
        page.advance(departments.pageToken(), Boolean.TRUE.equals(departments.hasMore()));
    }

    private VendorFailure rootUnreadable(String call) {
        return new VendorFailure.Misconfigured(rootKey, "Feishu does not answer " + call + " for the root department "
                + root + " (not found, or outside the app's contact scope; see the warning above): set it to a "
                + "department the app may read, or widen the app's contact scope to all members");
    }

    private static FeishuWalk required(FeishuWalk walk) {
        if (walk == null) {
            throw new IllegalStateException("no department walk: the route must only walk after a 43010 answer");
        }
        return walk;
    }

    private static JsonNode required(JsonNode body) {
        if (body == null) {
            throw new IllegalStateException("no vendor answer in the message body");
        }
        return body;
    }

    private static <T> T read(JsonNode data, Class<T> type) {
        if (!data.isObject()) {
            throw new RunFailedException(SOURCE + ": the answer has no data object for " + type.getSimpleName());
        }
        try {
            return CanonicalJson.MAPPER.treeToValue(data, type);
        } catch (JsonProcessingException e) {
            throw new RunFailedException(SOURCE + ": unexpected answer shape for " + type.getSimpleName() + ": "
                    + e.getOriginalMessage());
        }
    }

}
