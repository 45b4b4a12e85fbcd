package io.orgsync.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Wuhan Education Cloud: HMAC-signed token call ({@code retCode}) and the org/member open API
 * ({@code {code, message, result}}, code "000000" or "100001", always HTTP 200 except gateway
 * rate limiting). Ids are 32-char lower-case hex.
 */
final class WuhanApi implements VendorApi {

    static final String TOKEN = "/apigateway/getAccessToken";
    static final String MEMBERS = "/user/openapi/user/get-org-member-simple-list";
    static final String PARENTS = "/user/openapi/user/get-org-parents-list";
    static final String CHILD_LIST = "/user/openapi/org-tree/get-child-list";
    static final String ORG_INFO = "/user/openapi/org/get-org-info";

    static final String OK = "000000";
    static final String FAIL = "100001";
    private static final int MAX_MEMBER_PAGE = 500;
    private static final int MAX_PARENT_PAGE = 100;
    private static final long MAX_CLOCK_SKEW_MILLIS = Duration.ofMinutes(5).toMillis();
    /** The {@code platform_code} the simulated cloud answers with: Wuhan's administrative division code. */
    private static final String WUHAN_CODE = "420100";
    private static final int ORG_TYPE_DEPARTMENT = 4;

    private final SchoolOrg school;
    private final Credentials credentials;
    private final TokenStore tokens;
    private final FaultInjector faults;

    /** Member scopes by query, so paging through one scope does not recollect its teachers per page. */
    private final Map<String, Scope> scopes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Scope> eldest) {
            return size() > 16;
        }
    };

    WuhanApi(SchoolOrg school, Credentials credentials, TokenStore tokens, FaultInjector faults) {
        this.school = school;
        this.credentials = credentials;
        this.tokens = tokens;
        this.faults = faults;
    }

    @Override
    public boolean owns(String path) {
        return path.startsWith("/apigateway/") || path.startsWith("/user/openapi/");
    }

    @Override
    public String endpoint(String path) {
        return path;
    }

    @Override
    public Vendor vendor(SimRequest request) {
        return Vendor.WUHAN;
    }

    @Override
    public SimResponse rateLimited(SimRequest request, FaultInjector.Refusal refusal) {
        return SimResponse.json(429, envelope(FAIL, "请求过于频繁，请稍后再试", null))
                .withHeader("Retry-After", Long.toString(refusal.resetSeconds()));
    }

    @Override
    public SimResponse handle(SimRequest r) {
        String expectedMethod = switch (r.path) {
            case TOKEN, PARENTS -> "POST";
            case MEMBERS, CHILD_LIST, ORG_INFO -> "GET";
            default -> null;
        };
        if (expectedMethod == null) {
            return SimResponse.text(404, SimResponse.TEXT, "404 Not Found");
        }
        if (!expectedMethod.equals(r.method)) {
            return SimResponse.text(405, SimResponse.TEXT, "405 Method Not Allowed");
        }
        if (r.path.equals(TOKEN)) {
            return token(r);
        }
        switch (tokens.check(r.query("accessToken"), Vendor.WUHAN)) {
            case MISSING:
                return fail("accessToken不能为空");
            case EXPIRED:
                return fail("accessToken已过期");
            case OK:
                break;
            default:
                return fail("accessToken无效");
        }
        return switch (r.path) {
            case MEMBERS -> members(r);
            case PARENTS -> parents(r);
            case CHILD_LIST -> childList(r);
            default -> orgInfo(r);
        };
    }

    // ---------------------------------------------------------------- token

    private SimResponse token(SimRequest r) {
        JsonNode body = r.json();
        String appId = text(body, "appId");
        String timeStamp = text(body, "timeStamp");
        String keyInfo = text(body, "keyInfo");
        if (appId == null || timeStamp == null || keyInfo == null) {
            return tokenFail("参数错误：appId、timeStamp、keyInfo不能为空");
        }
        if (!appId.equals(credentials.wuhanAppId())) {
            return tokenFail("appId不存在");
        }
        long ts;
        try {
            ts = Long.parseLong(timeStamp);
        } catch (NumberFormatException e) {
            return tokenFail("timeStamp格式错误");
        }
        // the client's clock is the wall clock; the token clock offset only ages tokens
        if (Math.abs(System.currentTimeMillis() - ts) > MAX_CLOCK_SKEW_MILLIS) {
            return tokenFail("timeStamp已失效");
        }
        String expected = keyInfo(appId, credentials.wuhanAppKey(), timeStamp);
        if (!expected.equalsIgnoreCase(keyInfo)) {
            return tokenFail("keyInfo校验失败");
        }
        TokenStore.Token token = tokens.issue(Vendor.WUHAN);
        return SimResponse.json(200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("retCode", OK);
            g.writeStringField("retDesc", "成功");
            g.writeObjectFieldStart("tokenInfo");
            g.writeStringField("validTime", Long.toString(token.expiresAtMillis() / 1000));
            g.writeStringField("platformCode", WUHAN_CODE);
            g.writeStringField("userId", "");
            g.writeStringField("account", "");
            g.writeStringField("appId", appId);
            g.writeStringField("accessToken", token.value());
            g.writeStringField("appName", "orgsync模拟应用");
            g.writeEndObject();
            g.writeEndObject();
        }));
    }

    /** Hex HMAC-SHA1 of appId + appKey + timeStamp keyed with appKey, as the vendor documents. */
    static String keyInfo(String appId, String appKey, String timeStamp) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(appKey.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            byte[] digest = mac.doFinal((appId + appKey + timeStamp).getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(digest.length * 2);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    private static SimResponse tokenFail(String desc) {
        return SimResponse.json(200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("retCode", FAIL);
            g.writeStringField("retDesc", desc);
            g.writeNullField("tokenInfo");
            g.writeEndObject();
        }));
    }

    // ---------------------------------------------------------------- members

    private SimResponse members(SimRequest r) {
        Integer page = positiveInt(r.query("page"));
        if (page == null) {
            return fail("page不能为空且须为正整数");
        }
        Integer pageSize = positiveInt(r.query("page_size"));
        if (pageSize == null || pageSize > MAX_MEMBER_PAGE) {
            return fail("page_size须为1到" + MAX_MEMBER_PAGE + "之间的整数");
        }
        String topOrg = blankToNull(r.query("top_org_id"));
        List<String> orgIds = splitList(r.query("org_id"));
        String topSchool = blankToNull(r.query("top_school_id"));
        if (topOrg == null && orgIds.isEmpty() && topSchool == null) {
            return fail("top_org_id、org_id、top_school_id不能同时为空");
        }
        if (topOrg != null && !topOrg.equals(school.wuhanTopOrgId())) {
            return fail("无权访问该机构：" + topOrg);
        }
        if (orgIds.size() > 1 && topOrg == null) {
            return fail("org_id为复合值时须传递top_org_id");
        }
        String recursionParam = blankToNull(r.query("org_recursion"));
        if (recursionParam != null && !recursionParam.equals("0") && !recursionParam.equals("1")) {
            return fail("org_recursion取值错误");
        }
        boolean recursion = "1".equals(recursionParam);
        if (recursion && orgIds.size() > 1) {
            return fail("org_recursion为1时org_id须为单值");
        }
        int[] orgs = new int[orgIds.size()];
        for (int i = 0; i < orgs.length; i++) {
            orgs[i] = school.deptIndexByWuhanId(orgIds.get(i));
            if (orgs[i] < 0) {
                return fail("组织不存在：" + orgIds.get(i));
            }
        }
        int campus = -1;
        if (topSchool != null) {
            campus = school.deptIndexByWuhanId(topSchool);
            if (campus < 0 || school.dept(campus).type() != SchoolOrg.TYPE_CAMPUS) {
                return fail("校区不存在：" + topSchool);
            }
        }
        boolean students = true;
        boolean teachers = true;
        List<String> userTypes = splitList(r.query("user_type"));
        if (!userTypes.isEmpty()) {
            students = userTypes.contains("0");
            teachers = userTypes.contains("1");
            for (String t : userTypes) {
                if (!t.equals("0") && !t.equals("1")) {
                    return fail("不支持的用户类型：" + t);
                }
            }
        }
        Set<String> need = new HashSet<>(splitList(r.query("need_type")));
        Set<String> more = new HashSet<>(splitList(r.query("more_field")));
        Scope scope = filter(memberScope(orgs, recursion, campus, students, teachers),
                splitList(r.query("user_id")), blankToNull(r.query("name")));
        int total = scope.size();
        long from = (long) (page - 1) * pageSize;
        boolean repeat = faults.repeats(r, Vendor.WUHAN);
        int rows = repeat ? (total == 0 ? 0 : pageSize) : (int) Math.max(0, Math.min(pageSize, total - from));
        long count = repeat ? (long) page * pageSize + pageSize : total;
        boolean dep = need.contains("dep");
        boolean edu = need.contains("edu");
        boolean family = need.contains("family");
        boolean multi = need.contains("check_multi_org");
        return ok(g -> {
            g.writeStartObject();
            g.writeNumberField("page", page);
            g.writeNumberField("page_size", pageSize);
            g.writeNumberField("count", count);
            g.writeArrayFieldStart("member_list");
            for (int i = 0; i < rows; i++) {
                int at = (int) ((from + i) % total);
                if (scope.isTeacher(at)) {
                    writeTeacher(g, scope.teacher(at), dep, edu, multi, more);
                } else {
                    writeStudent(g, scope.student(at), dep || edu, family, multi, more);
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /**
     * Members in scope: teachers (by index) first, then students. Students of any subtree are a
     * contiguous range, so even a whole school of a million is served without a per-member list.
     */
    private record Scope(int[] teachers, int studentFrom, int studentTo, int[] students) {

        int size() {
            return teachers.length + (students != null ? students.length : studentTo - studentFrom);
        }

        boolean isTeacher(int i) {
            return i < teachers.length;
        }

        int teacher(int i) {
            return teachers[i];
        }

        int student(int i) {
            int j = i - teachers.length;
            return students != null ? students[j] : studentFrom + j;
        }
    }

    private Scope memberScope(int[] orgs, boolean recursion, int campus, boolean students, boolean teachers) {
        String key = school.version() + Arrays.toString(orgs) + recursion + campus + students + teachers;
        synchronized (scopes) {
            Scope cached = scopes.get(key);
            if (cached != null) {
                return cached;
            }
        }
        Scope scope;
        if (orgs.length == 0 && campus < 0) {
            int[] liveTeachers = school.liveTeacherList();
            int[] liveStudents = school.liveStudentList();
            int[] teacherList = !teachers ? new int[0] : liveTeachers != null ? liveTeachers : range(0, school.teacherCount());
            scope = liveStudents == null
                    ? new Scope(teacherList, 0, students ? school.studentCount() : 0, null)
                    : new Scope(teacherList, 0, 0, students ? liveStudents : new int[0]);
        } else if (campus >= 0 || recursion) {
            int root = campus >= 0 ? campus : orgs[0];
            TreeSet<Integer> teacherSet = new TreeSet<>();
            for (int d : teachers ? school.subtreeDepts(root) : new int[0]) {
                for (int t : school.teachersOfDept(d)) {
                    teacherSet.add(t);
                }
            }
            if (school.changed() || school.dept(root).type() == SchoolOrg.TYPE_CLASS) {
                // a changed school's subtrees, and an elective class, hold no contiguous student range
                scope = new Scope(toArray(teacherSet), 0, 0, students ? school.subtreeStudents(root) : new int[0]);
            } else {
                scope = new Scope(toArray(teacherSet), school.subtreeStudentFrom(root),
                        students ? school.subtreeStudentTo(root) : school.subtreeStudentFrom(root), null);
            }
        } else {
            TreeSet<Integer> teacherSet = new TreeSet<>();
            TreeSet<Integer> studentSet = new TreeSet<>();
            for (int d : orgs) {
                for (int t : teachers ? school.teachersOfDept(d) : new int[0]) {
                    teacherSet.add(t);
                }
                for (int s : students ? school.studentsOfDept(d) : new int[0]) {
                    studentSet.add(s);
                }
            }
            scope = new Scope(toArray(teacherSet), 0, 0, toArray(studentSet));
        }
        synchronized (scopes) {
            scopes.put(key, scope);
        }
        return scope;
    }

    private Scope filter(Scope scope, List<String> userIds, String name) {
        if (userIds.isEmpty() && name == null) {
            return scope;
        }
        Set<Integer> wantedTeachers = new HashSet<>();
        Set<Integer> wantedStudents = new HashSet<>();
        for (String id : userIds) {
            wantedTeachers.add(school.teacherIndexByWuhanId(id));
            wantedStudents.add(school.studentIndexByWuhanId(id));
        }
        List<Integer> teachers = new java.util.ArrayList<>();
        List<Integer> students = new java.util.ArrayList<>();
        for (int i = 0; i < scope.size(); i++) {
            if (scope.isTeacher(i)) {
                int t = scope.teacher(i);
                if ((userIds.isEmpty() || wantedTeachers.contains(t))
                        && (name == null || name.equals(school.teacherAt(t).name()))) {
                    teachers.add(t);
                }
            } else {
                int s = scope.student(i);
                if ((userIds.isEmpty() || wantedStudents.contains(s)) && (name == null || name.equals(school.studentName(s)))) {
                    students.add(s);
                }
            }
        }
        return new Scope(teachers.stream().mapToInt(Integer::intValue).toArray(), 0, 0,
                students.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int[] toArray(Set<Integer> set) {
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    private void writeTeacher(JsonGenerator g, int t, boolean dep, boolean edu, boolean multi, Set<String> more)
            throws IOException {
        SchoolOrg.Teacher teacher = school.teacherAt(t);
        g.writeStartObject();
        g.writeStringField("user_id", teacher.wuhanId());
        g.writeStringField("user_type", "1");
        g.writeStringField("name", teacher.name());
        if (dep || edu) {
            g.writeArrayFieldStart("user_org");
            for (int id : teacher.departmentIds()) {
                SchoolOrg.Department d = school.department(id);
                boolean isClass = d.type() == SchoolOrg.TYPE_CLASS;
                if (isClass ? edu : dep) {
                    writeUserOrg(g, d.wuhanId(), d.wuhanOrgType());
                }
            }
            g.writeEndArray();
        }
        if (more.contains("staff_id")) {
            g.writeStringField("staff_id", school.teacherStaffId(t));
        }
        if (multi) {
            g.writeStringField("is_multi_org", "0");
        }
        g.writeStringField("esn", "");
        g.writeEndObject();
    }

    private void writeStudent(JsonGenerator g, int s, boolean edu, boolean family, boolean multi, Set<String> more)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("user_id", school.studentWuhanId(s));
        g.writeStringField("user_type", "0");
        g.writeStringField("name", school.studentName(s));
        if (edu) {
            g.writeArrayFieldStart("user_org");
            for (int c : school.studentClassDepts(s)) {
                writeUserOrg(g, school.deptWuhanId(c), 7);
            }
            if (s == 0 && faults.orphan(Vendor.WUHAN)) {
                writeUserOrg(g, FaultInjector.HEX_ORPHAN, 7);
            }
            g.writeEndArray();
        }
        if (family) {
            g.writeArrayFieldStart("user_family");
            for (int slot = 0; slot < school.studentParentCount(s); slot++) {
                g.writeStartObject();
                g.writeStringField("family_id", school.parentWuhanId(school.studentParent(s, slot)));
                g.writeStringField("family_name", school.familyName(s, slot));
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeStringField("student_type", Integer.toString(school.studentType(s)));
        if (more.contains("student_staff_id")) {
            g.writeStringField("student_staff_id", "XS" + Mix.pad(s + 1, 8));
        }
        if (more.contains("student_class_number")) {
            g.writeStringField("student_class_number", Integer.toString(s % school.shape().studentsPerClass() + 1));
        }
        if (multi) {
            g.writeStringField("is_multi_org", "0");
        }
        g.writeStringField("esn", "");
        g.writeEndObject();
    }

    /** The seed documents org_type on members as a string. */
    private static void writeUserOrg(JsonGenerator g, String orgId, int orgType) throws IOException {
        g.writeStartObject();
        g.writeStringField("org_id", orgId);
        g.writeStringField("org_type", Integer.toString(orgType));
        g.writeEndObject();
    }

    // ---------------------------------------------------------------- parents

    private SimResponse parents(SimRequest r) {
        JsonNode body = r.json();
        if (body == null || !body.isObject()) {
            return fail("请求体须为JSON对象");
        }
        String topOrg = text(body, "top_org_id");
        if (topOrg == null) {
            return fail("top_org_id不能为空");
        }
        if (!topOrg.equals(school.wuhanTopOrgId())) {
            return fail("无权访问该机构：" + topOrg);
        }
        Integer page = positiveInt(text(body, "page"));
        if (page == null) {
            return fail("page不能为空且须为正整数");
        }
        Integer pageSize = positiveInt(text(body, "page_size"));
        if (pageSize == null || pageSize > MAX_PARENT_PAGE) {
            return fail("page_size须为1到" + MAX_PARENT_PAGE + "之间的整数");
        }
        JsonNode orgNode = body.get("org_id");
        List<String> orgIds;
        if (orgNode == null || orgNode.isNull()) {
            orgIds = List.of();
        } else if (orgNode.isArray()) {
            orgIds = new java.util.ArrayList<>();
            for (JsonNode n : orgNode) {
                orgIds.add(n.asText());
            }
        } else {
            orgIds = splitList(orgNode.asText());
        }
        int[] scope = null;
        if (!orgIds.isEmpty()) {
            TreeSet<Integer> set = new TreeSet<>();
            for (String id : orgIds) {
                int d = school.deptIndexByWuhanId(id);
                if (d < 0) {
                    return fail("组织不存在：" + id);
                }
                int[] kids = school.dept(d).type() == SchoolOrg.TYPE_CLASS
                        ? school.studentsOfDept(d) : school.subtreeStudents(d);
                for (int s : kids) {
                    for (int slot = 0; slot < school.studentParentCount(s); slot++) {
                        set.add(school.studentParent(s, slot));
                    }
                }
            }
            scope = set.stream().mapToInt(Integer::intValue).toArray();
        }
        int[] parents = scope != null ? scope : school.liveParentList();
        int total = parents == null ? school.parentCount() : parents.length;
        long from = (long) (page - 1) * pageSize;
        boolean repeat = faults.repeats(r, Vendor.WUHAN);
        int rows = repeat ? (total == 0 ? 0 : pageSize) : (int) Math.max(0, Math.min(pageSize, total - from));
        long count = repeat ? (long) page * pageSize + pageSize : total;
        return ok(g -> {
            g.writeStartObject();
            g.writeNumberField("count", count);
            g.writeNumberField("page", page);
            g.writeNumberField("page_size", pageSize);
            g.writeArrayFieldStart("member_list");
            for (int i = 0; i < rows; i++) {
                int at = (int) ((from + i) % total);
                int p = parents == null ? at : parents[at];
                g.writeStartObject();
                g.writeStringField("user_id", school.parentWuhanId(p));
                g.writeStringField("platform_code", WUHAN_CODE);
                g.writeNumberField("user_type", 2);
                g.writeStringField("name", school.parentName(p));
                g.writeStringField("phone", school.parentMobile(p));
                g.writeNullField("email");
                g.writeObjectFieldStart("avatar");
                g.writeStringField("1", "");
                g.writeStringField("2", "");
                g.writeStringField("3", "");
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    // ---------------------------------------------------------------- org tree

    private SimResponse childList(SimRequest r) {
        if (faults.wuhanChildListUnavailableOn()) {
            return fail("该接口未对当前应用开放");
        }
        String orgId = blankToNull(r.query("org_id"));
        if (orgId == null) {
            return fail("org_id不能为空");
        }
        String typeFilter = blankToNull(r.query("org_type"));
        boolean cycle = faults.cycle(Vendor.WUHAN);
        if (cycle && (orgId.equals(FaultInjector.HEX_CYCLE_A) || orgId.equals(FaultInjector.HEX_CYCLE_B))) {
            String other = orgId.equals(FaultInjector.HEX_CYCLE_A) ? FaultInjector.HEX_CYCLE_B : FaultInjector.HEX_CYCLE_A;
            return ok(g -> {
                g.writeStartArray();
                writeInjectedNode(g, other);
                g.writeEndArray();
            });
        }
        int idx = school.deptIndexByWuhanId(orgId);
        if (idx < 0) {
            return fail("组织不存在：" + orgId);
        }
        int[] kids = school.childrenOf(idx);
        return ok(g -> {
            g.writeStartArray();
            for (int i = 0; i < kids.length; i++) {
                SchoolOrg.Department d = school.dept(kids[i]);
                if (typeFilter != null && !typeFilter.equals(Integer.toString(d.wuhanOrgType()))) {
                    continue;
                }
                g.writeStartObject();
                g.writeStringField("org_id", d.wuhanId());
                g.writeStringField("org_name", d.name());
                g.writeNumberField("org_type", d.wuhanOrgType());
                g.writeNumberField("child_type", 1);
                g.writeBooleanField("has_child", school.childrenOf(kids[i]).length > 0);
                g.writeNumberField("display_order", d.order() != null ? d.order() : i + 1);
                g.writeEndObject();
            }
            if (idx == 0 && cycle && (typeFilter == null || typeFilter.equals(Integer.toString(ORG_TYPE_DEPARTMENT)))) {
                writeInjectedNode(g, FaultInjector.HEX_CYCLE_A);
            }
            g.writeEndArray();
        });
    }

    private static void writeInjectedNode(JsonGenerator g, String id) throws IOException {
        g.writeStartObject();
        g.writeStringField("org_id", id);
        g.writeStringField("org_name", id.equals(FaultInjector.HEX_CYCLE_A) ? "环形部门A" : "环形部门B");
        g.writeNumberField("org_type", ORG_TYPE_DEPARTMENT);
        g.writeNumberField("child_type", 1);
        g.writeBooleanField("has_child", true);
        g.writeNumberField("display_order", 99);
        g.writeEndObject();
    }

    private SimResponse orgInfo(SimRequest r) {
        String orgId = blankToNull(r.query("org_id"));
        if (orgId == null) {
            return fail("org_id不能为空");
        }
        String name;
        int type;
        int idx = school.deptIndexByWuhanId(orgId);
        if (idx >= 0) {
            SchoolOrg.Department d = school.dept(idx);
            name = d.name();
            type = d.wuhanOrgType();
        } else if (faults.cycle(Vendor.WUHAN)
                && (orgId.equals(FaultInjector.HEX_CYCLE_A) || orgId.equals(FaultInjector.HEX_CYCLE_B))) {
            name = orgId.equals(FaultInjector.HEX_CYCLE_A) ? "环形部门A" : "环形部门B";
            type = ORG_TYPE_DEPARTMENT;
        } else {
            return fail("组织不存在：" + orgId);
        }
        return ok(g -> {
            g.writeStartObject();
            g.writeStringField("org_id", orgId);
            g.writeStringField("org_name", name);
            g.writeStringField("org_short_name", name);
            g.writeNumberField("org_type", type);
            g.writeStringField("platform_code", WUHAN_CODE);
            g.writeNumberField("status", 1);
            g.writeNumberField("flag", 0);
            g.writeStringField("province_code", "420000");
            g.writeStringField("city_code", "420100");
            g.writeStringField("area_code", "420106");
            g.writeStringField("createtime", "2020-09-01 08:00:00");
            g.writeStringField("updatetime", "2024-09-01 08:00:00");
            g.writeEndObject();
        });
    }

    // ---------------------------------------------------------------- envelope and parsing

    private static SimResponse ok(Json.Writer result) {
        return SimResponse.json(200, envelope(OK, "请求成功", result));
    }

    private static SimResponse fail(String message) {
        return SimResponse.json(200, envelope(FAIL, message, null));
    }

    private static byte[] envelope(String code, String message, Json.Writer result) {
        return Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("code", code);
            g.writeStringField("message", message);
            g.writeFieldName("result");
            if (result == null) {
                g.writeNull();
            } else {
                result.write(g);
            }
            g.writeEndObject();
        });
    }

    private static String text(JsonNode body, String field) {
        if (body == null || !body.isObject()) {
            return null;
        }
        JsonNode n = body.get(field);
        if (n == null || n.isNull() || n.isContainerNode()) {
            return null;
        }
        String s = n.asText();
        return s.isEmpty() ? null : s;
    }

    private static Integer positiveInt(String s) {
        if (s == null) {
            return null;
        }
        try {
            int v = Integer.parseInt(s.trim());
            return v >= 1 ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static List<String> splitList(String s) {
        if (s == null || s.isBlank()) {
            return List.of();
        }
        return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    private static int[] range(int from, int to) {
        int[] out = new int[Math.max(0, to - from)];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }
}
