package io.orgsync.simulator;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every change made to the generated company so far, by index. The generated company is never
 * touched: the served company is this overlay applied to it afresh, so a revived department or
 * employee simply stops being deleted and comes back as it was. Mutated only by a
 * {@link CompanyChanges} on its own copy; a published one is never changed again.
 */
final class CompanyEdits {

    record NewDepartment(int parent, String name, long order) {
    }

    record NewEmployee(String name, int department) {
    }

    final List<NewDepartment> addedDepartments;
    final Map<Integer, Integer> movedDepartments;
    final Map<Integer, String> renamedDepartments;
    final BitSet deletedDepartments;
    final List<NewEmployee> addedEmployees;
    final Map<Integer, String> renamedEmployees;
    /** Employee index to its new main department; its other departments stay. */
    final Map<Integer, Integer> movedEmployees;
    final BitSet deletedEmployees;

    CompanyEdits() {
        this(new ArrayList<>(), new HashMap<>(), new HashMap<>(), new BitSet(), new ArrayList<>(), new HashMap<>(),
                new HashMap<>(), new BitSet());
    }

    private CompanyEdits(List<NewDepartment> addedDepartments, Map<Integer, Integer> movedDepartments,
                         Map<Integer, String> renamedDepartments, BitSet deletedDepartments,
                         List<NewEmployee> addedEmployees, Map<Integer, String> renamedEmployees,
                         Map<Integer, Integer> movedEmployees, BitSet deletedEmployees) {
        this.addedDepartments = addedDepartments;
        this.movedDepartments = movedDepartments;
        this.renamedDepartments = renamedDepartments;
        this.deletedDepartments = deletedDepartments;
        this.addedEmployees = addedEmployees;
        this.renamedEmployees = renamedEmployees;
        this.movedEmployees = movedEmployees;
        this.deletedEmployees = deletedEmployees;
    }

    CompanyEdits copy() {
        return new CompanyEdits(new ArrayList<>(addedDepartments), new HashMap<>(movedDepartments),
                new HashMap<>(renamedDepartments), (BitSet) deletedDepartments.clone(),
                new ArrayList<>(addedEmployees), new HashMap<>(renamedEmployees), new HashMap<>(movedEmployees),
                (BitSet) deletedEmployees.clone());
    }

    /** Parent index of a department as changed, -1 for the root. */
    int parentOf(CompanyLayout generated, int dept) {
        Integer moved = movedDepartments.get(dept);
        if (moved != null) {
            return moved;
        }
        int base = generated.departmentTotal();
        return dept < base ? generated.parent[dept] : addedDepartments.get(dept - base).parent();
    }

    int departmentTotal(CompanyLayout generated) {
        return generated.departmentTotal() + addedDepartments.size();
    }

    int employeeTotal(CompanyLayout generated) {
        return generated.employeeTotal() + addedEmployees.size();
    }

    /** An employee's departments as changed, main first: empty once deleted. */
    int[] departmentsOf(CompanyLayout generated, int e) {
        if (deletedEmployees.get(e)) {
            return new int[0];
        }
        int base = generated.employeeTotal();
        int[] listed = e < base
                ? java.util.Arrays.copyOfRange(generated.empDeptList, generated.empDeptStart[e], generated.empDeptStart[e + 1])
                : new int[]{addedEmployees.get(e - base).department()};
        Integer main = movedEmployees.get(e);
        if (main == null || main == listed[0]) {
            return listed;
        }
        int[] out = new int[listed.length];
        int n = 0;
        out[n++] = main;
        for (int j = 1; j < listed.length; j++) {
            if (listed[j] != main) {
                out[n++] = listed[j];
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** The generated layout with these edits applied. */
    CompanyLayout layout(CompanyLayout generated) {
        int d = departmentTotal(generated);
        int[] parent = new int[d];
        for (int i = 0; i < d; i++) {
            parent[i] = i == 0 ? -1 : parentOf(generated, i);
        }
        int employees = employeeTotal(generated);
        int[][] depts = new int[employees][];
        int[] start = new int[employees + 1];
        for (int e = 0; e < employees; e++) {
            depts[e] = departmentsOf(generated, e);
            start[e + 1] = start[e] + depts[e].length;
        }
        int[] list = new int[start[employees]];
        for (int e = 0; e < employees; e++) {
            System.arraycopy(depts[e], 0, list, start[e], depts[e].length);
        }
        return CompanyLayout.of(parent, (BitSet) deletedDepartments.clone(), start, list);
    }
}
