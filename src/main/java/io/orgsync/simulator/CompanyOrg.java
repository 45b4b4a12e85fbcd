package io.orgsync.simulator;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
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

    private final long seed;
    private final CompanyShape shape;
    private final String name;
    private final List<Department> departments;
    private final int[] parent;
    private final int[] preorder;
    private final int[] preorderPos;
    private final int[] subtreeSize;
    private final int[][] children;
    private final int[] empDeptStart;
    private final int[] empDeptList;
    private final int[] deptMemberStart;
    private final int[] deptMemberList;
    private final int[] leader;
    private final int[] memberCount;
    private final int[] primaryMemberCount;
    private final Map<Integer, String> awkwardNames;

    private CompanyOrg(long seed, CompanyShape shape, String name, List<Department> departments, int[] parent,
                       int[] preorder, int[] preorderPos, int[] subtreeSize, int[][] children, int[] empDeptStart,
                       int[] empDeptList, int[] deptMemberStart, int[] deptMemberList, int[] leader, int[] memberCount,
                       int[] primaryMemberCount, Map<Integer, String> awkwardNames) {
        this.seed = seed;
        this.shape = shape;
        this.name = name;
        this.departments = departments;
        this.parent = parent;
        this.preorder = preorder;
        this.preorderPos = preorderPos;
        this.subtreeSize = subtreeSize;
        this.children = children;
        this.empDeptStart = empDeptStart;
        this.empDeptList = empDeptList;
        this.deptMemberStart = deptMemberStart;
        this.deptMemberList = deptMemberList;
        this.leader = leader;
        this.memberCount = memberCount;
        this.primaryMemberCount = primaryMemberCount;
        this.awkwardNames = awkwardNames;
    }

    // ---------------------------------------------------------------- public ground truth

    public String name() {
        return name;
    }

    public CompanyShape shape() {
        return shape;
    }

    public Department root() {
        return departments.get(0);
    }

    /** Every department, root first, by WeCom id. */
    public List<Department> departments() {
        return departments;
    }

    /** The department with this WeCom id, or null. */
    public Department department(int id) {
        return id >= 1 && id <= departments.size() ? departments.get(id - 1) : null;
    }

    /** By Feishu id of either type ("0", "D12" or "od-..."). */
    public Optional<Department> departmentByFeishuId(String feishuId) {
        int idx = deptIndexByFeishuId(feishuId, feishuId != null && feishuId.startsWith("od-"));
        return idx < 0 ? Optional.empty() : Optional.of(departments.get(idx));
    }

    public int employeeCount() {
        return empDeptStart.length - 1;
    }

    /** Every employee, built on access. */
    public List<Employee> employees() {
        return new AbstractList<>() {
            @Override
            public Employee get(int index) {
                Objects.checkIndex(index, employeeCount());
                return employee(index);
            }

            @Override
            public int size() {
                return employeeCount();
            }
        };
    }

    /** The employee with this userid, or null. */
    public Employee employee(String userId) {
        int e = employeeIndex(userId);
        return e < 0 ? null : employee(e);
    }

    /** Maximum distance from the root. */
    public int depth() {
        int max = 0;
        for (Department d : departments) {
            max = Math.max(max, d.depth());
        }
        return max;
    }

    static FeishuStatus feishuStatus(int wecomStatus) {
        return switch (wecomStatus) {
            case 2 -> new FeishuStatus(true, false, true, false, false);
            case 4 -> new FeishuStatus(false, false, false, false, true);
            case 5 -> new FeishuStatus(false, true, true, true, false);
            default -> new FeishuStatus(false, false, true, false, false);
        };
    }

    // ---------------------------------------------------------------- compact accessors for the vendor APIs

    int departmentCount() {
        return departments.size();
    }

    int[] childrenOf(int idx) {
        return children[idx];
    }

    /** Descendants of {@code idx} (itself excluded) as a preorder slice: positions [from, to) of {@link #preorderAt}. */
    int descendantsFrom(int idx) {
        return preorderPos[idx] + 1;
    }

    int descendantsTo(int idx) {
        return preorderPos[idx] + subtreeSize[idx];
    }

    int preorderAt(int position) {
        return preorder[position];
    }

    int memberCountOf(int idx) {
        return memberCount[idx];
    }

    int primaryMemberCountOf(int idx) {
        return primaryMemberCount[idx];
    }

    int leaderOf(int idx) {
        return leader[idx];
    }

    int directMemberCount(int idx) {
        return deptMemberStart[idx + 1] - deptMemberStart[idx];
    }

    int directMember(int idx, int i) {
        return deptMemberList[deptMemberStart[idx] + i];
    }

    /** (employee, department) pairs, the rows of WeCom {@code user/list_id}. */
    int membershipCount() {
        return empDeptList.length;
    }

    /** Employee owning membership row {@code row}. */
    int membershipEmployee(int row) {
        int pos = Arrays.binarySearch(empDeptStart, row);
        if (pos >= 0) {
            // several employees may start at the same row only if some had no department, which never happens
            return pos;
        }
        return -pos - 2;
    }

    int membershipDept(int row) {
        return empDeptList[row];
    }

    int employeeDeptCount(int e) {
        return empDeptStart[e + 1] - empDeptStart[e];
    }

    int employeeDept(int e, int j) {
        return empDeptList[empDeptStart[e] + j];
    }

    int deptIndexByFeishuId(String id, boolean open) {
        if (id == null) {
            return -1;
        }
        if (id.equals("0")) {
            return 0;
        }
        if (open) {
            if (!id.startsWith("od-")) {
                return -1;
            }
            long idx = Mix.decodeHex32(seed, Mix.FEISHU_DEPT, id.substring(3));
            return idx >= 1 && idx < departments.size() ? (int) idx : -1;
        }
        if (id.length() < 2 || id.charAt(0) != 'D') {
            return -1;
        }
        try {
            int n = Integer.parseInt(id.substring(1));
            return n >= 2 && n <= departments.size() && id.equals("D" + n) ? n - 1 : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    int employeeIndex(String userId) {
        if (userId == null || userId.length() < 2 || userId.charAt(0) != 'u') {
            return -1;
        }
        try {
            int n = Integer.parseInt(userId.substring(1)) - 1;
            return n >= 0 && n < employeeCount() && userId.equals(userIdOf(n)) ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
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
        int main = employeeDept(e, 0);
        int l = leader[main];
        if (l == e) {
            int p = parent[main];
            l = p >= 0 ? leader[p] : -1;
        }
        return l == e ? -1 : l;
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
            leaderFlags.add(leader[d] == e ? 1 : 0);
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
        for (int i = 1; i < d; i++) {
            int p = i <= maxDepth ? i - 1 : i <= maxDepth + wide ? 0 : eligible[Mix.pick(seed, 60, i, eligibleCount)];
            parent[i] = p;
            depth[i] = depth[p] + 1;
            if (depth[i] < maxDepth) {
                eligible[eligibleCount++] = i;
            }
        }
        int[] childCount = new int[d];
        for (int i = 1; i < d; i++) {
            childCount[parent[i]]++;
        }
        int[][] children = new int[d][];
        for (int i = 0; i < d; i++) {
            children[i] = new int[childCount[i]];
            childCount[i] = 0;
        }
        int[] siblingIndex = new int[d];
        for (int i = 1; i < d; i++) {
            int p = parent[i];
            siblingIndex[i] = childCount[p];
            children[p][childCount[p]++] = i;
        }
        int[] preorder = new int[d];
        int[] preorderPos = new int[d];
        int[] subtreeSize = new int[d];
        int[] stack = new int[d];
        int top = 0;
        int pos = 0;
        stack[top++] = 0;
        while (top > 0) {
            int x = stack[--top];
            preorderPos[x] = pos;
            preorder[pos++] = x;
            for (int c = children[x].length - 1; c >= 0; c--) {
                stack[top++] = children[x][c];
            }
        }
        for (int p = d - 1; p >= 0; p--) {
            int x = preorder[p];
            subtreeSize[x] += 1;
            if (parent[x] >= 0) {
                subtreeSize[parent[x]] += subtreeSize[x];
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
        int[] deptMemberCount = new int[d + 1];
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
            for (int j = at; j < empDeptStart[e + 1]; j++) {
                deptMemberCount[empDeptList[j] + 1]++;
            }
        }
        int[] deptMemberStart = new int[d + 1];
        for (int i = 0; i < d; i++) {
            deptMemberStart[i + 1] = deptMemberStart[i] + deptMemberCount[i + 1];
        }
        int[] deptMemberList = new int[deptMemberStart[d]];
        int[] fill = new int[d];
        int[] leader = new int[d];
        Arrays.fill(leader, -1);
        int[] memberCount = new int[d];
        int[] primaryMemberCount = new int[d];
        int[] lastSeen = new int[d];
        Arrays.fill(lastSeen, -1);
        for (int e = 0; e < employees; e++) {
            for (int j = empDeptStart[e]; j < empDeptStart[e + 1]; j++) {
                int dept = empDeptList[j];
                deptMemberList[deptMemberStart[dept] + fill[dept]++] = e;
                if (leader[dept] < 0) {
                    leader[dept] = e;
                }
                // an ancestor already stamped for e has all its ancestors stamped too
                for (int x = dept; x >= 0 && lastSeen[x] != e; x = parent[x]) {
                    lastSeen[x] = e;
                    memberCount[x]++;
                }
            }
            for (int x = empDeptList[empDeptStart[e]]; x >= 0; x = parent[x]) {
                primaryMemberCount[x]++;
            }
        }

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
            String openId = i == 0 ? "0" : "od-" + Mix.hex32(seed, Mix.FEISHU_DEPT, i);
            String customId = i == 0 ? "0" : "D" + (i + 1);
            int p = parent[i];
            String feishuParent = p < 0 ? null : p == 0 ? "0" : "D" + (p + 1);
            String feishuOpenParent = p < 0 ? null : p == 0 ? "0" : "od-" + Mix.hex32(seed, Mix.FEISHU_DEPT, p);
            List<String> leaders = leader[i] < 0 ? List.of() : List.of(userIdOf(leader[i]));
            departments.add(new Department(i + 1, p + 1, deptName, i == 0 ? "Chenguang Group" : "Dept " + (i + 1),
                    (siblingIndex[i] + 1) * 100L, customId, openId, feishuParent, feishuOpenParent, leaders, depth[i]));
        }
        Map<Integer, String> awkwardNames = Names.awkward(seed, Mix.OPEN_ID, employees);
        return new CompanyOrg(seed, shape, companyName, Collections.unmodifiableList(departments), parent, preorder,
                preorderPos, subtreeSize, children, empDeptStart, empDeptList, deptMemberStart, deptMemberList, leader,
                memberCount, primaryMemberCount, awkwardNames);
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
