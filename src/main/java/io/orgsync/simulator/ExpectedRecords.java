package io.orgsync.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a sync of one source publishes, record by record, worked out from the simulator's ground
 * truth: for each department and member id (as that source's sync publishes it, with the default
 * id types), a text that differs exactly when the canonical record would. Two of these, before
 * and after a change, give {@link OrgDiff}.
 *
 * <p>The texts follow the canonical rules, not the wire: a department's path runs from the root,
 * so a move reaches every descendant; a person listed several times is one record with the union
 * of departments and relations, in listing order; every wire field the sync does not map is kept
 * in its attributes, so it counts as content (Feishu's member counts and leaders, WeCom's leader
 * flags, Wuhan's {@code has_child} and sibling-based {@code display_order}). Fields that never
 * change for an id (open ids, mobiles, join times) may be left out or put in alike.
 */
final class ExpectedRecords {

    /** Departments and members, each by published id. */
    record Records(Map<String, String> departments, Map<String, String> members) {
    }

    private ExpectedRecords() {
    }

    static Records of(Vendor source, SchoolOrg school, CompanyOrg company) {
        return switch (source) {
            case WECOM -> wecom(company);
            case FEISHU -> feishu(company);
            case WECOM_SCHOOL -> wecomSchool(school);
            case WUHAN -> wuhan(school);
        };
    }

    // ---------------------------------------------------------------- WeCom contacts

    /** department/list (or simplelist + get) and user/list per department; every listing of a person is complete. */
    private static Records wecom(CompanyOrg company) {
        Map<String, String> departments = new LinkedHashMap<>();
        for (int p = 0; p < company.liveDepartmentCount(); p++) {
            int idx = company.preorderAt(p);
            CompanyOrg.Department d = company.dept(idx);
            departments.put(Integer.toString(d.id()), String.join("|", d.name(), d.nameEn(),
                    String.valueOf(d.leaderIds()), Long.toString(d.order()), companyPath(company, idx, false)));
        }
        Map<String, String> members = new LinkedHashMap<>();
        for (CompanyOrg.Employee u : company.employees()) {
            members.put(u.id(), String.join("|", u.name(), String.valueOf(u.departmentIds()),
                    String.valueOf(u.orders()), u.position(), u.mobile(), Integer.toString(u.gender()), u.email(),
                    u.bizMail(), String.valueOf(u.isLeaderInDept()), String.valueOf(u.directLeader()), u.telephone(),
                    u.alias(), Integer.toString(u.status()), Integer.toString(u.mainDepartment()), u.openUserId()));
        }
        return new Records(departments, members);
    }

    // ---------------------------------------------------------------- Feishu

    /**
     * Open ids for both departments and users (the sync's defaults). The root "0" is named after
     * the tenant without a call, so nothing changes it; its departments carry Feishu's subtree
     * member counts, so an employee joining or leaving updates every department above them.
     */
    private static Records feishu(CompanyOrg company) {
        Map<String, String> departments = new LinkedHashMap<>();
        departments.put("0", "root");
        for (int p = 1; p < company.liveDepartmentCount(); p++) {
            int idx = company.preorderAt(p);
            CompanyOrg.Department d = company.dept(idx);
            departments.put(d.feishuOpenId(), String.join("|", d.name(), d.nameEn(), d.feishuOpenParentId(),
                    Integer.toString(company.leaderOf(idx)), Long.toString(d.order()),
                    Integer.toString(company.memberCountOf(idx)), Integer.toString(company.primaryMemberCountOf(idx)),
                    companyPath(company, idx, true)));
        }
        Map<String, String> members = new LinkedHashMap<>();
        for (CompanyOrg.Employee u : company.employees()) {
            int e = company.employeeIndex(u.id());
            List<String> feishuDepartments = u.departmentIds().stream()
                    .map(id -> company.dept(id - 1).feishuOpenId()).toList();
            // orders[] and department_ids[] both follow the department list; leader_user_id is the direct leader
            members.put(u.openId(), String.join("|", u.name(), u.enName(), u.email(), u.bizMail(), u.feishuMobile(),
                    Integer.toString(u.gender()), String.valueOf(u.feishuStatus()), String.valueOf(feishuDepartments),
                    String.valueOf(u.orders()), Integer.toString(company.directLeader(e)), u.position(),
                    u.employeeNo(), Integer.toString(u.employeeType()), Long.toString(u.joinTime())));
        }
        return new Records(departments, members);
    }

    private static String companyPath(CompanyOrg company, int idx, boolean feishu) {
        List<String> path = new ArrayList<>();
        for (int x = idx; x >= 0; x = x == 0 ? -1 : company.dept(x).parentId() - 1) {
            CompanyOrg.Department d = company.dept(x);
            path.add(0, feishu ? d.feishuOpenId() : Integer.toString(d.id()));
        }
        return String.valueOf(path);
    }

    // ---------------------------------------------------------------- WeCom school

    /**
     * school/department/list, then school/user/list class by class in the list's order. Parents
     * come embedded in each student: a parent is one record whose classes and children are the
     * union, in that order, over every listing that names them.
     */
    private static Records wecomSchool(SchoolOrg school) {
        Map<String, String> departments = new LinkedHashMap<>();
        for (int idx : school.subtreeDepts(0)) {
            SchoolOrg.Department d = school.dept(idx);
            departments.put(Integer.toString(d.id()), String.join("|", d.name(), Integer.toString(d.type()),
                    String.valueOf(d.order()), String.valueOf(d.registerYear()), String.valueOf(d.standardGrade()),
                    String.valueOf(d.isGraduated()), String.valueOf(d.openGroupChat()), d.groupChatId(),
                    admins(d), schoolPath(school, idx, false)));
        }
        Map<String, String> students = new LinkedHashMap<>();
        Map<Integer, Union> parents = new LinkedHashMap<>();
        for (int cls : school.subtreeDepts(0)) {
            if (school.dept(cls).type() != SchoolOrg.TYPE_CLASS) {
                continue;
            }
            for (int s : school.studentsOfDept(cls)) {
                List<String> classes = new ArrayList<>();
                for (int c : school.studentClassDepts(s)) {
                    classes.add(Integer.toString(c + 1));
                }
                List<String> relations = new ArrayList<>();
                for (int slot = 0; slot < school.studentParentCount(s); slot++) {
                    int p = school.studentParent(s, slot);
                    String relation = school.studentRelation(s, slot);
                    relations.add(school.parentId(p) + ":" + relation);
                    parents.computeIfAbsent(p, k -> new Union()).add(classes, school.studentId(s) + ":" + relation);
                }
                students.putIfAbsent(school.studentId(s), String.join("|", "student", school.studentName(s),
                        String.valueOf(classes), String.valueOf(relations)));
            }
        }
        Map<String, String> members = new LinkedHashMap<>(students);
        parents.forEach((p, union) -> members.put(school.parentId(p), String.join("|", "parent",
                union.toString(), school.parentMobile(p), Integer.toString(school.parentSubscribed(p)),
                school.parentExternalUserId(p))));
        return new Records(departments, members);
    }

    private static String admins(SchoolOrg.Department d) {
        StringBuilder out = new StringBuilder();
        for (SchoolOrg.Admin a : d.admins()) {
            out.append(a.userId()).append(':').append(a.type()).append(':').append(a.subject()).append(';');
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- Wuhan

    /**
     * get-org-info for the school, get-child-list level by level, the member list of the whole
     * school (every teacher, then every student) and the parent list. A child node's
     * {@code display_order} is its own order or, without one, its place among its siblings, and
     * {@code has_child} says whether it has any: both are kept, so deleting or adding a sibling
     * or a child updates a node. A student's relations are the part of the family title after 的;
     * a parent's classes and children are the union over the students naming them, in member order.
     */
    private static Records wuhan(SchoolOrg school) {
        Map<String, String> departments = new LinkedHashMap<>();
        departments.put(school.wuhanTopOrgId(), String.join("|", "school", school.root().name()));
        for (int idx : school.subtreeDepts(0)) {
            int[] kids = school.childrenOf(idx);
            for (int i = 0; i < kids.length; i++) {
                SchoolOrg.Department d = school.dept(kids[i]);
                long displayOrder = d.order() != null ? d.order() : i + 1;
                departments.put(d.wuhanId(), String.join("|", d.name(), Integer.toString(d.wuhanOrgType()),
                        d.wuhanParentId(), Long.toString(displayOrder),
                        Boolean.toString(school.childrenOf(kids[i]).length > 0), schoolPath(school, kids[i], true)));
            }
        }
        Map<String, String> members = new LinkedHashMap<>();
        // the whole school is in scope (top_org_id), so a teacher whose departments are all gone is still listed
        for (SchoolOrg.Teacher teacher : school.teachers()) {
            members.put(teacher.wuhanId(), String.join("|", "teacher", teacher.name(),
                    String.valueOf(teacherOrgs(school, teacher))));
        }
        Map<Integer, Union> parents = new LinkedHashMap<>();
        int[] live = school.liveStudentList();
        int students = live == null ? school.studentCount() : live.length;
        for (int i = 0; i < students; i++) {
            int s = live == null ? i : live[i];
            List<String> classes = new ArrayList<>();
            for (int c : school.studentClassDepts(s)) {
                classes.add(school.deptWuhanId(c));
            }
            String name = school.studentName(s);
            List<String> relations = new ArrayList<>();
            for (int slot = 0; slot < school.studentParentCount(s); slot++) {
                int p = school.studentParent(s, slot);
                String relation = familyRelation(school.familyName(s, slot), name);
                relations.add(school.parentWuhanId(p) + ":" + relation);
                parents.computeIfAbsent(p, k -> new Union()).add(classes, school.studentWuhanId(s) + ":" + relation);
            }
            members.put(school.studentWuhanId(s), String.join("|", "student", name, String.valueOf(classes),
                    String.valueOf(relations), Integer.toString(school.studentType(s))));
        }
        parents.forEach((p, union) -> members.put(school.parentWuhanId(p), String.join("|", "parent",
                union.toString(), school.parentName(p), school.parentMobile(p))));
        return new Records(departments, members);
    }

    /** A teacher's org nodes as the member list gives them (classes and other departments alike). */
    private static List<String> teacherOrgs(SchoolOrg school, SchoolOrg.Teacher teacher) {
        List<String> orgs = new ArrayList<>();
        for (int id : teacher.departmentIds()) {
            SchoolOrg.Department d = school.department(id);
            orgs.add(d.wuhanId() + ":" + d.wuhanOrgType());
        }
        return orgs;
    }

    /** The relation in a Wuhan family title: after "name的", else after the last 的, else the whole title. */
    private static String familyRelation(String title, String studentName) {
        String prefix = studentName + "的";
        if (title.startsWith(prefix) && title.length() > prefix.length()) {
            return title.substring(prefix.length());
        }
        int at = title.lastIndexOf('的');
        return at >= 0 && at < title.length() - 1 ? title.substring(at + 1) : title;
    }

    private static String schoolPath(SchoolOrg school, int idx, boolean wuhan) {
        List<String> path = new ArrayList<>();
        for (int x = idx; x >= 0; x = school.dept(x).parentId() - 1) {
            SchoolOrg.Department d = school.dept(x);
            path.add(0, wuhan ? d.wuhanId() : Integer.toString(d.id()));
        }
        return String.valueOf(path);
    }

    /** A person's departments and relations over every listing naming them, first seen first. */
    private static final class Union {
        private final Set<String> departments = new LinkedHashSet<>();
        private final Set<String> relations = new LinkedHashSet<>();

        void add(List<String> departmentIds, String relation) {
            departments.addAll(departmentIds);
            relations.add(relation);
        }

        @Override
        public String toString() {
            return departments + "|" + relations;
        }
    }
}
