package io.orgsync.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * WeCom corporate contacts and WeCom school (家校沟通). Errors are HTTP 200 with errcode != 0 and
 * an errmsg carrying a hint, as the vendor sends them; clients must branch on errcode only.
 */
final class WecomApi implements VendorApi {

    static final String GETTOKEN = "/cgi-bin/gettoken";
    static final String DEPARTMENT_LIST = "/cgi-bin/department/list";
    static final String DEPARTMENT_SIMPLELIST = "/cgi-bin/department/simplelist";
    static final String DEPARTMENT_GET = "/cgi-bin/department/get";
    static final String USER_SIMPLELIST = "/cgi-bin/user/simplelist";
    static final String USER_LIST = "/cgi-bin/user/list";
    static final String USER_LIST_ID = "/cgi-bin/user/list_id";
    static final String SCHOOL_DEPARTMENT_LIST = "/cgi-bin/school/department/list";
    static final String SCHOOL_USER_LIST = "/cgi-bin/school/user/list";
    static final String SCHOOL_USER_LIST_PARENT = "/cgi-bin/school/user/list_parent";

    private static final int MAX_LIST_ID_LIMIT = 10_000;

    /** A department injected by a fault; its members lists are empty. */
    private record Injected(int id, int parentId, String name) {
    }

    private static final Injected CYCLE_A = new Injected(FaultInjector.WECOM_CYCLE_A, FaultInjector.WECOM_CYCLE_B, "环形部门A");
    private static final Injected CYCLE_B = new Injected(FaultInjector.WECOM_CYCLE_B, FaultInjector.WECOM_CYCLE_A, "环形部门B");
    private static final Injected ORPHAN = new Injected(FaultInjector.WECOM_ORPHAN, FaultInjector.WECOM_MISSING_PARENT, "孤儿部门");

    private final SchoolOrg school;
    private final CompanyOrg company;
    private final Credentials credentials;
    private final TokenStore tokens;
    private final FaultInjector faults;

    WecomApi(SchoolOrg school, CompanyOrg company, Credentials credentials, TokenStore tokens, FaultInjector faults) {
        this.school = school;
        this.company = company;
        this.credentials = credentials;
        this.tokens = tokens;
        this.faults = faults;
    }

    @Override
    public boolean owns(String path) {
        return path.startsWith("/cgi-bin/");
    }

    @Override
    public String endpoint(String path) {
        return path;
    }

    @Override
    public Vendor vendor(SimRequest r) {
        if (r.path.startsWith("/cgi-bin/school/")) {
            return Vendor.WECOM_SCHOOL;
        }
        if (r.path.equals(GETTOKEN) && credentials.wecomSchoolCorpSecret().equals(r.query("corpsecret"))
                && credentials.wecomSchoolCorpId().equals(r.query("corpid"))) {
            return Vendor.WECOM_SCHOOL;
        }
        return Vendor.WECOM;
    }

    @Override
    public SimResponse rateLimited(SimRequest request, FaultInjector.Refusal refusal) {
        return error(45009, "api freq out of limit");
    }

    @Override
    public SimResponse handle(SimRequest r) {
        boolean post = r.path.equals(USER_LIST_ID);
        boolean known = switch (r.path) {
            case GETTOKEN, DEPARTMENT_LIST, DEPARTMENT_SIMPLELIST, DEPARTMENT_GET, USER_SIMPLELIST, USER_LIST,
                    USER_LIST_ID, SCHOOL_DEPARTMENT_LIST, SCHOOL_USER_LIST, SCHOOL_USER_LIST_PARENT -> true;
            default -> false;
        };
        if (!known) {
            return SimResponse.text(404, SimResponse.TEXT, "404 Not Found");
        }
        if (post && !r.method.equals("POST")) {
            return error(43002, "require POST method");
        }
        if (!post && !r.method.equals("GET")) {
            return error(43001, "require GET method");
        }
        if (r.path.equals(GETTOKEN)) {
            return gettoken(r);
        }
        Vendor app = vendor(r);
        switch (tokens.check(r.query("access_token"), app)) {
            case MISSING:
                return error(41001, "access_token missing");
            case INVALID:
                return error(40014, "invalid access_token");
            case EXPIRED:
                return error(42001, "access_token expired");
            case WRONG_APP:
                return error(48002, "api forbidden");
            default:
                break;
        }
        if (faults.takeWecomBusy()) {
            return error(-1, "system busy");
        }
        return switch (r.path) {
            case DEPARTMENT_LIST -> departmentList(r, true);
            case DEPARTMENT_SIMPLELIST -> departmentList(r, false);
            case DEPARTMENT_GET -> departmentGet(r);
            case USER_SIMPLELIST -> userList(r, false);
            case USER_LIST -> userList(r, true);
            case USER_LIST_ID -> userListId(r);
            case SCHOOL_DEPARTMENT_LIST -> schoolDepartmentList(r);
            case SCHOOL_USER_LIST -> schoolUserList(r);
            default -> schoolParentList(r);
        };
    }

    // ---------------------------------------------------------------- token

    private SimResponse gettoken(SimRequest r) {
        String corpId = r.query("corpid");
        String secret = r.query("corpsecret");
        if (corpId == null || corpId.isEmpty()) {
            return error(41002, "corpid missing");
        }
        if (secret == null || secret.isEmpty()) {
            return error(41004, "corpsecret missing");
        }
        Vendor app;
        if (corpId.equals(credentials.wecomCorpId()) && secret.equals(credentials.wecomCorpSecret())) {
            app = Vendor.WECOM;
        } else if (corpId.equals(credentials.wecomSchoolCorpId()) && secret.equals(credentials.wecomSchoolCorpSecret())) {
            app = Vendor.WECOM_SCHOOL;
        } else if (!corpId.equals(credentials.wecomCorpId()) && !corpId.equals(credentials.wecomSchoolCorpId())) {
            return error(40013, "invalid corpid");
        } else {
            return error(40001, "invalid credential");
        }
        TokenStore.Token token = tokens.issue(app);
        long expiresIn = tokens.remainingSeconds(token);
        return ok(g -> {
            g.writeStringField("access_token", token.value());
            g.writeNumberField("expires_in", expiresIn);
        });
    }

    // ---------------------------------------------------------------- corporate contacts

    /** Company departments (indices) or injected ones, for a recursive listing rooted at {@code id}. */
    private List<Object> corpDepartments(String idParam) {
        List<Object> out = new ArrayList<>();
        if (idParam == null || idParam.isEmpty()) {
            for (int p = 0; p < company.liveDepartmentCount(); p++) {
                out.add(company.preorderAt(p));
            }
            out.addAll(injectedAll(Vendor.WECOM));
            return out;
        }
        int id = Integer.parseInt(idParam);
        Injected injected = injected(Vendor.WECOM, id);
        if (injected != null) {
            out.add(injected);
            if (injected == CYCLE_A || injected == CYCLE_B) {
                out.add(injected == CYCLE_A ? CYCLE_B : CYCLE_A);
            }
            return out;
        }
        int idx = id - 1;
        if (!company.hasDepartment(idx)) {
            return null;
        }
        out.add(idx);
        for (int p = company.descendantsFrom(idx); p < company.descendantsTo(idx); p++) {
            out.add(company.preorderAt(p));
        }
        return out;
    }

    private List<Injected> injectedAll(Vendor vendor) {
        List<Injected> out = new ArrayList<>(3);
        if (faults.cycle(vendor)) {
            out.add(CYCLE_A);
            out.add(CYCLE_B);
        }
        if (faults.orphan(vendor)) {
            out.add(ORPHAN);
        }
        return out;
    }

    private Injected injected(Vendor vendor, int id) {
        if (faults.cycle(vendor) && (id == CYCLE_A.id || id == CYCLE_B.id)) {
            return id == CYCLE_A.id ? CYCLE_A : CYCLE_B;
        }
        return faults.orphan(vendor) && id == ORPHAN.id ? ORPHAN : null;
    }

    private SimResponse departmentList(SimRequest r, boolean full) {
        if (full && faults.wecomDepartmentListRefusedOn()) {
            return error(48009, "api forbidden for contact-sync secret from new ip");
        }
        if (full && faults.wecomDepartmentListTooLargeOn()) {
            return error(45029, "response size too large");
        }
        String idParam = r.query("id");
        if (idParam != null && !idParam.isEmpty() && !isInt(idParam)) {
            return error(60123, "invalid party id");
        }
        List<Object> depts = corpDepartments(idParam);
        if (depts == null) {
            return error(60003, "department not found");
        }
        return ok(g -> {
            g.writeArrayFieldStart(full ? "department" : "department_id");
            for (Object d : depts) {
                if (full) {
                    writeCorpDepartment(g, d);
                } else {
                    writeCorpDepartmentIds(g, d);
                }
            }
            g.writeEndArray();
        });
    }

    private SimResponse departmentGet(SimRequest r) {
        String idParam = r.query("id");
        if (idParam == null || idParam.isEmpty()) {
            return error(40058, "invalid parameter: id missing");
        }
        if (!isInt(idParam)) {
            return error(60123, "invalid party id");
        }
        List<Object> depts = corpDepartments(idParam);
        if (depts == null) {
            return error(60003, "department not found");
        }
        return ok(g -> {
            g.writeFieldName("department");
            writeCorpDepartment(g, depts.get(0));
        });
    }

    private void writeCorpDepartment(JsonGenerator g, Object d) throws IOException {
        g.writeStartObject();
        if (d instanceof Injected inj) {
            g.writeNumberField("id", inj.id);
            g.writeStringField("name", inj.name);
            g.writeStringField("name_en", "");
            g.writeArrayFieldStart("department_leader");
            g.writeEndArray();
            g.writeNumberField("parentid", inj.parentId);
            g.writeNumberField("order", 1);
        } else {
            CompanyOrg.Department dept = company.dept((Integer) d);
            g.writeNumberField("id", dept.id());
            g.writeStringField("name", dept.name());
            g.writeStringField("name_en", dept.nameEn());
            g.writeArrayFieldStart("department_leader");
            for (String leader : dept.leaderIds()) {
                g.writeString(leader);
            }
            g.writeEndArray();
            g.writeNumberField("parentid", dept.parentId());
            g.writeNumberField("order", dept.order());
        }
        g.writeEndObject();
    }

    private void writeCorpDepartmentIds(JsonGenerator g, Object d) throws IOException {
        g.writeStartObject();
        if (d instanceof Injected inj) {
            g.writeNumberField("id", inj.id);
            g.writeNumberField("parentid", inj.parentId);
            g.writeNumberField("order", 1);
        } else {
            CompanyOrg.Department dept = company.dept((Integer) d);
            g.writeNumberField("id", dept.id());
            g.writeNumberField("parentid", dept.parentId());
            g.writeNumberField("order", dept.order());
        }
        g.writeEndObject();
    }

    /** {@code user/simplelist} and {@code user/list}: direct members only, whatever fetch_child says. */
    private SimResponse userList(SimRequest r, boolean full) {
        if (full ? faults.wecomDepartmentListRefusedOn() : faults.wecomUserSimplelistRefusedOn()) {
            return error(48009, "api forbidden for contact-sync secret from new ip");
        }
        String idParam = r.query("department_id");
        if (idParam == null || idParam.isEmpty()) {
            return error(40058, "invalid parameter: department_id missing");
        }
        if (!isInt(idParam)) {
            return error(60123, "invalid party id");
        }
        int id = Integer.parseInt(idParam);
        if (injected(Vendor.WECOM, id) != null) {
            return ok(g -> {
                g.writeArrayFieldStart("userlist");
                g.writeEndArray();
            });
        }
        int idx = id - 1;
        if (!company.hasDepartment(idx)) {
            return error(60003, "department not found");
        }
        return ok(g -> {
            g.writeArrayFieldStart("userlist");
            int n = company.directMemberCount(idx);
            for (int i = 0; i < n; i++) {
                int e = company.directMember(idx, i);
                if (full) {
                    writeUser(g, company.employee(e));
                } else {
                    g.writeStartObject();
                    g.writeStringField("userid", CompanyOrg.userIdOf(e));
                    g.writeStringField("name", company.employeeName(e));
                    g.writeArrayFieldStart("department");
                    for (int j = 0; j < company.employeeDeptCount(e); j++) {
                        g.writeNumber(company.employeeDept(e, j) + 1);
                    }
                    g.writeEndArray();
                    g.writeStringField("open_userid", company.openUserIdOf(e));
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
        });
    }

    private static void writeUser(JsonGenerator g, CompanyOrg.Employee u) throws IOException {
        g.writeStartObject();
        g.writeStringField("userid", u.id());
        g.writeStringField("name", u.name());
        g.writeArrayFieldStart("department");
        for (int d : u.departmentIds()) {
            g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("order");
        for (long o : u.orders()) {
            g.writeNumber(o);
        }
        g.writeEndArray();
        g.writeStringField("position", u.position());
        Json.optString(g, "mobile", u.mobile());
        g.writeStringField("gender", Integer.toString(u.gender()));
        Json.optString(g, "email", u.email());
        g.writeStringField("biz_mail", u.bizMail());
        g.writeArrayFieldStart("is_leader_in_dept");
        for (int flag : u.isLeaderInDept()) {
            g.writeNumber(flag);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("direct_leader");
        for (String leader : u.directLeader()) {
            g.writeString(leader);
        }
        g.writeEndArray();
        g.writeStringField("telephone", u.telephone());
        g.writeStringField("alias", u.alias());
        g.writeNumberField("status", u.status());
        g.writeNumberField("main_department", u.mainDepartment());
        g.writeStringField("open_userid", u.openUserId());
        g.writeEndObject();
    }

    private SimResponse userListId(SimRequest r) {
        JsonNode body = r.body.length == 0 ? Json.MAPPER.createObjectNode() : r.json();
        if (body == null || !body.isObject()) {
            return error(47001, "data format error");
        }
        JsonNode limitNode = body.get("limit");
        int limit = MAX_LIST_ID_LIMIT;
        if (limitNode != null && !limitNode.isNull()) {
            if (!limitNode.canConvertToInt() || !limitNode.isIntegralNumber()) {
                return error(40058, "invalid parameter: limit");
            }
            limit = limitNode.intValue();
        }
        if (limit < 1 || limit > MAX_LIST_ID_LIMIT) {
            return error(40058, "invalid parameter: limit must be 1-10000");
        }
        String cursor = body.hasNonNull("cursor") ? body.get("cursor").asText() : "";
        long offset = 0;
        if (!cursor.isEmpty()) {
            offset = PageTokens.wecomOffset(cursor, "list_id");
            if (offset < 0) {
                return error(40058, "invalid parameter: cursor");
            }
        }
        int total = company.membershipCount();
        int from = (int) Math.min(offset, total);
        int to = (int) Math.min((long) from + limit, total);
        String next;
        if (faults.repeats(r, Vendor.WECOM)) {
            next = cursor.isEmpty() ? PageTokens.wecom("list_id", 0) : cursor;
        } else {
            next = to < total ? PageTokens.wecom("list_id", to) : "";
        }
        return ok(g -> {
            g.writeStringField("next_cursor", next);
            g.writeArrayFieldStart("dept_user");
            for (int row = from; row < to; row++) {
                g.writeStartObject();
                g.writeStringField("userid", CompanyOrg.userIdOf(company.membershipEmployee(row)));
                g.writeNumberField("department", company.membershipDept(row) + 1);
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    // ---------------------------------------------------------------- school

    private SimResponse schoolDepartmentList(SimRequest r) {
        String idParam = r.query("id");
        List<Object> depts = new ArrayList<>();
        if (idParam == null || idParam.isEmpty()) {
            for (int i : school.subtreeDepts(0)) {
                depts.add(i);
            }
            depts.addAll(injectedAll(Vendor.WECOM_SCHOOL));
        } else {
            if (!isInt(idParam)) {
                return error(60123, "invalid party id");
            }
            int id = Integer.parseInt(idParam);
            Injected inj = injected(Vendor.WECOM_SCHOOL, id);
            if (inj != null) {
                depts.add(inj);
                if (inj != ORPHAN) {
                    depts.add(inj == CYCLE_A ? CYCLE_B : CYCLE_A);
                }
            } else {
                int idx = id - 1;
                if (!school.hasDept(idx)) {
                    return error(60003, "department not found");
                }
                for (int i : school.subtreeDepts(idx)) {
                    depts.add(i);
                }
            }
        }
        return ok(g -> {
            g.writeArrayFieldStart("departments");
            for (Object d : depts) {
                writeSchoolDepartment(g, d);
            }
            g.writeEndArray();
        });
    }

    private void writeSchoolDepartment(JsonGenerator g, Object d) throws IOException {
        g.writeStartObject();
        if (d instanceof Injected inj) {
            g.writeNumberField("id", inj.id);
            g.writeNumberField("parentid", inj.parentId);
            g.writeStringField("name", inj.name);
            g.writeNumberField("type", SchoolOrg.TYPE_GRADE);
            g.writeNumberField("is_graduated", 0);
            g.writeArrayFieldStart("department_admins");
            g.writeEndArray();
            g.writeEndObject();
            return;
        }
        SchoolOrg.Department dept = school.dept((Integer) d);
        g.writeNumberField("id", dept.id());
        g.writeNumberField("parentid", dept.parentId());
        g.writeStringField("name", dept.name());
        g.writeNumberField("type", dept.type());
        if (dept.order() != null) {
            g.writeNumberField("order", dept.order());
        }
        if (dept.registerYear() != null) {
            g.writeNumberField("register_year", dept.registerYear());
        }
        if (dept.standardGrade() != null) {
            g.writeNumberField("standard_grade", dept.standardGrade());
        }
        if (dept.isGraduated() != null) {
            g.writeNumberField("is_graduated", dept.isGraduated());
        }
        if (dept.openGroupChat() != null) {
            g.writeNumberField("open_group_chat", dept.openGroupChat());
        }
        Json.optString(g, "group_chat_id", dept.groupChatId());
        g.writeArrayFieldStart("department_admins");
        for (SchoolOrg.Admin a : dept.admins()) {
            g.writeStartObject();
            g.writeStringField("userid", a.userId());
            g.writeNumberField("type", a.type());
            Json.optString(g, "subject", a.subject());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Resolves {@code department_id} for the school user lists: students of it, or an error response. */
    private Object schoolStudents(SimRequest r) {
        String idParam = r.query("department_id");
        if (idParam == null || idParam.isEmpty()) {
            return error(40058, "invalid parameter: department_id missing");
        }
        if (!isInt(idParam)) {
            return error(60123, "invalid party id");
        }
        int id = Integer.parseInt(idParam);
        if (injected(Vendor.WECOM_SCHOOL, id) != null) {
            return new int[0];
        }
        int idx = id - 1;
        if (!school.hasDept(idx)) {
            return error(60003, "department not found");
        }
        return school.studentsOfDept(idx);
    }

    private SimResponse schoolUserList(SimRequest r) {
        Object resolved = schoolStudents(r);
        if (resolved instanceof SimResponse error) {
            return error;
        }
        int[] students = (int[]) resolved;
        return ok(g -> {
            g.writeArrayFieldStart("students");
            for (int s : students) {
                g.writeStartObject();
                g.writeStringField("student_userid", school.studentId(s));
                g.writeStringField("name", school.studentName(s));
                g.writeArrayFieldStart("department");
                for (int c : school.studentClassDepts(s)) {
                    g.writeNumber(c + 1);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("parents");
                for (int slot = 0; slot < school.studentParentCount(s); slot++) {
                    int p = school.studentParent(s, slot);
                    g.writeStartObject();
                    g.writeStringField("parent_userid", school.parentId(p));
                    g.writeStringField("relation", school.studentRelation(s, slot));
                    Json.optString(g, "mobile", school.parentMobile(p));
                    g.writeNumberField("is_subscribe", school.parentSubscribed(p));
                    Json.optString(g, "external_userid", school.parentExternalUserId(p));
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    private SimResponse schoolParentList(SimRequest r) {
        Object resolved = schoolStudents(r);
        if (resolved instanceof SimResponse error) {
            return error;
        }
        Set<Integer> parents = new LinkedHashSet<>();
        for (int s : (int[]) resolved) {
            for (int slot = 0; slot < school.studentParentCount(s); slot++) {
                parents.add(school.studentParent(s, slot));
            }
        }
        return ok(g -> {
            g.writeArrayFieldStart("parents");
            for (int p : parents) {
                g.writeStartObject();
                g.writeStringField("parent_userid", school.parentId(p));
                Json.optString(g, "mobile", school.parentMobile(p));
                g.writeNumberField("is_subscribe", school.parentSubscribed(p));
                Json.optString(g, "external_userid", school.parentExternalUserId(p));
                g.writeArrayFieldStart("children");
                for (int s : school.childrenOfParent(p)) {
                    g.writeStartObject();
                    g.writeStringField("student_userid", school.studentId(s));
                    g.writeStringField("relation", school.relationOf(p, s));
                    g.writeStringField("name", school.studentName(s));
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    // ---------------------------------------------------------------- envelope

    private static SimResponse ok(Json.Writer fields) {
        return SimResponse.json(200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeNumberField("errcode", 0);
            g.writeStringField("errmsg", "ok");
            fields.write(g);
            g.writeEndObject();
        }));
    }

    /** Like the vendor: HTTP 200, errmsg with a hint the client must not parse. */
    static SimResponse error(int code, String message) {
        String hint = message + ", hint: [" + (System.currentTimeMillis() / 1000) + "_"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFL)
                + "], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=" + code;
        return SimResponse.json(200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeNumberField("errcode", code);
            g.writeStringField("errmsg", hint);
            g.writeEndObject();
        }));
    }

    private static boolean isInt(String s) {
        try {
            Integer.parseInt(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
