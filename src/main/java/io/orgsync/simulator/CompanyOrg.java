package io.orgsync.simulator;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Ground truth of the generated company, served through WeCom contacts (int department ids, root
 * 1) and Feishu (root "0", custom ids {@code D<wecom id>} or {@code od-...} open ids). Employees
 * are stored as arrays and built into records on access.
 */
public final class CompanyOrg {

    private static final String[] UNIT_WORDS = {"研发", "市场", "销售", "财务", "人力", "法务", "运营", "产品", "设计",
            "客服", "质量", "采购", "行政", "数据", "安全", "平台", "基础架构", "国际业务", "战略", "品牌"};
    private static final String[] LEVEL_SUFFIX = {"", "中心", "部", "处", "科", "组", "小组"};
    private static final String[] POSITIONS = {"工程师", "高级工程师", "产品经理", "设计师", "销售代表", "HRBP", "会计",
            "运营专员", "总监", "经理", "测试工程师", "架构师"};
    private static final String[] AWKWARD_DEPARTMENTS = {"市场部, 华东", "\"创新\"实验室", "🚀增长组", "𪚥龘项目组"};
    private static final long JOIN_BASE = 1_577_836_800L; // 2020-01-01T00:00:00Z

    /**
     * A department. The root has id 1, parentId 0, Feishu ids "0"; top-level departments have
     * Feishu parent "0". {@code order} is the same number on both vendors (WeCom int, Feishu string).
     */
    public record Department(int id, int parentId, String name, String nameEn, long order, String feishuId,
                             String feishuOpenId, String feishuParentId, String feishuOpenParentId,
                             List<String> leaderIds, int depth) {

        public boolean isRoot() {
            return parentId == 0;
        }
    }

    /** Feishu's {@code status} object for an employee. */
    public record FeishuStatus(boolean isFrozen, boolean isResigned, boolean isActivated, boolean isExited,
                               boolean isUnjoin) {
    }

    /**
     * An employee. {@code departmentIds} are WeCom ids with the main department first; {@code orders}
     * and {@code isLeaderInDept} run parallel to it. {@code status} is WeCom's: 1 active, 2 disabled,
     * 4 not activated, 5 left. {@code mobile} and {@code email} may be null. {@code id} is both the
     * WeCom userid and the Feishu user_id. {@code gender}: 0 unknown, 1 male, 2 female.
     */
    public record Employee(String id, String openId, String unionId, String name, String enName,
                           List<Integer> departmentIds, List<Long> orders, List<Integer> isLeaderInDept,
                           int mainDepartment, String position, String mobile, String email, String bizMail,
                           int gender, String alias, String telephone, int status, String openUserId,
                           List<String> directLeader, String employeeNo, int employeeType, long joinTime) {

        public boolean active() {
            return status == 1;
        }

        /** Feishu gives mobiles with the country code. */
        public String feishuMobile() {
            return mobile == null ? null : "+86" + mobile;
        }

        public FeishuStatus feishuStatus() {
            return CompanyOrg.feishuStatus(status);
        }
    }

    /**
     * What a change replaces, swapped whole, so a request sees the company before or after a
     * change, never half of it. {@code departments} is by index, deleted ones included (as they
     * were last), and {@code edits} is null while nothing was changed.
     */
    private record State(CompanyLayout layout, List<Department> departments, CompanyEdits edits, int[] liveEmployees) {
    }

    private final long seed;
    private final CompanyShape shape;
    private final String name;
    private final Map<Integer, String> awkwardNames;
    private final State generated;
    private final boolean frozen;
    private volatile State state;

    private CompanyOrg(long seed, CompanyShape shape, String name, CompanyLayout layout, List<Department> departments,
                       Map<Integer, String> awkwardNames) {
        this.seed = seed;
        this.shape = shape;
        this.name = name;
        this.awkwardNames = awkwardNames;
        this.generated = new State(layout, departments, null, null);
        this.frozen = false;
        this.state = generated;
    }

    /** The company as it is now, unaffected by later changes: what a diff compares. */
    private CompanyOrg(CompanyOrg live) {
        this.seed = live.seed;
        this.shape = live.shape;
        this.name = live.name;
        this.awkwardNames = live.awkwardNames;
        this.generated = live.generated;
        this.frozen = true;
        this.state = live.state;
    }

    // ---------------------------------------------------------------- public ground truth

    public String name() {
        return name;
    }

    public CompanyShape shape() {
        return shape;
    }

    public Department root() {
        return dept(0);
    }

    /** Every department, root first, by WeCom id; deleted ones are left out. */
    public List<Department> departments() {
        State s = state;
        if (s.edits == null) {
            return s.departments;
        }
        return s.departments.stream().filter(d -> s.layout.isLive(d.id() - 1)).toList();
    }

    /** The department with this WeCom id, or null (also once deleted). */
    public Department department(int id) {
        return hasDepartment(id - 1) ? dept(id - 1) : null;
    }

    /** By Feishu id of either type ("0", "D12" or "od-..."). */
    public Optional<Department> departmentByFeishuId(String feishuId) {
        int idx = deptIndexByFeishuId(feishuId, feishuId != null && feishuId.startsWith("od-"));
        return idx < 0 ? Optional.empty() : Optional.of(dept(idx));
    }

    /** Employees now, deleted ones left out. */
    public int employeeCount() {
        State s = state;
        return s.liveEmployees == null ? s.layout.employeeTotal() : s.liveEmployees.length;
    }

    /** Every employee, built on access. */
    public List<Employee> employees() {
        State s = state;
        return new AbstractList<>() {
            @Override
            public Employee get(int index) {
                Objects.checkIndex(index, size());
                return employee(s.liveEmployees == null ? index : s.liveEmployees[index]);
            }

            @Override
            public int size() {
                return s.liveEmployees == null ? s.layout.employeeTotal() : s.liveEmployees.length;
            }
        };
    }

    /** The employee with this userid, or null (also once deleted). */
    public Employee employee(String userId) {
        int e = employeeIndex(userId);
        return e < 0 ? null : employee(e);
    }

    /** Maximum distance from the root. */
    public int depth() {
        int max = 0;
        for (Department d : departments()) {
            max = Math.max(max, d.depth());
        }
        return max;
    }

    /**
     * A batch of changes to this company, served by WeCom and Feishu alike once applied. Apply
     * between sync runs: a run reading while a change lands may see some answers before it and
     * some after, as it would at a real vendor.
     */
    public CompanyChanges change() {
        if (frozen) {
            throw new IllegalStateException("a snapshot of the company cannot be changed; change the simulator's");
        }
        return new CompanyChanges(this, state.edits == null ? new CompanyEdits() : state.edits.copy());
    }

    static FeishuStatus feishuStatus(int wecomStatus) {
        return switch (wecomStatus) {
            case 2 -> new FeishuStatus(true, false, true, false, false);
            case 4 -> new FeishuStatus(false, false, false, false, true);
            case 5 -> new FeishuStatus(false, true, true, true, false);
            default -> new FeishuStatus(false, false, true, false, false);
        };
    }

    // ---------------------------------------------------------------- changes

    /** This company now, unaffected by later changes. */
    CompanyOrg frozen() {
        return new CompanyOrg(this);
    }

    CompanyLayout generatedLayout() {
        return generated.layout;
    }

    /** Serves the generated company with {@code edits} applied; checked before anything is swapped. */
    synchronized void publish(CompanyEdits edits) {
        CompanyLayout layout = edits.layout(generated.layout);
        List<Department> departments = new ArrayList<>(layout.departmentTotal());
        for (int i = 0; i < layout.departmentTotal(); i++) {
            departments.add(changedDepartment(i, layout, edits));
        }
        int[] live = java.util.stream.IntStream.range(0, layout.employeeTotal())
                .filter(e -> !edits.deletedEmployees.get(e)).toArray();
        state = new State(layout, Collections.unmodifiableList(departments), edits, live);
    }

    private Department changedDepartment(int idx, CompanyLayout layout, CompanyEdits edits) {
        int base = generated.layout.departmentTotal();
        String deptName;
        String nameEn;
        long order;
        if (idx < base) {
            Department d = generated.departments.get(idx);
            deptName = edits.renamedDepartments.getOrDefault(idx, d.name());
            nameEn = d.nameEn();
            order = d.order();
        } else {
            CompanyEdits.NewDepartment added = edits.addedDepartments.get(idx - base);
            deptName = edits.renamedDepartments.getOrDefault(idx, added.name());
            nameEn = "Dept " + (idx + 1);
            order = added.order();
        }
        return department(seed, idx, layout.parent[idx], deptName, nameEn, order, layout.leader[idx], layout.depth[idx]);
    }

    private static Department department(long seed, int idx, int parent, String deptName, String nameEn, long order,
                                         int leader, int depth) {
        String openId = idx == 0 ? "0" : "od-" + Mix.hex32(seed, Mix.FEISHU_DEPT, idx);
        String customId = idx == 0 ? "0" : "D" + (idx + 1);
        String feishuParent = parent < 0 ? null : parent == 0 ? "0" : "D" + (parent + 1);
        String feishuOpenParent = parent < 0 ? null : parent == 0 ? "0" : "od-" + Mix.hex32(seed, Mix.FEISHU_DEPT, parent);
        List<String> leaders = leader < 0 ? List.of() : List.of(userIdOf(leader));
        return new Department(idx + 1, parent + 1, deptName, nameEn, order, customId, openId, feishuParent,
                feishuOpenParent, leaders, depth);
    }

    // ---------------------------------------------------------------- compact accessors for the vendor APIs

    private CompanyLayout layout() {
        return state.layout;
    }

    /** The department record at this index, deleted or not. */
    Department dept(int idx) {
        return state.departments.get(idx);
    }

    boolean hasDepartment(int idx) {
        return layout().isLive(idx);
    }

    /** Live departments; {@link #preorderAt} runs over [0, this). */
    int liveDepartmentCount() {
        return layout().preorder.length;
    }

    int[] childrenOf(int idx) {
        return layout().children[idx];
    }

    /** Descendants of {@code idx} (itself excluded) as a preorder slice: positions [from, to) of {@link #preorderAt}. */
    int descendantsFrom(int idx) {
        return layout().preorderPos[idx] + 1;
    }

    int descendantsTo(int idx) {
        CompanyLayout l = layout();
        return l.preorderPos[idx] + l.subtreeSize[idx];
    }

    int preorderAt(int position) {
        return layout().preorder[position];
    }

    int memberCountOf(int idx) {
        return layout().memberCount[idx];
    }

    int primaryMemberCountOf(int idx) {
        return layout().primaryMemberCount[idx];
    }

    int leaderOf(int idx) {
        return layout().leader[idx];
    }

    int directMemberCount(int idx) {
        CompanyLayout l = layout();
        return l.deptMemberStart[idx + 1] - l.deptMemberStart[idx];
    }

    int directMember(int idx, int i) {
        CompanyLayout l = layout();
        return l.deptMemberList[l.deptMemberStart[idx] + i];
    }

    /** (employee, department) pairs, the rows of WeCom {@code user/list_id}. */
    int membershipCount() {
        return layout().empDeptList.length;
    }

    /** Employee owning membership row {@code row}. */
    int membershipEmployee(int row) {
        return layout().membershipEmployee(row);
    }

    int membershipDept(int row) {
        return layout().empDeptList[row];
    }

    int employeeDeptCount(int e) {
        CompanyLayout l = layout();
        return l.empDeptStart[e + 1] - l.empDeptStart[e];
    }

    int employeeDept(int e, int j) {
        CompanyLayout l = layout();
        return l.empDeptList[l.empDeptStart[e] + j];
    }

    int deptIndexByFeishuId(String id, boolean open) {
        if (id == null) {
            return -1;
        }
        if (id.equals("0")) {
            return 0;
        }
        CompanyLayout l = layout();
        if (open) {
            if (!id.startsWith("od-")) {
                return -1;
            }
            long idx = Mix.decodeHex32(seed, Mix.FEISHU_DEPT, id.substring(3));
            return idx >= 1 && idx < l.departmentTotal() && l.isLive((int) idx) ? (int) idx : -1;
        }
        if (id.length() < 2 || id.charAt(0) != 'D') {
            return -1;
        }
        try {
            int n = Integer.parseInt(id.substring(1));
            return n >= 2 && n <= l.departmentTotal() && id.equals("D" + n) && l.isLive(n - 1) ? n - 1 : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Index of a live employee, or -1. */
    int employeeIndex(String userId) {
        if (userId == null || userId.length() < 2 || userId.charAt(0) != 'u') {
            return -1;
        }
        try {
            int n = Integer.parseInt(userId.substring(1)) - 1;
            return n >= 0 && n < layout().employeeTotal() && userId.equals(userIdOf(n)) && isLiveEmployee(n) ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    boolean isLiveEmployee(int e) {
        State s = state;
        return e >= 0 && e < s.layout.employeeTotal() && (s.edits == null || !s.edits.deletedEmployees.get(e));
    }

    static String userIdOf(int e) {
        return "u" + (e + 1);
    }

    String openIdOf(int e) {
        return "ou_" + Mix.hex32(seed, Mix.OPEN_ID, e);
    }

    String unionIdOf(int e) {
        return "on_" + Mix.hex32(seed, Mix.UNION_ID, e);
    }

    String openUserIdOf(int e) {
        return "wo" + Mix.hex16(Mix.hash(seed, 66, e));
    }

    String employeeName(int e) {
        CompanyEdits edits = state.edits;
        if (edits != null) {
            String renamed = edits.renamedEmployees.get(e);
            if (renamed != null) {
                return renamed;
            }
            int base = generated.layout.employeeTotal();
            if (e >= base) {
                return edits.addedEmployees.get(e - base).name();
            }
        }
        String awkward = awkwardNames.get(e);
        return awkward != null ? awkward : Names.person(seed, Mix.OPEN_ID, e);
    }

    int status(int e) {
        switch (e) {
            case 1: return 2;
            case 2: return 4;
            case 3: return 5;
            default:
                int r = Mix.pick(seed, 63, e, 20);
                return r == 0 ? 2 : r == 1 ? 4 : r == 2 ? 5 : 1;
        }
    }

    long userOrder(int e, int j) {
        return Mix.pick(seed, 64, (long) e * 4 + j, 1000);
    }

    /** Direct leader: the main department's leader, or the parent department's when that is oneself. */
    int directLeader(int e) {
        CompanyLayout l = layout();
        int main = employeeDept(e, 0);
        int lead = l.leader[main];
        if (lead == e) {
            int p = l.parent[main];
            lead = p >= 0 ? l.leader[p] : -1;
        }
        return lead == e ? -1 : lead;
    }

    Employee employee(int e) {
        long h = Mix.hash(seed, 65, e);
        int count = employeeDeptCount(e);
        List<Integer> depts = new ArrayList<>(count);
        List<Long> orders = new ArrayList<>(count);
        List<Integer> leaderFlags = new ArrayList<>(count);
        for (int j = 0; j < count; j++) {
            int d = employeeDept(e, j);
            depts.add(d + 1);
            orders.add(userOrder(e, j));
            leaderFlags.add(leaderOf(d) == e ? 1 : 0);
        }
        String mobile = e == 4 || (h & 63) == 0 ? null : "13" + Mix.pad((e * 7919L + (seed & 0xFFFFFF)) % 1_000_000_000L, 9);
        String email = e == 5 || ((h >>> 6) & 31) == 0 ? null : userIdOf(e) + "@chenguang.example";
        int gender = (int) ((h >>> 11) % 3);
        // by code point: an awkward name may start with a surrogate pair that must not be split
        String alias = ((h >>> 13) & 7) == 0 ? "小" + Character.toString(employeeName(e).codePointAt(0)) : "";
        String telephone = ((h >>> 16) & 3) == 0 ? "027-" + Mix.pad((h >>> 20) % 100_000_000L, 8) : "";
        int l = directLeader(e);
        int type = (int) ((h >>> 30) % 10);
        int employeeType = type < 8 ? 1 : type == 8 ? 2 : 3;
        return new Employee(userIdOf(e), openIdOf(e), unionIdOf(e), employeeName(e), "User " + (e + 1),
                List.copyOf(depts), List.copyOf(orders), List.copyOf(leaderFlags), depts.get(0),
                POSITIONS[(int) ((h >>> 34) % POSITIONS.length)], mobile, email, userIdOf(e) + "@chenguang.work",
                gender, alias, telephone, status(e), openUserIdOf(e),
                l < 0 ? List.of() : List.of(userIdOf(l)), "E" + Mix.pad(e + 1, 6), employeeType,
                JOIN_BASE + (h >>> 40) % (5L * 365 * 86400));
    }

    // ---------------------------------------------------------------- generation

    static CompanyOrg generate(CompanyShape shape, long seed) {
        int d = shape.departments();
        int maxDepth = shape.depth();
        int wide = shape.wideRoot();
        int[] parent = new int[d];
        int[] depth = new int[d];
        parent[0] = -1;
        // a guaranteed chain reaches the configured depth; the rest attach to random shallower nodes
        int[] eligible = new int[d];
        int eligibleCount = 0;
        eligible[eligibleCount++] = 0;
        int[] childCount = new int[d];
        int[] siblingIndex = new int[d];
        for (int i = 1; i < d; i++) {
            int p = i <= maxDepth ? i - 1 : i <= maxDepth + wide ? 0 : eligible[Mix.pick(seed, 60, i, eligibleCount)];
            parent[i] = p;
            depth[i] = depth[p] + 1;
            siblingIndex[i] = childCount[p]++;
            if (depth[i] < maxDepth) {
                eligible[eligibleCount++] = i;
            }
        }

        int employees = shape.employees();
        int[] empDeptStart = new int[employees + 1];
        int[] extra = new int[employees];
        for (int e = 0; e < employees; e++) {
            int r = Mix.pick(seed, 61, e, 100);
            // employee 0 always has a second department, so every company has a multi-department member
            int n = (e == 0 || r < 12) ? 1 : r < 15 ? 2 : 0;
            extra[e] = Math.min(n, d - 1);
            empDeptStart[e + 1] = empDeptStart[e] + 1 + extra[e];
        }
        int[] empDeptList = new int[empDeptStart[employees]];
        for (int e = 0; e < employees; e++) {
            int at = empDeptStart[e];
            int main = e < wide ? 0 : Mix.pick(seed, 62, e, d);
            empDeptList[at] = main;
            for (int j = 1; j <= extra[e]; j++) {
                int x = Mix.pick(seed, 67, (long) e * 4 + j, d);
                while (contains(empDeptList, at, at + j, x)) {
                    x = (x + 1) % d;
                }
                empDeptList[at + j] = x;
            }
        }
        CompanyLayout layout = CompanyLayout.of(parent, new java.util.BitSet(), empDeptStart, empDeptList);

        Map<Integer, String> awkwardDepts = new java.util.HashMap<>();
        for (int i = 0; i < AWKWARD_DEPARTMENTS.length && d > 1; i++) {
            int at = 1 + Mix.pick(seed, 68, i, d - 1);
            awkwardDepts.putIfAbsent(at, AWKWARD_DEPARTMENTS[i]);
        }
        String companyName = "晨光科技集团";
        List<Department> departments = new ArrayList<>(d);
        for (int i = 0; i < d; i++) {
            String deptName;
            if (i == 0) {
                deptName = companyName;
            } else if (awkwardDepts.containsKey(i)) {
                deptName = awkwardDepts.get(i);
            } else {
                String word = UNIT_WORDS[Mix.pick(seed, 69, i, UNIT_WORDS.length)];
                String suffix = LEVEL_SUFFIX[Math.min(depth[i], LEVEL_SUFFIX.length - 1)];
                deptName = depth[i] == 1 ? word + suffix : word + Names.chineseNumber(1 + siblingIndex[i] % 9) + suffix;
            }
            departments.add(department(seed, i, parent[i], deptName, i == 0 ? "Chenguang Group" : "Dept " + (i + 1),
                    (siblingIndex[i] + 1) * 100L, layout.leader[i], depth[i]));
        }
        return new CompanyOrg(seed, shape, companyName, layout, Collections.unmodifiableList(departments),
                Names.awkward(seed, Mix.OPEN_ID, employees));
    }

    private static boolean contains(int[] a, int from, int to, int x) {
        for (int i = from; i < to; i++) {
            if (a[i] == x) {
                return true;
            }
        }
        return false;
    }
}
