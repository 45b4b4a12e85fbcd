package io.orgsync.simulator;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The company's structure as arrays: the department tree in preorder, each department's direct
 * members, its leader and its member counts. Everything here follows from who hangs under whom
 * and who works where, so the generated company and every changed one are derived by the same
 * code, and serving a request only reads arrays. Departments and employees keep their index for
 * good: a deleted one is only left out, so it can come back with the same ids.
 */
final class CompanyLayout {

    /** Parent department index; -1 for the root. Kept for deleted departments, which are left out of the tree. */
    final int[] parent;
    final BitSet deletedDepartments;
    final int[] depth;
    final int[][] children;
    /** Live departments in preorder, children in index order. */
    final int[] preorder;
    /** Position in {@link #preorder}; -1 for a deleted department. */
    final int[] preorderPos;
    final int[] subtreeSize;
    /** Employee e's departments are {@code empDeptList[empDeptStart[e] .. empDeptStart[e + 1])}, main first; none once deleted. */
    final int[] empDeptStart;
    final int[] empDeptList;
    final int[] deptMemberStart;
    final int[] deptMemberList;
    /** The first employee (by index) of each department, or -1. */
    final int[] leader;
    /** Distinct employees in the subtree, and those whose main department is in it (Feishu's two counts). */
    final int[] memberCount;
    final int[] primaryMemberCount;

    private CompanyLayout(int[] parent, BitSet deletedDepartments, int[] empDeptStart, int[] empDeptList) {
        int d = parent.length;
        this.parent = parent;
        this.deletedDepartments = deletedDepartments;
        this.empDeptStart = empDeptStart;
        this.empDeptList = empDeptList;
        int[] childCount = new int[d];
        for (int i = 1; i < d; i++) {
            if (!deletedDepartments.get(i)) {
                childCount[parent[i]]++;
            }
        }
        children = new int[d][];
        for (int i = 0; i < d; i++) {
            children[i] = new int[childCount[i]];
            childCount[i] = 0;
        }
        for (int i = 1; i < d; i++) {
            if (!deletedDepartments.get(i)) {
                int p = parent[i];
                children[p][childCount[p]++] = i;
            }
        }
        int live = d - deletedDepartments.cardinality();
        preorder = new int[live];
        preorderPos = new int[d];
        Arrays.fill(preorderPos, -1);
        subtreeSize = new int[d];
        depth = new int[d];
        int[] stack = new int[d];
        int top = 0;
        int pos = 0;
        stack[top++] = 0;
        while (top > 0) {
            int x = stack[--top];
            preorderPos[x] = pos;
            preorder[pos++] = x;
            for (int c = children[x].length - 1; c >= 0; c--) {
                int child = children[x][c];
                depth[child] = depth[x] + 1;
                stack[top++] = child;
            }
        }
        if (pos != live) {
            throw new IllegalStateException("the department tree does not reach " + (live - pos)
                    + " live department(s): a parent was deleted or a move made a cycle");
        }
        for (int p = live - 1; p >= 0; p--) {
            int x = preorder[p];
            subtreeSize[x] += 1;
            if (parent[x] >= 0) {
                subtreeSize[parent[x]] += subtreeSize[x];
            }
        }

        int employees = empDeptStart.length - 1;
        int[] deptMemberCount = new int[d + 1];
        for (int row = 0; row < empDeptList.length; row++) {
            deptMemberCount[empDeptList[row] + 1]++;
        }
        deptMemberStart = new int[d + 1];
        for (int i = 0; i < d; i++) {
            deptMemberStart[i + 1] = deptMemberStart[i] + deptMemberCount[i + 1];
        }
        deptMemberList = new int[deptMemberStart[d]];
        int[] fill = new int[d];
        leader = new int[d];
        Arrays.fill(leader, -1);
        memberCount = new int[d];
        primaryMemberCount = new int[d];
        int[] lastSeen = new int[d];
        Arrays.fill(lastSeen, -1);
        for (int e = 0; e < employees; e++) {
            if (empDeptStart[e] == empDeptStart[e + 1]) {
                continue;
            }
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
    }

    /**
     * @param parent       parent index per department, -1 for the root (index 0)
     * @param deleted      departments left out of the tree; none may have a live child or member
     * @param empDeptStart employee e's departments start at {@code empDeptStart[e]}; a deleted employee has none
     */
    static CompanyLayout of(int[] parent, BitSet deleted, int[] empDeptStart, int[] empDeptList) {
        return new CompanyLayout(parent, deleted, empDeptStart, empDeptList);
    }

    int departmentTotal() {
        return parent.length;
    }

    int employeeTotal() {
        return empDeptStart.length - 1;
    }

    boolean isLive(int dept) {
        return dept >= 0 && dept < parent.length && !deletedDepartments.get(dept);
    }

    /** Employee owning membership row {@code row}: the last one whose rows start at or before it (a deleted one has none). */
    int membershipEmployee(int row) {
        int lo = 0;
        int hi = employeeTotal() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (empDeptStart[mid] <= row) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
