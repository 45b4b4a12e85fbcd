package io.orgsync.simulator;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The school as changed, spelt out: the generated school answers from arithmetic on contiguous
 * ranges (students class by class, subtrees as preorder ranges), which a move or a deletion
 * breaks, so once changed every answer comes from these arrays instead. Built whole from the
 * generated school and the {@link SchoolEdits} on each applied batch, and never changed after,
 * so a request sees the school before or after a batch, and a snapshot for a diff costs nothing.
 * Memory grows with the school (an array per person), which only changed schools pay.
 */
final class SchoolView {

    final SchoolEdits edits;
    /** Tells caches of answers apart: a new view, a new school. */
    final int version;

    final int departmentTotal;
    final BitSet deadDepartments;
    final int[][] children;
    /** Records as changed, by index; a deleted department keeps its last record. */
    final SchoolOrg.Department[] departments;
    /** Live departments in preorder, children in index order. */
    final int[] preorder;
    final List<SchoolOrg.Department> liveDepartments;
    final int[][] deptTeachers;
    final int[][] studentsOfDept;

    final int studentTotal;
    /** Classes by student, home class first; null once deleted. */
    final int[][] studentClasses;
    /** Live parents by student, with the relation at the same position. */
    final int[][] studentParents;
    final String[][] studentRelations;
    final int[] liveStudents;

    final int parentTotal;
    /** Live children by parent, in student order. */
    final int[][] parentChildren;
    /** Parents not deleted that still have a child: a parent exists through its children. */
    final int[] liveParents;
    final BitSet parentLive;

    final int teacherTotal;
    final SchoolOrg.Teacher[] teachers;
    final int[] liveTeachers;
    final List<SchoolOrg.Teacher> liveTeacherList;

    /**
     * @throws IllegalStateException when the edits leave a live department under a deleted one,
     *                               or a live student in a deleted class
     */
    SchoolView(SchoolOrg generated, SchoolEdits edits, int version) {
        this.edits = edits;
        this.version = version;

        departmentTotal = edits.departmentTotal(generated);
        deadDepartments = (BitSet) edits.deletedDepartments.clone();
        int[] parent = new int[departmentTotal];
        List<List<Integer>> kids = new ArrayList<>(departmentTotal);
        for (int i = 0; i < departmentTotal; i++) {
            kids.add(new ArrayList<>());
        }
        for (int i = 1; i < departmentTotal; i++) {
            parent[i] = edits.parentOf(generated, i);
            if (!deadDepartments.get(i)) {
                if (deadDepartments.get(parent[i])) {
                    throw new IllegalStateException("department " + (i + 1) + " is under deleted department "
                            + (parent[i] + 1));
                }
                kids.get(parent[i]).add(i);
            }
        }
        children = new int[departmentTotal][];
        for (int i = 0; i < departmentTotal; i++) {
            children[i] = kids.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        preorder = preorder(0);

        teacherTotal = edits.teacherTotal(generated);
        List<List<Integer>> teacherDepts = new ArrayList<>(teacherTotal);
        for (int t = 0; t < teacherTotal; t++) {
            teacherDepts.add(new ArrayList<>());
        }
        deptTeachers = new int[departmentTotal][];
        departments = new SchoolOrg.Department[departmentTotal];
        for (int i = 0; i < departmentTotal; i++) {
            List<SchoolOrg.Admin> admins = new ArrayList<>();
            for (SchoolOrg.Admin admin : edits.adminsOf(generated, i)) {
                int t = SchoolOrg.teacherIndex(admin.userId());
                if (edits.isLiveTeacher(generated, t)) {
                    admins.add(admin);
                    if (!deadDepartments.get(i) && !teacherDepts.get(t).contains(i)) {
                        teacherDepts.get(t).add(i);
                    }
                }
            }
            deptTeachers[i] = admins.stream().mapToInt(a -> SchoolOrg.teacherIndex(a.userId())).toArray();
            departments[i] = department(generated, i, i == 0 ? -1 : parent[i], List.copyOf(admins));
        }
        List<SchoolOrg.Department> live = new ArrayList<>(preorder.length);
        for (int i : preorder) {
            live.add(departments[i]);
        }
        liveDepartments = List.copyOf(live);

        studentTotal = edits.studentTotal(generated);
        parentTotal = edits.parentTotal(generated);
        studentClasses = new int[studentTotal][];
        studentParents = new int[studentTotal][];
        studentRelations = new String[studentTotal][];
        List<List<Integer>> inDept = new ArrayList<>(departmentTotal);
        for (int i = 0; i < departmentTotal; i++) {
            inDept.add(new ArrayList<>());
        }
        List<List<Integer>> ofParent = new ArrayList<>(parentTotal);
        for (int p = 0; p < parentTotal; p++) {
            ofParent.add(new ArrayList<>());
        }
        List<Integer> students = new ArrayList<>();
        for (int s = 0; s < studentTotal; s++) {
            if (edits.deletedStudents.get(s)) {
                continue;
            }
            int[] classes = edits.classesOf(generated, s);
            for (int c : classes) {
                if (deadDepartments.get(c)) {
                    throw new IllegalStateException("student " + generated.studentId(s) + " is in deleted class "
                            + (c + 1));
                }
                inDept.get(c).add(s);
            }
            studentClasses[s] = classes;
            List<SchoolEdits.Link> links = edits.linksOf(generated, s).stream()
                    .filter(l -> !edits.deletedParents.get(l.parent())).toList();
            studentParents[s] = links.stream().mapToInt(SchoolEdits.Link::parent).toArray();
            studentRelations[s] = links.stream().map(SchoolEdits.Link::relation).toArray(String[]::new);
            for (SchoolEdits.Link link : links) {
                ofParent.get(link.parent()).add(s);
            }
            students.add(s);
        }
        liveStudents = toArray(students);
        studentsOfDept = new int[departmentTotal][];
        for (int i = 0; i < departmentTotal; i++) {
            studentsOfDept[i] = toArray(inDept.get(i));
        }
        parentChildren = new int[parentTotal][];
        parentLive = new BitSet(parentTotal);
        for (int p = 0; p < parentTotal; p++) {
            parentChildren[p] = toArray(ofParent.get(p));
            if (parentChildren[p].length > 0) {
                parentLive.set(p);
            }
        }
        liveParents = parentLive.stream().toArray();

        teachers = new SchoolOrg.Teacher[teacherTotal];
        List<SchoolOrg.Teacher> liveTeachers = new ArrayList<>();
        for (int t = 0; t < teacherTotal; t++) {
            List<Integer> ids = new ArrayList<>();
            List<String> wuhanIds = new ArrayList<>();
            for (int d : teacherDepts.get(t)) {
                ids.add(d + 1);
                wuhanIds.add(departments[d].wuhanId());
            }
            teachers[t] = new SchoolOrg.Teacher("t" + (t + 1), Mix.hex32(generated.seed(), Mix.TEACHER, t),
                    teacherName(generated, t), List.copyOf(ids), List.copyOf(wuhanIds));
            if (!edits.deletedTeachers.get(t)) {
                liveTeachers.add(teachers[t]);
            }
        }
        this.liveTeachers = liveTeachers.stream().mapToInt(t -> SchoolOrg.teacherIndex(t.id())).toArray();
        liveTeacherList = List.copyOf(liveTeachers);
    }

    private SchoolOrg.Department department(SchoolOrg generated, int idx, int parent, List<SchoolOrg.Admin> admins) {
        String wuhanParent = parent < 0 ? null : generated.deptWuhanId(parent);
        int base = generated.departmentTotal();
        if (idx < base) {
            SchoolOrg.Department d = generated.dept(idx);
            return new SchoolOrg.Department(d.id(), parent + 1, d.wuhanId(), wuhanParent,
                    edits.renamedDepartments.getOrDefault(idx, d.name()), d.type(), d.order(), admins,
                    d.registerYear(), d.standardGrade(), d.isGraduated(), d.openGroupChat(), d.groupChatId());
        }
        SchoolEdits.NewDepartment added = edits.addedDepartments.get(idx - base);
        int type = added.type();
        // what WeCom school shows of a department created without optional fields
        return new SchoolOrg.Department(idx + 1, parent + 1, generated.deptWuhanId(idx), wuhanParent,
                edits.renamedDepartments.getOrDefault(idx, added.name()), type, null, admins, null, null,
                type == SchoolOrg.TYPE_GRADE ? 0 : null, type == SchoolOrg.TYPE_CLASS ? 0 : null, null);
    }

    private String teacherName(SchoolOrg generated, int t) {
        String renamed = edits.teacherNames.get(t);
        if (renamed != null) {
            return renamed;
        }
        return generated.teacherAt(t).name();
    }

    /** The subtree of a live department in preorder, itself first. */
    int[] preorder(int idx) {
        List<Integer> out = new ArrayList<>();
        int[] stack = new int[departmentTotal + 1];
        int top = 0;
        stack[top++] = idx;
        while (top > 0) {
            int x = stack[--top];
            out.add(x);
            for (int c = children[x].length - 1; c >= 0; c--) {
                stack[top++] = children[x][c];
            }
        }
        return toArray(out);
    }

    /** Students in any class of the subtree, in student order. */
    int[] subtreeStudents(int idx) {
        BitSet seen = new BitSet(studentTotal);
        for (int d : preorder(idx)) {
            for (int s : studentsOfDept[d]) {
                seen.set(s);
            }
        }
        return seen.stream().toArray();
    }

    boolean isLiveDepartment(int idx) {
        return idx >= 0 && idx < departmentTotal && !deadDepartments.get(idx);
    }

    String relationOf(int p, int s) {
        int[] parents = studentParents[s];
        for (int i = 0; i < parents.length; i++) {
            if (parents[i] == p) {
                return studentRelations[s][i];
            }
        }
        return null;
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
