package io.orgsync.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A batch of changes to the simulated school, made through {@link SchoolOrg#change()} and served
 * by WeCom school and Wuhan alike once {@link #apply() applied}. Departments (classes included)
 * are named by WeCom id, people by their WeCom userid ({@code s12}, {@code p3}, {@code t4}); a new
 * one gets the next free id, which the add call returns. Each call is checked at once against the
 * school as changed so far, as the vendors' admin pages would refuse it: a department still
 * holding sub-departments or students cannot be deleted, a student sits in classes only.
 *
 * <p>A parent exists through its children: deleting a parent's last child takes the parent out
 * of both vendors' answers, and reviving the child brings it back. A parent is not moved: its
 * classes are its children's.
 *
 * <pre>{@code
 * SchoolChanges change = simulator.school().change();
 * int lab = change.addDepartment(gradeId, "一年级创新班", SchoolOrg.TYPE_CLASS);
 * String newcomer = change.addStudent("林晓", lab);
 * change.addParent(newcomer, "妈妈");
 * change.renameDepartment(3, "东区").moveStudent("s7", lab).deleteStudent("s9").apply();
 * }</pre>
 */
public final class SchoolChanges {

    private final SchoolOrg school;
    private final SchoolOrg generated;
    private final SchoolEdits edits;

    SchoolChanges(SchoolOrg school, SchoolEdits edits) {
        this.school = school;
        this.generated = school.generated();
        this.edits = edits;
    }

    // ---------------------------------------------------------------- departments

    /** A new department of a {@link SchoolOrg} {@code TYPE_} under {@code parentId}; answers its WeCom id. */
    public int addDepartment(int parentId, String name, int type) {
        int parent = liveDepartment(parentId);
        if (type < SchoolOrg.TYPE_CLASS || type > SchoolOrg.TYPE_CAMPUS) {
            throw new IllegalArgumentException("type " + type + " is not a class, grade, stage or campus");
        }
        int idx = edits.departmentTotal(generated);
        edits.addedDepartments.add(new SchoolEdits.NewDepartment(parent, Objects.requireNonNull(name), type));
        return idx + 1;
    }

    public SchoolChanges renameDepartment(int id, String name) {
        edits.renamedDepartments.put(liveDepartment(id), Objects.requireNonNull(name));
        return this;
    }

    /** Moves a department, with everything below it (classes, students), under another one. */
    public SchoolChanges moveDepartment(int id, int newParentId) {
        int idx = liveDepartment(id);
        int parent = liveDepartment(newParentId);
        if (idx == 0) {
            throw new IllegalArgumentException("the school itself cannot be moved");
        }
        for (int x = parent; x > 0; x = edits.parentOf(generated, x)) {
            if (x == idx) {
                throw new IllegalArgumentException("department " + id + " cannot move below itself (" + newParentId + ")");
            }
        }
        edits.movedDepartments.put(idx, parent);
        return this;
    }

    /** Deletes a department without sub-departments or students; its admins stop being its admins. */
    public SchoolChanges deleteDepartment(int id) {
        int idx = liveDepartment(id);
        if (idx == 0) {
            throw new IllegalArgumentException("the school itself cannot be deleted");
        }
        for (int i = 1; i < edits.departmentTotal(generated); i++) {
            if (!edits.deletedDepartments.get(i) && edits.parentOf(generated, i) == idx) {
                throw new IllegalStateException("department " + id + " still has sub-department " + (i + 1));
            }
        }
        for (int s = 0; s < edits.studentTotal(generated); s++) {
            if (edits.isLiveStudent(generated, s) && contains(edits.classesOf(generated, s), idx)) {
                throw new IllegalStateException("department " + id + " still has student " + generated.studentId(s));
            }
        }
        edits.deletedDepartments.set(idx);
        return this;
    }

    /** Brings a deleted department back with its id, name, place and admins. */
    public SchoolChanges reviveDepartment(int id) {
        int idx = id - 1;
        if (idx <= 0 || idx >= edits.departmentTotal(generated) || !edits.deletedDepartments.get(idx)) {
            throw new IllegalArgumentException("department " + id + " is not a deleted department");
        }
        int parent = edits.parentOf(generated, idx);
        if (edits.deletedDepartments.get(parent)) {
            throw new IllegalStateException("department " + id + "'s parent " + (parent + 1) + " is deleted: revive it first");
        }
        edits.deletedDepartments.clear(idx);
        return this;
    }

    // ---------------------------------------------------------------- students

    /** A new student in one class, without parents yet ({@link #addParent}); answers the student_userid. */
    public String addStudent(String name, int classId) {
        int cls = liveClass(classId);
        int s = edits.studentTotal(generated);
        edits.addedStudents++;
        edits.studentNames.put(s, Objects.requireNonNull(name));
        edits.studentClasses.put(s, new int[]{cls});
        edits.studentParents.put(s, List.of());
        return generated.studentId(s);
    }

    public SchoolChanges renameStudent(String studentId, String name) {
        edits.studentNames.put(liveStudent(studentId), Objects.requireNonNull(name));
        return this;
    }

    /** Moves a student to another class instead of the home class; an elective class stays. */
    public SchoolChanges moveStudent(String studentId, int classId) {
        int s = liveStudent(studentId);
        int cls = liveClass(classId);
        int[] classes = edits.classesOf(generated, s);
        List<Integer> moved = new ArrayList<>();
        moved.add(cls);
        for (int j = 1; j < classes.length; j++) {
            if (classes[j] != cls) {
                moved.add(classes[j]);
            }
        }
        edits.studentClasses.put(s, moved.stream().mapToInt(Integer::intValue).toArray());
        return this;
    }

    public SchoolChanges deleteStudent(String studentId) {
        edits.deletedStudents.set(liveStudent(studentId));
        return this;
    }

    /** Brings a deleted student back with the same id, name, classes and parents. */
    public SchoolChanges reviveStudent(String studentId) {
        int s = index(studentId, 's', edits.studentTotal(generated));
        if (s < 0 || !edits.deletedStudents.get(s)) {
            throw new IllegalArgumentException(studentId + " is not a deleted student");
        }
        for (int c : edits.classesOf(generated, s)) {
            if (edits.deletedDepartments.get(c)) {
                throw new IllegalStateException(studentId + "'s class " + (c + 1) + " is deleted: revive it first");
            }
        }
        edits.deletedStudents.clear(s);
        return this;
    }

    // ---------------------------------------------------------------- parents

    /** A new parent of a student, with the relation as WeCom school gives it ("妈妈"); answers the parent_userid. */
    public String addParent(String studentId, String relation) {
        int s = liveStudent(studentId);
        int p = edits.parentTotal(generated);
        edits.addedParents++;
        List<SchoolEdits.Link> links = new ArrayList<>(edits.linksOf(generated, s));
        links.add(new SchoolEdits.Link(p, Objects.requireNonNull(relation)));
        edits.studentParents.put(s, List.copyOf(links));
        return generated.parentId(p);
    }

    /** The name Wuhan lists (WeCom school gives parents no name). */
    public SchoolChanges renameParent(String parentId, String name) {
        edits.parentNames.put(liveParent(parentId), Objects.requireNonNull(name));
        return this;
    }

    /** Takes a parent away from every child. */
    public SchoolChanges deleteParent(String parentId) {
        edits.deletedParents.set(liveParent(parentId));
        return this;
    }

    /** Brings a deleted parent back to the children it had. */
    public SchoolChanges reviveParent(String parentId) {
        int p = index(parentId, 'p', edits.parentTotal(generated));
        if (p < 0 || !edits.deletedParents.get(p)) {
            throw new IllegalArgumentException(parentId + " is not a deleted parent (one whose children left comes "
                    + "back with a revived child)");
        }
        edits.deletedParents.clear(p);
        return this;
    }

    // ---------------------------------------------------------------- teachers

    /**
     * A new teacher, admin of one department with a {@link SchoolOrg} {@code ADMIN_} type and a
     * subject (null for none); answers the userid.
     */
    public String addTeacher(String name, int departmentId, int adminType, String subject) {
        int dept = liveDepartment(departmentId);
        int t = edits.teacherTotal(generated);
        edits.addedTeachers++;
        edits.teacherNames.put(t, Objects.requireNonNull(name));
        addAdmin(dept, admin(t, adminType, subject));
        return "t" + (t + 1);
    }

    /** The name Wuhan lists (WeCom school names admins by userid only). */
    public SchoolChanges renameTeacher(String teacherId, String name) {
        edits.teacherNames.put(liveTeacher(teacherId), Objects.requireNonNull(name));
        return this;
    }

    /** Makes the teacher admin of {@code toDepartmentId} instead of {@code fromDepartmentId}, in the same roles. */
    public SchoolChanges moveTeacher(String teacherId, int fromDepartmentId, int toDepartmentId) {
        int t = liveTeacher(teacherId);
        int from = liveDepartment(fromDepartmentId);
        int to = liveDepartment(toDepartmentId);
        List<SchoolOrg.Admin> left = new ArrayList<>();
        List<SchoolOrg.Admin> roles = new ArrayList<>();
        for (SchoolOrg.Admin a : edits.adminsOf(generated, from)) {
            (a.userId().equals(teacherId) ? roles : left).add(a);
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException(teacherId + " is no admin of department " + fromDepartmentId);
        }
        edits.admins.put(from, List.copyOf(left));
        for (SchoolOrg.Admin role : roles) {
            addAdmin(to, admin(t, role.type(), role.subject()));
        }
        return this;
    }

    /** Takes the teacher off every department it was admin of (and out of Wuhan's member list). */
    public SchoolChanges deleteTeacher(String teacherId) {
        edits.deletedTeachers.set(liveTeacher(teacherId));
        return this;
    }

    /** Brings a deleted teacher back, admin of the same departments again. */
    public SchoolChanges reviveTeacher(String teacherId) {
        int t = index(teacherId, 't', edits.teacherTotal(generated));
        if (t < 0 || !edits.deletedTeachers.get(t)) {
            throw new IllegalArgumentException(teacherId + " is not a deleted teacher");
        }
        edits.deletedTeachers.clear(t);
        return this;
    }

    /**
     * Serves the school with every change of this batch at once. The batch may go on and be
     * applied again; what was applied stays as it was served.
     *
     * @throws IllegalStateException when the batch leaves the school inconsistent; nothing is served then
     */
    public void apply() {
        school.publish(edits.copy());
    }

    // ---------------------------------------------------------------- checks

    private SchoolOrg.Admin admin(int t, int type, String subject) {
        if (type < SchoolOrg.ADMIN_CAMPUS_HEAD || type > SchoolOrg.ADMIN_STAGE_HEAD) {
            throw new IllegalArgumentException("admin type " + type + " is not one of WeCom school's 1-5");
        }
        return new SchoolOrg.Admin("t" + (t + 1), Mix.hex32(generated.seed(), Mix.TEACHER, t), type, subject);
    }

    private void addAdmin(int dept, SchoolOrg.Admin admin) {
        List<SchoolOrg.Admin> admins = new ArrayList<>(edits.adminsOf(generated, dept));
        if (!admins.contains(admin)) {
            admins.add(admin);
        }
        edits.admins.put(dept, List.copyOf(admins));
    }

    private int liveDepartment(int id) {
        int idx = id - 1;
        if (!edits.isLiveDepartment(generated, idx)) {
            throw new IllegalArgumentException("no department " + id + " in the school");
        }
        return idx;
    }

    private int liveClass(int id) {
        int idx = liveDepartment(id);
        if (edits.typeOf(generated, idx) != SchoolOrg.TYPE_CLASS) {
            throw new IllegalArgumentException("department " + id + " is not a class: students sit in classes only");
        }
        return idx;
    }

    private int liveStudent(String id) {
        int s = index(id, 's', edits.studentTotal(generated));
        if (s < 0 || !edits.isLiveStudent(generated, s)) {
            throw new IllegalArgumentException("no student " + id + " in the school");
        }
        return s;
    }

    private int liveParent(String id) {
        int p = index(id, 'p', edits.parentTotal(generated));
        if (p < 0 || edits.deletedParents.get(p)) {
            throw new IllegalArgumentException("no parent " + id + " in the school");
        }
        return p;
    }

    private int liveTeacher(String id) {
        int t = index(id, 't', edits.teacherTotal(generated));
        if (t < 0 || !edits.isLiveTeacher(generated, t)) {
            throw new IllegalArgumentException("no teacher " + id + " in the school");
        }
        return t;
    }

    private static int index(String id, char prefix, int total) {
        if (id == null || id.length() < 2 || id.charAt(0) != prefix) {
            return -1;
        }
        try {
            int n = Integer.parseInt(id.substring(1)) - 1;
            return n >= 0 && n < total && id.equals(prefix + Integer.toString(n + 1)) ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }
}
