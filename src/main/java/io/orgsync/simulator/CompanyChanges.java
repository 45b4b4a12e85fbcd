package io.orgsync.simulator;

import java.util.Objects;

/**
 * A batch of changes to the simulated company, made through {@link CompanyOrg#change()} and
 * served by WeCom contacts and Feishu alike once {@link #apply() applied}. Departments are named
 * by WeCom id, employees by userid; a new one gets the next free id, which the add call returns.
 * Each call is checked at once against the company as changed so far, as the vendors' own admin
 * APIs would refuse it: a department still holding members or sub-departments cannot be
 * deleted, and a revived one comes back where and as it was.
 *
 * <pre>{@code
 * CompanyChanges change = simulator.company().change();
 * int lab = change.addDepartment(1, "创新实验室");
 * String newcomer = change.addEmployee("林晓", lab);
 * change.renameDepartment(3, "研发中心").moveEmployee("u7", lab).deleteEmployee("u9").apply();
 * }</pre>
 */
public final class CompanyChanges {

    private final CompanyOrg company;
    private final CompanyEdits edits;
    private final CompanyLayout generated;

    CompanyChanges(CompanyOrg company, CompanyEdits edits) {
        this.company = company;
        this.edits = edits;
        this.generated = company.generatedLayout();
    }

    /** A new department under {@code parentId}, last among its siblings; answers its WeCom id. */
    public int addDepartment(int parentId, String name) {
        int parent = liveDepartment(parentId);
        int idx = edits.departmentTotal(generated);
        int siblings = 0;
        for (int i = 1; i < idx; i++) {
            siblings += edits.parentOf(generated, i) == parent ? 1 : 0;
        }
        edits.addedDepartments.add(new CompanyEdits.NewDepartment(parent, Objects.requireNonNull(name),
                (siblings + 1) * 100L));
        return idx + 1;
    }

    public CompanyChanges renameDepartment(int id, String name) {
        edits.renamedDepartments.put(liveDepartment(id), Objects.requireNonNull(name));
        return this;
    }

    /** Moves a department, with everything below it, under another one. */
    public CompanyChanges moveDepartment(int id, int newParentId) {
        int idx = liveDepartment(id);
        int parent = liveDepartment(newParentId);
        requireNotRoot(idx, "moved");
        for (int x = parent; x >= 0; x = x == 0 ? -1 : edits.parentOf(generated, x)) {
            if (x == idx) {
                throw new IllegalArgumentException("department " + id + " cannot move below itself (" + newParentId + ")");
            }
        }
        edits.movedDepartments.put(idx, parent);
        return this;
    }

    /** Deletes an empty department, as WeCom and Feishu only delete one without members or sub-departments. */
    public CompanyChanges deleteDepartment(int id) {
        int idx = liveDepartment(id);
        requireNotRoot(idx, "deleted");
        for (int i = 1; i < edits.departmentTotal(generated); i++) {
            if (!edits.deletedDepartments.get(i) && edits.parentOf(generated, i) == idx) {
                throw new IllegalStateException("department " + id + " still has sub-department " + (i + 1));
            }
        }
        for (int e = 0; e < edits.employeeTotal(generated); e++) {
            for (int d : edits.departmentsOf(generated, e)) {
                if (d == idx) {
                    throw new IllegalStateException("department " + id + " still has member " + CompanyOrg.userIdOf(e));
                }
            }
        }
        edits.deletedDepartments.set(idx);
        return this;
    }

    /** Brings a deleted department back with its id, name and place. */
    public CompanyChanges reviveDepartment(int id) {
        int idx = id - 1;
        if (idx < 0 || idx >= edits.departmentTotal(generated) || !edits.deletedDepartments.get(idx)) {
            throw new IllegalArgumentException("department " + id + " is not a deleted department");
        }
        int parent = edits.parentOf(generated, idx);
        if (edits.deletedDepartments.get(parent)) {
            throw new IllegalStateException("department " + id + "'s parent " + (parent + 1) + " is deleted: revive it first");
        }
        edits.deletedDepartments.clear(idx);
        return this;
    }

    /** A new employee whose only (main) department is {@code departmentId}; answers the userid. */
    public String addEmployee(String name, int departmentId) {
        int dept = liveDepartment(departmentId);
        int e = edits.employeeTotal(generated);
        edits.addedEmployees.add(new CompanyEdits.NewEmployee(Objects.requireNonNull(name), dept));
        return CompanyOrg.userIdOf(e);
    }

    public CompanyChanges renameEmployee(String userId, String name) {
        edits.renamedEmployees.put(liveEmployee(userId), Objects.requireNonNull(name));
        return this;
    }

    /** Makes {@code departmentId} the employee's main department instead of the old one; other departments stay. */
    public CompanyChanges moveEmployee(String userId, int departmentId) {
        int e = liveEmployee(userId);
        edits.movedEmployees.put(e, liveDepartment(departmentId));
        return this;
    }

    public CompanyChanges deleteEmployee(String userId) {
        edits.deletedEmployees.set(liveEmployee(userId));
        return this;
    }

    /** Brings a deleted employee back with the same userid, name and departments. */
    public CompanyChanges reviveEmployee(String userId) {
        int e = employeeIndex(userId);
        if (e < 0 || !edits.deletedEmployees.get(e)) {
            throw new IllegalArgumentException(userId + " is not a deleted employee");
        }
        edits.deletedEmployees.clear(e);
        for (int d : edits.departmentsOf(generated, e)) {
            if (edits.deletedDepartments.get(d)) {
                edits.deletedEmployees.set(e);
                throw new IllegalStateException(userId + "'s department " + (d + 1) + " is deleted: revive it first");
            }
        }
        return this;
    }

    /**
     * Serves the company with every change of this batch at once. The batch may go on and be
     * applied again; what was applied stays as it was served.
     */
    public void apply() {
        company.publish(edits.copy());
    }

    private int liveDepartment(int id) {
        int idx = id - 1;
        if (idx < 0 || idx >= edits.departmentTotal(generated) || edits.deletedDepartments.get(idx)) {
            throw new IllegalArgumentException("no department " + id + " in the company");
        }
        return idx;
    }

    private static void requireNotRoot(int idx, String what) {
        if (idx == 0) {
            throw new IllegalArgumentException("the root department cannot be " + what);
        }
    }

    private int employeeIndex(String userId) {
        if (userId == null || !userId.startsWith("u")) {
            return -1;
        }
        try {
            int e = Integer.parseInt(userId.substring(1)) - 1;
            return e >= 0 && e < edits.employeeTotal(generated) && userId.equals(CompanyOrg.userIdOf(e)) ? e : -1;
        } catch (NumberFormatException ex) {
            return -1;
        }
    }

    private int liveEmployee(String userId) {
        int e = employeeIndex(userId);
        if (e < 0 || edits.deletedEmployees.get(e)) {
            throw new IllegalArgumentException("no employee " + userId + " in the company");
        }
        return e;
    }
}
