package io.orgsync.simulator;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every change made to the generated school so far, by index. The generated school is never
 * touched: the served school is this overlay applied to it afresh ({@link SchoolView}), so a
 * revived department or person simply stops being deleted and comes back as it was, links to
 * parents and classes included. Mutated only by a {@link SchoolChanges} on its own copy; a
 * published one is never changed again.
 */
final class SchoolEdits {

    record NewDepartment(int parent, String name, int type) {
    }

    /** A student's link to a parent, with the relation as WeCom school gives it ("妈妈"). */
    record Link(int parent, String relation) {
    }

    final List<NewDepartment> addedDepartments;
    final Map<Integer, Integer> movedDepartments;
    final Map<Integer, String> renamedDepartments;
    final BitSet deletedDepartments;
    /** A department's whole admin list when it differs from the generated one (teachers added or moved). */
    final Map<Integer, List<SchoolOrg.Admin>> admins;

    int addedStudents;
    /** Names of renamed and of added students (an added student always has one). */
    final Map<Integer, String> studentNames;
    /** Classes of moved and of added students, home class first. */
    final Map<Integer, int[]> studentClasses;
    /** Parents of students whose parents changed, and of added students. */
    final Map<Integer, List<Link>> studentParents;
    final BitSet deletedStudents;

    int addedParents;
    final Map<Integer, String> parentNames;
    final BitSet deletedParents;

    int addedTeachers;
    final Map<Integer, String> teacherNames;
    final BitSet deletedTeachers;

    SchoolEdits() {
        addedDepartments = new ArrayList<>();
        movedDepartments = new HashMap<>();
        renamedDepartments = new HashMap<>();
        deletedDepartments = new BitSet();
        admins = new HashMap<>();
        studentNames = new HashMap<>();
        studentClasses = new HashMap<>();
        studentParents = new HashMap<>();
        deletedStudents = new BitSet();
        parentNames = new HashMap<>();
        deletedParents = new BitSet();
        teacherNames = new HashMap<>();
        deletedTeachers = new BitSet();
    }

    private SchoolEdits(SchoolEdits from) {
        addedDepartments = new ArrayList<>(from.addedDepartments);
        movedDepartments = new HashMap<>(from.movedDepartments);
        renamedDepartments = new HashMap<>(from.renamedDepartments);
        deletedDepartments = (BitSet) from.deletedDepartments.clone();
        admins = new HashMap<>();
        from.admins.forEach((dept, list) -> admins.put(dept, List.copyOf(list)));
        addedStudents = from.addedStudents;
        studentNames = new HashMap<>(from.studentNames);
        studentClasses = new HashMap<>(from.studentClasses);
        studentParents = new HashMap<>();
        from.studentParents.forEach((s, links) -> studentParents.put(s, List.copyOf(links)));
        deletedStudents = (BitSet) from.deletedStudents.clone();
        addedParents = from.addedParents;
        parentNames = new HashMap<>(from.parentNames);
        deletedParents = (BitSet) from.deletedParents.clone();
        addedTeachers = from.addedTeachers;
        teacherNames = new HashMap<>(from.teacherNames);
        deletedTeachers = (BitSet) from.deletedTeachers.clone();
    }

    SchoolEdits copy() {
        return new SchoolEdits(this);
    }

    // ---------------------------------------------------------------- the school as changed, by index

    int departmentTotal(SchoolOrg generated) {
        return generated.departmentTotal() + addedDepartments.size();
    }

    boolean isLiveDepartment(SchoolOrg generated, int idx) {
        return idx >= 0 && idx < departmentTotal(generated) && !deletedDepartments.get(idx);
    }

    /** Parent index as changed; -1 for the root. */
    int parentOf(SchoolOrg generated, int idx) {
        Integer moved = movedDepartments.get(idx);
        if (moved != null) {
            return moved;
        }
        int base = generated.departmentTotal();
        return idx < base ? generated.dept(idx).parentId() - 1 : addedDepartments.get(idx - base).parent();
    }

    int typeOf(SchoolOrg generated, int idx) {
        int base = generated.departmentTotal();
        return idx < base ? generated.dept(idx).type() : addedDepartments.get(idx - base).type();
    }

    List<SchoolOrg.Admin> adminsOf(SchoolOrg generated, int idx) {
        List<SchoolOrg.Admin> changed = admins.get(idx);
        if (changed != null) {
            return changed;
        }
        return idx < generated.departmentTotal() ? generated.dept(idx).admins() : List.of();
    }

    int studentTotal(SchoolOrg generated) {
        return generated.studentTotal() + addedStudents;
    }

    boolean isLiveStudent(SchoolOrg generated, int s) {
        return s >= 0 && s < studentTotal(generated) && !deletedStudents.get(s);
    }

    int[] classesOf(SchoolOrg generated, int s) {
        int[] changed = studentClasses.get(s);
        return changed != null ? changed : generated.studentClassDepts(s);
    }

    /** The student's parent links as changed, deleted parents included (a revived parent comes back in its place). */
    List<Link> linksOf(SchoolOrg generated, int s) {
        List<Link> changed = studentParents.get(s);
        if (changed != null) {
            return changed;
        }
        List<Link> links = new ArrayList<>(2);
        for (int slot = 0; slot < generated.studentParentCount(s); slot++) {
            links.add(new Link(generated.studentParent(s, slot), generated.studentRelation(s, slot)));
        }
        return links;
    }

    int parentTotal(SchoolOrg generated) {
        return generated.parentTotal() + addedParents;
    }

    int teacherTotal(SchoolOrg generated) {
        return generated.teacherTotal() + addedTeachers;
    }

    boolean isLiveTeacher(SchoolOrg generated, int t) {
        return t >= 0 && t < teacherTotal(generated) && !deletedTeachers.get(t);
    }
}
