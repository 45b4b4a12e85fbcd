package io.orgsync.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Feishu / Lark: tenant token and contact v3. Failures carry a non-2xx status and code != 0 in the
 * {@code {code, msg, data}} envelope, as the vendor sends them.
 */
final class FeishuApi implements VendorApi {

    static final String TOKEN = "/open-apis/auth/v3/tenant_access_token/internal";
    static final String CHILDREN = "/open-apis/contact/v3/departments/:department_id/children";
    static final String DEPARTMENT = "/open-apis/contact/v3/departments/:department_id";
    static final String FIND_BY_DEPARTMENT = "/open-apis/contact/v3/users/find_by_department";

    private static final String DEPARTMENTS_PREFIX = "/open-apis/contact/v3/departments/";
    private static final String CHILDREN_SUFFIX = "/children";
    private static final Pattern DEPARTMENT_ID = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_\\-@.]{0,63}$");
    private static final int MAX_PAGE_SIZE = 50;
    private static final int DEFAULT_PAGE_SIZE = 10;

    /** Departments injected by faults, with ids of both types. */
    private enum Injected {
        CYCLE_A(FaultInjector.FEISHU_CYCLE_A, "od-" + FaultInjector.HEX_CYCLE_A, FaultInjector.FEISHU_CYCLE_B,
                "od-" + FaultInjector.HEX_CYCLE_B, "环形部门A"),
        CYCLE_B(FaultInjector.FEISHU_CYCLE_B, "od-" + FaultInjector.HEX_CYCLE_B, FaultInjector.FEISHU_CYCLE_A,
                "od-" + FaultInjector.HEX_CYCLE_A, "环形部门B"),
        ORPHAN(FaultInjector.FEISHU_ORPHAN, "od-" + FaultInjector.HEX_ORPHAN, FaultInjector.FEISHU_MISSING_PARENT,
                "od-" + FaultInjector.HEX_MISSING_PARENT, "孤儿部门");

        final String customId;
        final String openId;
        final String parentCustomId;
        final String parentOpenId;
        final String label;

        Injected(String customId, String openId, String parentCustomId, String parentOpenId, String label) {
            this.customId = customId;
            this.openId = openId;
            this.parentCustomId = parentCustomId;
            this.parentOpenId = parentOpenId;
            this.label = label;
        }
    }

    /** A listing served page by page without materialising it. */
    private interface Items {
        int size();

        Object get(int i);
    }

    /** Query options shared by the contact calls, validated once. */
    private record Options(boolean openDepartmentIds, String userIdType, int pageSize, String pageToken) {
    }

    private final CompanyOrg company;
    private final Credentials credentials;
    private final TokenStore tokens;
    private final FaultInjector faults;

    FeishuApi(CompanyOrg company, Credentials credentials, TokenStore tokens, FaultInjector faults) {
        this.company = company;
        this.credentials = credentials;
        this.tokens = tokens;
        this.faults = faults;
    }

    @Override
    public boolean owns(String path) {
        return path.startsWith("/open-apis/");
    }

    @Override
    public String endpoint(String path) {
        if (path.startsWith(DEPARTMENTS_PREFIX)) {
            String rest = path.substring(DEPARTMENTS_PREFIX.length());
            if (rest.endsWith(CHILDREN_SUFFIX)) {
                String id = rest.substring(0, rest.length() - CHILDREN_SUFFIX.length());
                if (!id.isEmpty() && id.indexOf('/') < 0) {
                    return CHILDREN;
                }
            } else if (!rest.isEmpty() && rest.indexOf('/') < 0) {
                return DEPARTMENT;
            }
        }
        return path;
    }

    @Override
    public Vendor vendor(SimRequest request) {
        return Vendor.FEISHU;
    }

    @Override
    public SimResponse rateLimited(SimRequest request, FaultInjector.Refusal refusal) {
        return error(429, 99991400, "request trigger frequency limit")
                .withHeader("x-ogw-ratelimit-limit", Integer.toString(refusal.limit()))
                .withHeader("x-ogw-ratelimit-reset", Long.toString(refusal.resetSeconds()));
    }

    @Override
    public SimResponse handle(SimRequest r) {
        String expectedMethod = r.endpoint.equals(TOKEN) ? "POST" : "GET";
        boolean known = switch (r.endpoint) {
            case TOKEN, CHILDREN, DEPARTMENT, FIND_BY_DEPARTMENT -> true;
            default -> false;
        };
        if (!known || !r.method.equals(expectedMethod)) {
            return SimResponse.text(404, SimResponse.TEXT, "404 page not found");
        }
        if (r.endpoint.equals(TOKEN)) {
            return token(r);
        }
        SimResponse authError = authenticate(r);
        if (authError != null) {
            return authError;
        }
        if (faults.takeFeishuInternalError()) {
            return error(400, 40003, "internal error");
        }
        return switch (r.endpoint) {
            case CHILDREN -> children(r);
            case DEPARTMENT -> department(r);
            default -> findByDepartment(r);
        };
    }

    // ---------------------------------------------------------------- token

    private SimResponse token(SimRequest r) {
        JsonNode body = r.json();
        if (body == null || !body.isObject() || !body.hasNonNull("app_id") || !body.hasNonNull("app_secret")) {
            return error(400, 10003, "invalid param");
        }
        if (!credentials.feishuAppId().equals(body.get("app_id").asText())) {
            return error(400, 10003, "invalid param: app_id not found");
        }
        if (!credentials.feishuAppSecret().equals(body.get("app_secret").asText())) {
            return error(400, 10014, "app secret invalid");
        }
        TokenStore.Token token = tokens.issue(Vendor.FEISHU);
        long expire = tokens.remainingSeconds(token);
        return SimResponse.json(200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeNumberField("code", 0);
            g.writeStringField("msg", "ok");
            g.writeStringField("tenant_access_token", token.value());
            g.writeNumberField("expire", expire);
            g.writeEndObject();
        }));
    }

    private SimResponse authenticate(SimRequest r) {
        String header = r.header("Authorization");
        String token = header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : null;
        return switch (tokens.check(token, Vendor.FEISHU)) {
            case OK -> null;
            case MISSING -> error(400, 99991661,
                    "Missing access token for authorization. Please make a request with token attached.");
            case EXPIRED -> error(400, 99991663, "Invalid access token for authorization. Please make a request with token attached.");
            default -> token.startsWith("t-")
                    ? error(400, 99991663, "Invalid access token for authorization. Please make a request with token attached.")
                    : error(400, 99991671, "Invalid access token for authorization. Please make a request with token attached.");
        };
    }

    // ---------------------------------------------------------------- contact v3

    /** Parses the shared query options; returns an error response instead when one is invalid. */
    private Object options(SimRequest r) {
        String deptType = orDefault(r.query("department_id_type"), "open_department_id");
        if (!deptType.equals("open_department_id") && !deptType.equals("department_id")) {
            return error(400, 99992402, "field validation failed: department_id_type");
        }
        String userType = orDefault(r.query("user_id_type"), "open_id");
        if (!userType.equals("open_id") && !userType.equals("union_id") && !userType.equals("user_id")) {
            return error(400, 99992402, "field validation failed: user_id_type");
        }
        int pageSize = DEFAULT_PAGE_SIZE;
        String rawSize = r.query("page_size");
        if (rawSize != null && !rawSize.isEmpty()) {
            try {
                pageSize = Integer.parseInt(rawSize);
            } catch (NumberFormatException e) {
                return error(400, 99992402, "field validation failed: page_size");
            }
            if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
                return error(400, 40011, "page size is invalid");
            }
        }
        String pageToken = r.query("page_token");
        return new Options(deptType.equals("open_department_id"), userType, pageSize,
                pageToken == null || pageToken.isEmpty() ? null : pageToken);
    }

    /** A company department index (Integer), an injected department, or null when unknown. */
    private Object resolve(String id, boolean openIds) {
        for (Injected inj : Injected.values()) {
            boolean active = inj == Injected.ORPHAN ? faults.orphan(Vendor.FEISHU) : faults.cycle(Vendor.FEISHU);
            if (active && id.equals(openIds ? inj.openId : inj.customId)) {
                return inj;
            }
        }
        int idx = company.deptIndexByFeishuId(id, openIds);
        return idx < 0 ? null : idx;
    }

    private SimResponse children(SimRequest r) {
        Object parsed = options(r);
        if (parsed instanceof SimResponse error) {
            return error;
        }
        Options o = (Options) parsed;
        String rawFetch = r.query("fetch_child");
        if (rawFetch != null && !rawFetch.isEmpty() && !rawFetch.equalsIgnoreCase("true")
                && !rawFetch.equalsIgnoreCase("false")) {
            return error(400, 99992402, "field validation failed: fetch_child");
        }
        boolean fetchChild = "true".equalsIgnoreCase(rawFetch);
        String id = pathId(r.path, true);
        if (!DEPARTMENT_ID.matcher(id).matches()) {
            return error(400, 99992402, "field validation failed: department_id");
        }
        Object dept = resolve(id, o.openDepartmentIds());
        if (dept == null) {
            return error(400, 40008, "dept Info is null error");
        }
        if (fetchChild && faults.feishuRecursionForbiddenOn()) {
            return error(400, 43010, "big dept forbid recursion error");
        }
        Items items = childItems(dept, fetchChild);
        return page(r, o, "children|" + dept + "|" + fetchChild, items,
                (g, item) -> writeDepartment(g, item, o.openDepartmentIds(), o.userIdType()));
    }

    private Items childItems(Object dept, boolean fetchChild) {
        if (dept instanceof Injected inj) {
            Object only = inj == Injected.CYCLE_A ? Injected.CYCLE_B : inj == Injected.CYCLE_B ? Injected.CYCLE_A : null;
            return list(only == null ? new Object[0] : new Object[]{only});
        }
        int idx = (Integer) dept;
        if (!fetchChild) {
            int[] kids = company.childrenOf(idx);
            return new Items() {
                public int size() {
                    return kids.length;
                }

                public Object get(int i) {
                    return kids[i];
                }
            };
        }
        int from = company.descendantsFrom(idx);
        int base = company.descendantsTo(idx) - from;
        // the vendor's flat recursive listing of the whole tree is where broken departments surface
        Object[] extra = idx != 0 ? new Object[0] : injectedActive();
        return new Items() {
            public int size() {
                return base + extra.length;
            }

            public Object get(int i) {
                return i < base ? (Object) company.preorderAt(from + i) : extra[i - base];
            }
        };
    }

    private Object[] injectedActive() {
        boolean cycle = faults.cycle(Vendor.FEISHU);
        boolean orphan = faults.orphan(Vendor.FEISHU);
        Object[] out = new Object[(cycle ? 2 : 0) + (orphan ? 1 : 0)];
        int i = 0;
        if (cycle) {
            out[i++] = Injected.CYCLE_A;
            out[i++] = Injected.CYCLE_B;
        }
        if (orphan) {
            out[i] = Injected.ORPHAN;
        }
        return out;
    }

    private SimResponse department(SimRequest r) {
        Object parsed = options(r);
        if (parsed instanceof SimResponse error) {
            return error;
        }
        Options o = (Options) parsed;
        String id = pathId(r.path, false);
        Object dept = DEPARTMENT_ID.matcher(id).matches() ? resolve(id, o.openDepartmentIds()) : null;
        if (dept == null) {
            return error(400, 40008, "dept Info is null error");
        }
        return ok(g -> {
            g.writeFieldName("department");
            writeDepartment(g, dept, o.openDepartmentIds(), o.userIdType());
        });
    }

    private SimResponse findByDepartment(SimRequest r) {
        Object parsed = options(r);
        if (parsed instanceof SimResponse error) {
            return error;
        }
        Options o = (Options) parsed;
        String id = r.query("department_id");
        if (id == null || id.isEmpty()) {
            return error(400, 99992402, "field validation failed: department_id is required");
        }
        Object dept = resolve(id, o.openDepartmentIds());
        if (dept == null) {
            return error(400, 40008, "dept Info is null error");
        }
        Items items;
        if (dept instanceof Integer idx) {
            items = new Items() {
                public int size() {
                    return company.directMemberCount(idx);
                }

                public Object get(int i) {
                    return company.directMember(idx, i);
                }
            };
        } else {
            items = list(new Object[0]);
        }
        return page(r, o, "users|" + dept, items, (g, item) -> writeUser(g, (Integer) item, o));
    }

    @FunctionalInterface
    private interface ItemWriter {
        void write(JsonGenerator g, Object item) throws IOException;
    }

    private SimResponse page(SimRequest r, Options o, String context, Items items, ItemWriter writer) {
        long offset = 0;
        if (o.pageToken() != null) {
            offset = PageTokens.feishuOffset(o.pageToken(), context);
            if (offset < 0 || faults.pageTokenExpired(r, Vendor.FEISHU)) {
                return error(400, 40012, "page token is invalid error");
            }
        }
        int total = items.size();
        int from = (int) Math.min(offset, total);
        int to = Math.min(from + o.pageSize(), total);
        boolean repeat = faults.repeats(r, Vendor.FEISHU);
        boolean hasMore = repeat || to < total;
        String next = repeat && o.pageToken() != null ? o.pageToken() : PageTokens.feishu(context, to);
        return ok(g -> {
            g.writeBooleanField("has_more", hasMore);
            if (hasMore) {
                g.writeStringField("page_token", next);
            }
            g.writeArrayFieldStart("items");
            for (int i = from; i < to; i++) {
                writer.write(g, items.get(i));
            }
            g.writeEndArray();
        });
    }

    private void writeDepartment(JsonGenerator g, Object d, boolean openIds, String userIdType) throws IOException {
        g.writeStartObject();
        if (d instanceof Injected inj) {
            g.writeStringField("name", inj.label);
            writeI18n(g, inj.label, "");
            g.writeStringField("parent_department_id", openIds ? inj.parentOpenId : inj.parentCustomId);
            g.writeStringField("department_id", inj.customId);
            g.writeStringField("open_department_id", inj.openId);
            g.writeStringField("order", "1");
            g.writeArrayFieldStart("unit_ids");
            g.writeEndArray();
            g.writeNumberField("member_count", 0);
            g.writeNumberField("primary_member_count", 0);
            writeDeleted(g);
            g.writeEndObject();
            return;
        }
        int idx = (Integer) d;
        CompanyOrg.Department dept = company.dept(idx);
        g.writeStringField("name", dept.name());
        writeI18n(g, dept.name(), dept.nameEn());
        if (!dept.isRoot()) {
            g.writeStringField("parent_department_id", openIds ? dept.feishuOpenParentId() : dept.feishuParentId());
        }
        g.writeStringField("department_id", dept.feishuId());
        g.writeStringField("open_department_id", dept.feishuOpenId());
        int leader = company.leaderOf(idx);
        if (leader >= 0) {
            g.writeStringField("leader_user_id", userId(leader, userIdType));
        }
        g.writeStringField("order", Long.toString(dept.order()));
        g.writeArrayFieldStart("unit_ids");
        g.writeEndArray();
        g.writeNumberField("member_count", company.memberCountOf(idx));
        g.writeNumberField("primary_member_count", company.primaryMemberCountOf(idx));
        writeDeleted(g);
        if (leader >= 0) {
            g.writeArrayFieldStart("leaders");
            g.writeStartObject();
            g.writeNumberField("leaderType", 1);
            g.writeStringField("leaderID", userId(leader, userIdType));
            g.writeEndObject();
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void writeI18n(JsonGenerator g, String zh, String en) throws IOException {
        g.writeObjectFieldStart("i18n_name");
        g.writeStringField("zh_cn", zh);
        g.writeStringField("ja_jp", "");
        g.writeStringField("en_us", en);
        g.writeEndObject();
    }

    private static void writeDeleted(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("status");
        g.writeBooleanField("is_deleted", false);
        g.writeEndObject();
    }

    private void writeUser(JsonGenerator g, int e, Options o) throws IOException {
        CompanyOrg.Employee u = company.employee(e);
        g.writeStartObject();
        g.writeStringField("union_id", u.unionId());
        g.writeStringField("user_id", u.id());
        g.writeStringField("open_id", u.openId());
        g.writeStringField("name", u.name());
        g.writeStringField("en_name", u.enName());
        g.writeStringField("nickname", "");
        Json.optString(g, "email", u.email());
        g.writeStringField("enterprise_email", u.bizMail());
        Json.optString(g, "mobile", u.feishuMobile());
        g.writeBooleanField("mobile_visible", true);
        g.writeNumberField("gender", u.gender());
        CompanyOrg.FeishuStatus s = u.feishuStatus();
        g.writeObjectFieldStart("status");
        g.writeBooleanField("is_frozen", s.isFrozen());
        g.writeBooleanField("is_resigned", s.isResigned());
        g.writeBooleanField("is_activated", s.isActivated());
        g.writeBooleanField("is_exited", s.isExited());
        g.writeBooleanField("is_unjoin", s.isUnjoin());
        g.writeEndObject();
        g.writeArrayFieldStart("department_ids");
        for (int id : u.departmentIds()) {
            g.writeString(departmentId(id, o.openDepartmentIds()));
        }
        g.writeEndArray();
        int leader = company.directLeader(e);
        if (leader >= 0) {
            g.writeStringField("leader_user_id", userId(leader, o.userIdType()));
        }
        g.writeStringField("city", "武汉");
        g.writeStringField("country", "CN");
        g.writeStringField("work_station", "");
        g.writeNumberField("join_time", u.joinTime());
        g.writeBooleanField("is_tenant_manager", false);
        g.writeStringField("employee_no", u.employeeNo());
        g.writeNumberField("employee_type", u.employeeType());
        g.writeArrayFieldStart("orders");
        for (int j = 0; j < u.departmentIds().size(); j++) {
            g.writeStartObject();
            g.writeStringField("department_id", departmentId(u.departmentIds().get(j), o.openDepartmentIds()));
            g.writeNumberField("user_order", u.orders().get(j));
            g.writeNumberField("department_order", j + 1);
            g.writeBooleanField("is_primary_dept", j == 0);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("job_title", u.position());
        g.writeEndObject();
    }

    private String departmentId(int wecomId, boolean openIds) {
        CompanyOrg.Department d = company.department(wecomId);
        return openIds ? d.feishuOpenId() : d.feishuId();
    }

    private String userId(int e, String type) {
        return switch (type) {
            case "union_id" -> company.unionIdOf(e);
            case "user_id" -> CompanyOrg.userIdOf(e);
            default -> company.openIdOf(e);
        };
    }

    // ---------------------------------------------------------------- envelope

    private static String pathId(String path, boolean children) {
        String rest = path.substring(DEPARTMENTS_PREFIX.length());
        return children ? rest.substring(0, rest.length() - CHILDREN_SUFFIX.length()) : rest;
    }

    private static Items list(Object[] items) {
        return new Items() {
            public int size() {
                return items.length;
            }

            public Object get(int i) {
                return items[i];
            }
        };
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }

    private static SimResponse ok(Json.Writer data) {
        return SimResponse.json(200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeNumberField("code", 0);
            g.writeStringField("msg", "success");
            g.writeObjectFieldStart("data");
            data.write(g);
            g.writeEndObject();
            g.writeEndObject();
        }));
    }

    static SimResponse error(int status, int code, String msg) {
        String logId = "2024" + Mix.hex16(ThreadLocalRandom.current().nextLong()).toUpperCase();
        return SimResponse.json(status, Json.bytes(g -> {
            g.writeStartObject();
            g.writeNumberField("code", code);
            g.writeStringField("msg", msg);
            g.writeObjectFieldStart("error");
            g.writeStringField("log_id", logId);
            g.writeEndObject();
            g.writeEndObject();
        })).withHeader("X-Tt-Logid", logId);
    }
}
