package io.orgsync.simulator;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Ground truth of the generated school, the same organisation whether read through WeCom school
 * (int department ids, userids like {@code s12}) or Wuhan (32-char hex ids); every record carries
 * both ids. People are stored as a few primitive arrays and turned into records on access, so a
 * school of a million members costs tens of megabytes, not gigabytes.
 *
 * <p>Layout: departments are numbered in depth-first preorder (WeCom id = preorder index + 1), so
 * every subtree is a contiguous id range; students are numbered class by class, so every subtree
 * holds a contiguous student range (electives stay inside their grade).
 *
 * <p>Changes ({@link #change()}) break that layout, so once one is applied every accessor answers
 * from a {@link SchoolView} instead; indices stay what they were, and new departments and people
 * take the next ones. A school never changed pays one null check per access.
 */
public final class SchoolOrg {

    /** WeCom department types. */
    public static final int TYPE_CLASS = 1;
    public static final int TYPE_GRADE = 2;
    public static final int TYPE_STAGE = 3;
    public static final int TYPE_CAMPUS = 4;
    public static final int TYPE_SCHOOL = 5;

    /** WeCom admin types. */
    public static final int ADMIN_CAMPUS_HEAD = 1;
    public static final int ADMIN_GRADE_HEAD = 2;
    public static final int ADMIN_CLASS_HEAD = 3;
    public static final int ADMIN_SUBJECT_TEACHER = 4;
    public static final int ADMIN_STAGE_HEAD = 5;

    static final String[] RELATIONS = {"爸爸", "妈妈", "爷爷", "奶奶", "外公", "外婆", "监护人"};
    private static final int GUARDIAN = 6;
    private static final String[] SUBJECTS = {"语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "道德与法治",
            "音乐", "体育", "美术", "信息技术"};
    private static final String[] CAMPUS_NAMES = {"东校区", "西校区", "南校区", "北校区", "中心校区"};
    private static final String[] STAGE_NAMES = {"小学部", "初中部", "高中部"};
    private static final String[] GRADE_PREFIX = {"", "初", "高"};
    private static final int BASE_YEAR = 2025;

    /** A teacher named on a department ({@code department_admins}). */
    public record Admin(String userId, String wuhanUserId, int type, String subject) {
    }

    /**
     * A department as WeCom school lists it; {@code order}, the grade fields and the class fields
     * are null where WeCom omits them. {@code wuhanParentId} is null for the root.
     */
    public record Department(int id, int parentId, String wuhanId, String wuhanParentId, String name, int type,
                             Integer order, List<Admin> admins, Integer registerYear, Integer standardGrade,
                             Integer isGraduated, Integer openGroupChat, String groupChatId) {

        /** Wuhan org_type: 2 school, 3 campus, 5 stage, 6 grade, 7 class. */
        public int wuhanOrgType() {
            return switch (type) {
                case TYPE_SCHOOL -> 2;
                case TYPE_CAMPUS -> 3;
                case TYPE_STAGE -> 5;
                case TYPE_GRADE -> 6;
                default -> 7;
            };
        }

        public boolean isRoot() {
            return parentId == 0;
        }
    }

    /** One parent as listed on a student; {@code mobile} and {@code externalUserId} may be null. */
    public record StudentParent(String parentId, String wuhanParentId, String relation, String mobile,
                                int isSubscribe, String externalUserId, String wuhanFamilyName) {
    }

    /** {@code classIds} lists the home class first, then the elective class if any. */
    public record Student(String id, String wuhanId, String name, List<Integer> classIds, List<String> wuhanClassIds,
                         List<StudentParent> parents, int studentType) {
    }

    public record Child(String studentId, String wuhanStudentId, String name, String relation) {
    }

    /**
     * A parent with every child. {@code name} is what Wuhan reports (WeCom school gives parents no
     * name); {@code mobile} is null for a few.
     */
    public record Parent(String id, String wuhanId, String name, String mobile, int isSubscribe, String externalUserId,
                         List<Child> children) {
    }

    /** A teacher; {@code departmentIds} are the departments that list them as admin, in tree order. */
    public record Teacher(String id, String wuhanId, String name, List<Integer> departmentIds,
                          List<String> wuhanOrgIds) {
    }

    private final long seed;
    private final SchoolShape shape;
    private final String name;
    private final String rootWuhanId;

    private final List<Department> departments;
    private final int[] subtreeEnd;
    private final int[][] children;
    private final int[] regularOrdinal;
    private final int[] regularFrom;
    private final int[] regularTo;
    private final int[] gradeOfDept;
    private final int[] electiveDept;
    private final int[][] electiveMembers;
    private final int[][] deptTeachers;

    private final BitSet elective;
    private final int[] parent1;
    private final int[] parent2;
    private final byte[] relation1;
    private final byte[] relation2;
    private final int parentCount;
    private final BitSet parentWithoutMobile;
    private final BitSet parentUnsubscribed;
    private final int[] childStart;
    private final int[] childList;

    private final List<Teacher> teachers;
    private final Map<Integer, String> awkwardStudents;
    private final Map<Integer, String> awkwardParents;

    /** The school as changed, or null while it is as generated: every accessor below asks it first. */
    private volatile SchoolView edited;
    private final boolean frozen;
    private int versions;

    private SchoolOrg(Builder b) {
        this.seed = b.seed;
        this.shape = b.shape;
        this.name = b.schoolName;
        this.rootWuhanId = b.rootWuhanId;
        this.departments = Collections.unmodifiableList(b.departments);
        this.subtreeEnd = b.subtreeEnd;
        this.children = b.children;
        this.regularOrdinal = b.regularOrdinal;
        this.regularFrom = b.regularFrom;
        this.regularTo = b.regularTo;
        this.gradeOfDept = b.gradeOfDept;
        this.electiveDept = b.electiveDept;
        this.electiveMembers = b.electiveMembers;
        this.deptTeachers = b.deptTeachers;
        this.elective = b.elective;
        this.parent1 = b.parent1;
        this.parent2 = b.parent2;
        this.relation1 = b.relation1;
        this.relation2 = b.relation2;
        this.parentCount = b.parentCount;
        this.parentWithoutMobile = b.parentWithoutMobile;
        this.parentUnsubscribed = b.parentUnsubscribed;
        this.childStart = b.childStart;
        this.childList = b.childList;
        this.teachers = Collections.unmodifiableList(b.teachers);
        this.awkwardStudents = b.awkwardStudents;
        this.awkwardParents = b.awkwardParents;
        this.frozen = false;
    }

    /** The same generated school, as {@code view} has it (null: as generated), never to change. */
    private SchoolOrg(SchoolOrg from, SchoolView view) {
        this.seed = from.seed;
        this.shape = from.shape;
        this.name = from.name;
        this.rootWuhanId = from.rootWuhanId;
        this.departments = from.departments;
        this.subtreeEnd = from.subtreeEnd;
        this.children = from.children;
        this.regularOrdinal = from.regularOrdinal;
        this.regularFrom = from.regularFrom;
        this.regularTo = from.regularTo;
        this.gradeOfDept = from.gradeOfDept;
        this.electiveDept = from.electiveDept;
        this.electiveMembers = from.electiveMembers;
        this.deptTeachers = from.deptTeachers;
        this.elective = from.elective;
        this.parent1 = from.parent1;
        this.parent2 = from.parent2;
        this.relation1 = from.relation1;
        this.relation2 = from.relation2;
        this.parentCount = from.parentCount;
        this.parentWithoutMobile = from.parentWithoutMobile;
        this.parentUnsubscribed = from.parentUnsubscribed;
        this.childStart = from.childStart;
        this.childList = from.childList;
        this.teachers = from.teachers;
        this.awkwardStudents = from.awkwardStudents;
        this.awkwardParents = from.awkwardParents;
        this.edited = view;
        this.frozen = true;
    }

    /** Generates the school; {@code rootWuhanId} null means derive it from the seed. */
    static SchoolOrg generate(SchoolShape shape, long seed, String rootWuhanId) {
        return new Builder(shape, seed, rootWuhanId).build();
    }

    // ---------------------------------------------------------------- public ground truth

    public String name() {
        return name;
    }

    public long seed() {
        return seed;
    }

    public SchoolShape shape() {
        return shape;
    }

    /** The school's Wuhan org id, which is also the credentials' top org id. */
    public String wuhanTopOrgId() {
        return rootWuhanId;
    }

    public Department root() {
        return dept(0);
    }

    /** Every department, in tree preorder (root first); deleted ones are left out. */
    public List<Department> departments() {
        SchoolView v = edited;
        return v == null ? departments : v.liveDepartments;
    }

    /** The department with this WeCom id, or null (also once deleted). */
    public Department department(int id) {
        return hasDept(id - 1) ? dept(id - 1) : null;
    }

    public Optional<Department> departmentByWuhanId(String wuhanId) {
        int idx = deptIndexByWuhanId(wuhanId);
        return idx < 0 ? Optional.empty() : Optional.of(dept(idx));
    }

    /** WeCom department id for a Wuhan org id, or -1. */
    public int wecomDepartmentId(String wuhanId) {
        int idx = deptIndexByWuhanId(wuhanId);
        return idx < 0 ? -1 : idx + 1;
    }

    /** Students now, deleted ones left out; likewise parents and teachers. */
    public int studentCount() {
        SchoolView v = edited;
        return v == null ? parent1.length : v.liveStudents.length;
    }

    /** Parents with a child at school: one whose children all left is gone too. */
    public int parentCount() {
        SchoolView v = edited;
        return v == null ? parentCount : v.liveParents.length;
    }

    public int teacherCount() {
        SchoolView v = edited;
        return v == null ? teachers.size() : v.liveTeachers.length;
    }

    /** Students, parents and teachers. */
    public long memberCount() {
        return (long) studentCount() + parentCount + teachers.size();
    }

    /** Every student, built on access. */
    public List<Student> students() {
        SchoolView v = edited;
        int[] live = v == null ? null : v.liveStudents;
        int size = live == null ? parent1.length : live.length;
        return new AbstractList<>() {
            @Override
            public Student get(int index) {
                Objects.checkIndex(index, size);
                return student(live == null ? index : live[index]);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** Every parent with all children, built on access. */
    public List<Parent> parents() {
        SchoolView v = edited;
        int[] live = v == null ? null : v.liveParents;
        int size = live == null ? parentCount : live.length;
        return new AbstractList<>() {
            @Override
            public Parent get(int index) {
                Objects.checkIndex(index, size);
                return parent(live == null ? index : live[index]);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    public List<Teacher> teachers() {
        SchoolView v = edited;
        return v == null ? teachers : v.liveTeacherList;
    }

    /** The student with this WeCom student_userid, or null (also once deleted). */
    public Student student(String wecomId) {
        int s = indexOf(wecomId, 's', studentTotal());
        return s < 0 || !isLiveStudent(s) ? null : student(s);
    }

    /** The parent with this WeCom parent_userid, or null (also once deleted or without a child). */
    public Parent parent(String wecomId) {
        int p = indexOf(wecomId, 'p', parentTotal());
        return p < 0 || !isLiveParent(p) ? null : parent(p);
    }

    /** The teacher with this WeCom userid (as on department_admins), or null (also once deleted). */
    public Teacher teacher(String wecomId) {
        int t = indexOf(wecomId, 't', teacherTotal());
        return t < 0 || !isLiveTeacher(t) ? null : teacherAt(t);
    }

    public Optional<Student> studentByWuhanId(String wuhanId) {
        int s = studentIndexByWuhanId(wuhanId);
        return s < 0 ? Optional.empty() : Optional.of(student(s));
    }

    public Optional<Parent> parentByWuhanId(String wuhanId) {
        int p = parentIndexByWuhanId(wuhanId);
        return p < 0 ? Optional.empty() : Optional.of(parent(p));
    }

    public Optional<Teacher> teacherByWuhanId(String wuhanId) {
        int t = teacherIndexByWuhanId(wuhanId);
        return t < 0 ? Optional.empty() : Optional.of(teacherAt(t));
    }

    /**
     * A batch of changes to this school, served by WeCom school and Wuhan alike once applied.
     * Apply between sync runs: a run reading while a change lands may see some answers before it
     * and some after, as it would at a real vendor.
     */
    public SchoolChanges change() {
        if (frozen) {
            throw new IllegalStateException("a snapshot of the school cannot be changed; change the simulator's");
        }
        SchoolView v = edited;
        return new SchoolChanges(this, v == null ? new SchoolEdits() : v.edits.copy());
    }

    /** This school now, unaffected by later changes. */
    SchoolOrg frozen() {
        return new SchoolOrg(this, edited);
    }

    /** The school as generated, whatever was changed since. */
    SchoolOrg generated() {
        return new SchoolOrg(this, null);
    }

    /** Serves the generated school with {@code edits} applied; checked before anything is swapped. */
    synchronized void publish(SchoolEdits edits) {
        edited = new SchoolView(generated(), edits, ++versions);
    }

    /** 0 while as generated; another number after every applied batch. */
    int version() {
        SchoolView v = edited;
        return v == null ? 0 : v.version;
    }

    boolean changed() {
        return edited != null;
    }

    private static int indexOf(String id, char prefix, int count) {
        if (id == null || id.length() < 2 || id.charAt(0) != prefix) {
            return -1;
        }
        try {
            int n = Integer.parseInt(id.substring(1)) - 1;
            return n >= 0 && n < count && id.equals(prefix + Integer.toString(n + 1)) ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ---------------------------------------------------------------- compact accessors for the vendor APIs

    /** Departments ever, deleted ones included: indices run over [0, this). */
    int departmentTotal() {
        SchoolView v = edited;
        return v == null ? departments.size() : v.departmentTotal;
    }

    int studentTotal() {
        SchoolView v = edited;
        return v == null ? parent1.length : v.studentTotal;
    }

    int parentTotal() {
        SchoolView v = edited;
        return v == null ? parentCount : v.parentTotal;
    }

    int teacherTotal() {
        SchoolView v = edited;
        return v == null ? teachers.size() : v.teacherTotal;
    }

    boolean hasDept(int idx) {
        SchoolView v = edited;
        return v == null ? idx >= 0 && idx < departments.size() : v.isLiveDepartment(idx);
    }

    /** The department record at this index, as changed. */
    Department dept(int idx) {
        SchoolView v = edited;
        return v == null ? departments.get(idx) : v.departments[idx];
    }

    boolean isLiveStudent(int s) {
        SchoolView v = edited;
        return v == null ? s >= 0 && s < parent1.length : s >= 0 && s < v.studentTotal && v.studentClasses[s] != null;
    }

    boolean isLiveParent(int p) {
        SchoolView v = edited;
        return v == null ? p >= 0 && p < parentCount : p >= 0 && v.parentLive.get(p);
    }

    boolean isLiveTeacher(int t) {
        SchoolView v = edited;
        return v == null ? t >= 0 && t < teachers.size() : t >= 0 && t < v.teacherTotal && !v.edits.deletedTeachers.get(t);
    }

    /** The teacher record at this index, as changed. */
    Teacher teacherAt(int t) {
        SchoolView v = edited;
        return v == null ? teachers.get(t) : v.teachers[t];
    }

    /** Index of a teacher id ("t12"), whether or not such a teacher exists. */
    static int teacherIndex(String userId) {
        return Integer.parseInt(userId.substring(1)) - 1;
    }

    int deptIndexByWuhanId(String wuhanId) {
        if (wuhanId == null) {
            return -1;
        }
        if (wuhanId.equals(rootWuhanId)) {
            return 0;
        }
        long idx = Mix.decodeHex32(seed, Mix.SCHOOL_ORG, wuhanId);
        return idx >= 1 && idx < departmentTotal() && hasDept((int) idx) ? (int) idx : -1;
    }

    String deptWuhanId(int idx) {
        return idx == 0 ? rootWuhanId : Mix.hex32(seed, Mix.SCHOOL_ORG, idx);
    }

    /** A live department and its descendants, in preorder. */
    int[] subtreeDepts(int idx) {
        SchoolView v = edited;
        if (v != null) {
            return v.preorder(idx);
        }
        int[] out = new int[subtreeEnd[idx] - idx];
        for (int i = 0; i < out.length; i++) {
            out[i] = idx + i;
        }
        return out;
    }

    int[] childrenOf(int idx) {
        SchoolView v = edited;
        return v == null ? children[idx] : v.children[idx];
    }

    int[] teachersOfDept(int idx) {
        SchoolView v = edited;
        return v == null ? deptTeachers[idx] : v.deptTeachers[idx];
    }

    /** Students whose class list contains this department (only classes have any). */
    int[] studentsOfDept(int idx) {
        SchoolView v = edited;
        if (v != null) {
            return v.studentsOfDept[idx];
        }
        int r = regularOrdinal[idx];
        int n = shape.studentsPerClass();
        if (r >= 0) {
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = r * n + i;
            }
            return out;
        }
        int grade = gradeOfDept[idx];
        if (grade >= 0 && electiveDept[grade] == idx) {
            return electiveMembers[grade];
        }
        return new int[0];
    }

    /** Students in any class of the subtree, in student order. */
    int[] subtreeStudents(int idx) {
        SchoolView v = edited;
        if (v != null) {
            return v.subtreeStudents(idx);
        }
        if (departments.get(idx).type() == TYPE_CLASS) {
            // an elective class lies outside the contiguous range of its grade's regular classes
            return studentsOfDept(idx);
        }
        int from = subtreeStudentFrom(idx);
        int[] out = new int[subtreeStudentTo(idx) - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }

    /** Live students, or null while the school is as generated (all of [0, studentCount)). */
    int[] liveStudentList() {
        SchoolView v = edited;
        return v == null ? null : v.liveStudents;
    }

    /** Live parents, or null while the school is as generated (all of [0, parentCount)). */
    int[] liveParentList() {
        SchoolView v = edited;
        return v == null ? null : v.liveParents;
    }

    /** Live teachers, or null while the school is as generated (all of [0, teacherCount)). */
    int[] liveTeacherList() {
        SchoolView v = edited;
        return v == null ? null : v.liveTeachers;
    }

    /** First student of the subtree's contiguous student range; only while the school is as generated. */
    int subtreeStudentFrom(int idx) {
        return regularFrom[idx] * shape.studentsPerClass();
    }

    /** Exclusive end of the subtree's student range (equal to from when it holds no class). */
    int subtreeStudentTo(int idx) {
        return regularTo[idx] * shape.studentsPerClass();
    }

    String studentId(int s) {
        return "s" + (s + 1);
    }

    String studentWuhanId(int s) {
        return Mix.hex32(seed, Mix.STUDENT, s);
    }

    int studentIndexByWuhanId(String id) {
        long s = Mix.decodeHex32(seed, Mix.STUDENT, id);
        return s >= 0 && s < studentTotal() && isLiveStudent((int) s) ? (int) s : -1;
    }

    String studentName(int s) {
        SchoolView v = edited;
        if (v != null) {
            String changed = v.edits.studentNames.get(s);
            if (changed != null) {
                return changed;
            }
        }
        String awkward = awkwardStudents.get(s);
        return awkward != null ? awkward : Names.person(seed, Mix.STUDENT, s);
    }

    /** Department indices of the student's classes, home class first. */
    int[] studentClassDepts(int s) {
        SchoolView v = edited;
        if (v != null) {
            return v.studentClasses[s];
        }
        int r = s / shape.studentsPerClass();
        int home = regularClassDept(r);
        if (elective.get(s)) {
            return new int[]{home, electiveDept[r / shape.classesPerGrade()]};
        }
        return new int[]{home};
    }

    private int regularClassDept(int r) {
        // preorder: within a grade the regular classes follow the grade node, then the elective
        int grade = r / shape.classesPerGrade();
        int k = r % shape.classesPerGrade();
        return electiveDept[grade] - shape.classesPerGrade() + k;
    }

    int studentType(int s) {
        return 1 + Mix.pick(seed, 56, s, 2);
    }

    int studentParentCount(int s) {
        SchoolView v = edited;
        if (v != null) {
            return v.studentParents[s].length;
        }
        return parent2[s] >= 0 ? 2 : 1;
    }

    int studentParent(int s, int slot) {
        SchoolView v = edited;
        if (v != null) {
            return v.studentParents[s][slot];
        }
        return slot == 0 ? parent1[s] : parent2[s];
    }

    String studentRelation(int s, int slot) {
        SchoolView v = edited;
        if (v != null) {
            return v.studentRelations[s][slot];
        }
        return RELATIONS[slot == 0 ? relation1[s] : relation2[s]];
    }

    /** Wuhan's family title: "张三的妈妈", or the bare relation for a guardian ("监护人"). */
    String familyName(int s, int slot) {
        String rel = studentRelation(s, slot);
        return rel.equals(RELATIONS[GUARDIAN]) ? rel : studentName(s) + "的" + rel;
    }

    String parentId(int p) {
        return "p" + (p + 1);
    }

    String parentWuhanId(int p) {
        return Mix.hex32(seed, Mix.PARENT, p);
    }

    String parentName(int p) {
        SchoolView v = edited;
        if (v != null) {
            String changed = v.edits.parentNames.get(p);
            if (changed != null) {
                return changed;
            }
        }
        String awkward = awkwardParents.get(p);
        return awkward != null ? awkward : Names.person(seed, Mix.PARENT, p);
    }

    String parentMobile(int p) {
        if (parentWithoutMobile.get(p)) {
            return null;
        }
        return "15" + Mix.pad((p * 7919L + (seed & 0xFFFFFF)) % 1_000_000_000L, 9);
    }

    int parentSubscribed(int p) {
        return parentUnsubscribed.get(p) ? 0 : 1;
    }

    String parentExternalUserId(int p) {
        if (parentUnsubscribed.get(p)) {
            return null;
        }
        return "wm" + Mix.hex16(Mix.hash(seed, 57, p)) + Mix.hex16(Mix.hash(seed, 58, p)).substring(0, 14);
    }

    int[] childrenOfParent(int p) {
        SchoolView v = edited;
        if (v != null) {
            return v.parentChildren[p].clone();
        }
        int from = childStart[p];
        int to = childStart[p + 1];
        int[] out = new int[to - from];
        System.arraycopy(childList, from, out, 0, out.length);
        return out;
    }

    /** Relation of parent {@code p} to student {@code s}. */
    String relationOf(int p, int s) {
        SchoolView v = edited;
        if (v != null) {
            return v.relationOf(p, s);
        }
        return studentRelation(s, parent1[s] == p ? 0 : 1);
    }

    String teacherStaffId(int t) {
        return "JG" + Mix.pad(t + 1, 7);
    }

    int teacherIndexByWuhanId(String id) {
        long t = Mix.decodeHex32(seed, Mix.TEACHER, id);
        return t >= 0 && t < teacherTotal() && isLiveTeacher((int) t) ? (int) t : -1;
    }

    int parentIndexByWuhanId(String id) {
        long p = Mix.decodeHex32(seed, Mix.PARENT, id);
        return p >= 0 && p < parentTotal() && isLiveParent((int) p) ? (int) p : -1;
    }

    Student student(int s) {
        int[] classes = studentClassDepts(s);
        List<Integer> ids = new ArrayList<>(classes.length);
        List<String> wuhanIds = new ArrayList<>(classes.length);
        for (int c : classes) {
            ids.add(c + 1);
            wuhanIds.add(deptWuhanId(c));
        }
        int count = studentParentCount(s);
        List<StudentParent> parents = new ArrayList<>(count);
        for (int slot = 0; slot < count; slot++) {
            int p = studentParent(s, slot);
            parents.add(new StudentParent(parentId(p), parentWuhanId(p), studentRelation(s, slot), parentMobile(p),
                    parentSubscribed(p), parentExternalUserId(p), familyName(s, slot)));
        }
        return new Student(studentId(s), studentWuhanId(s), studentName(s), List.copyOf(ids), List.copyOf(wuhanIds),
                List.copyOf(parents), studentType(s));
    }

    Parent parent(int p) {
        int[] kids = childrenOfParent(p);
        List<Child> out = new ArrayList<>(kids.length);
        for (int s : kids) {
            out.add(new Child(studentId(s), studentWuhanId(s), studentName(s), relationOf(p, s)));
        }
        return new Parent(parentId(p), parentWuhanId(p), parentName(p), parentMobile(p), parentSubscribed(p),
                parentExternalUserId(p), List.copyOf(out));
    }

    // ---------------------------------------------------------------- generation

    private static final class Builder {
        final SchoolShape shape;
        final long seed;
        final String schoolName = "晨光实验学校";
        final String rootWuhanId;

        final List<Department> departments = new ArrayList<>();
        int[] parentIdx;
        int[] subtreeEnd;
        int[][] children;
        int[] regularOrdinal;
        int[] regularFrom;
        int[] regularTo;
        int[] gradeOfDept;
        int[] electiveDept;
        int[][] electiveMembers;
        int[][] deptTeachers;
        BitSet elective;
        int[] parent1;
        int[] parent2;
        byte[] relation1;
        byte[] relation2;
        int parentCount;
        BitSet parentWithoutMobile = new BitSet();
        BitSet parentUnsubscribed = new BitSet();
        int[] childStart;
        int[] childList;
        final List<Teacher> teachers = new ArrayList<>();
        Map<Integer, String> awkwardStudents;
        Map<Integer, String> awkwardParents;

        // scratch while building the tree
        final List<Integer> parents = new ArrayList<>();
        final List<List<Admin>> admins = new ArrayList<>();
        final List<List<Integer>> teacherDepts = new ArrayList<>();
        final List<String> teacherNames = new ArrayList<>();
        Map<Integer, String> awkwardTeachers;
        Map<Integer, String> awkwardClassNames;

        Builder(SchoolShape shape, long seed, String rootWuhanId) {
            this.shape = shape;
            this.seed = seed;
            this.rootWuhanId = rootWuhanId != null ? rootWuhanId : Mix.hex32(seed, Mix.SCHOOL_ORG, 0);
        }

        SchoolOrg build() {
            int grades = shape.grades();
            int teachersEstimate = shape.campuses() * (1 + shape.stagesPerCampus()) + grades * 3
                    + shape.regularClasses();
            awkwardTeachers = Names.awkward(seed, Mix.TEACHER, teachersEstimate);
            awkwardClassNames = new HashMap<>();
            awkwardClassNames.put(Mix.pick(seed, 70, 0, shape.regularClasses()), "\"实验\"班");
            awkwardClassNames.putIfAbsent(Mix.pick(seed, 70, 1, shape.regularClasses()), "创新班, 竞赛方向");
            buildTree();
            buildStudents();
            buildParents();
            return new SchoolOrg(this);
        }

        private int newTeacher() {
            int t = teacherNames.size();
            String awkward = awkwardTeachers.get(t);
            teacherNames.add(awkward != null ? awkward : Names.person(seed, Mix.TEACHER, t));
            teacherDepts.add(new ArrayList<>());
            return t;
        }

        private Admin admin(int teacher, int type, String subject, int deptIdx) {
            teacherDepts.get(teacher).add(deptIdx);
            return new Admin("t" + (teacher + 1), Mix.hex32(seed, Mix.TEACHER, teacher), type, subject);
        }

        private int addDept(int parent, String deptName, int type, Integer order, Integer registerYear,
                            Integer standardGrade, Integer isGraduated, Integer openGroupChat, String groupChatId) {
            int idx = departments.size();
            String wuhanId = idx == 0 ? rootWuhanId : Mix.hex32(seed, Mix.SCHOOL_ORG, idx);
            String wuhanParent = parent < 0 ? null : (parent == 0 ? rootWuhanId : Mix.hex32(seed, Mix.SCHOOL_ORG, parent));
            // admins are filled in after the node exists; the record is rebuilt in finishTree
            departments.add(new Department(idx + 1, parent + 1, wuhanId, wuhanParent, deptName, type, order, List.of(),
                    registerYear, standardGrade, isGraduated, openGroupChat, groupChatId));
            parents.add(parent);
            admins.add(new ArrayList<>());
            return idx;
        }

        private void buildTree() {
            int grades = shape.grades();
            electiveDept = new int[grades];
            List<Integer> regular = new ArrayList<>();
            List<Integer> gradeOf = new ArrayList<>();
            int root = addDept(-1, schoolName, TYPE_SCHOOL, null, null, null, null, null, null);
            gradeOf.add(-1);
            int gradeOrdinal = 0;
            int regularCount = 0;
            for (int c = 0; c < shape.campuses(); c++) {
                String campusName = c < CAMPUS_NAMES.length ? CAMPUS_NAMES[c] : "第" + Names.chineseNumber(c + 1) + "校区";
                int campus = addDept(root, campusName, TYPE_CAMPUS, null, null, null, null, null, null);
                gradeOf.add(-1);
                admins.get(campus).add(admin(newTeacher(), ADMIN_CAMPUS_HEAD, null, campus));
                for (int s = 0; s < shape.stagesPerCampus(); s++) {
                    String stageName = s < STAGE_NAMES.length ? STAGE_NAMES[s] : "第" + Names.chineseNumber(s + 1) + "学段";
                    int stage = addDept(campus, stageName, TYPE_STAGE, null, null, null, null, null, null);
                    gradeOf.add(-1);
                    admins.get(stage).add(admin(newTeacher(), ADMIN_STAGE_HEAD, null, stage));
                    for (int g = 0; g < shape.gradesPerStage(); g++) {
                        String prefix = s < GRADE_PREFIX.length ? GRADE_PREFIX[s] : stageName;
                        String gradeName = prefix + Names.chineseNumber(g + 1) + "年级";
                        int grade = addDept(stage, gradeName, TYPE_GRADE, g + 1, BASE_YEAR - g, (s + 1) * 10 + g + 1,
                                0, null, null);
                        gradeOf.add(gradeOrdinal);
                        admins.get(grade).add(admin(newTeacher(), ADMIN_GRADE_HEAD, null, grade));
                        String subjectA = SUBJECTS[(3 + gradeOrdinal) % SUBJECTS.length];
                        String subjectB = SUBJECTS[(4 + gradeOrdinal * 2) % SUBJECTS.length];
                        int teacherA = newTeacher();
                        int teacherB = newTeacher();
                        List<Integer> gradeClasses = new ArrayList<>();
                        for (int k = 0; k < shape.classesPerGrade(); k++) {
                            String awkward = awkwardClassNames.get(regularCount);
                            String className = gradeName + (awkward != null ? awkward : (k + 1) + "班");
                            Integer order = Mix.pick(seed, 71, regularCount, 4) == 0 ? null : k + 1;
                            boolean chat = Mix.pick(seed, 72, regularCount, 5) != 0;
                            int cls = addDept(grade, className, TYPE_CLASS, order, null, null, null, chat ? 1 : 0,
                                    chat ? "wr" + Mix.hex16(Mix.hash(seed, 73, regularCount)) : null);
                            gradeOf.add(gradeOrdinal);
                            regular.add(cls);
                            regularCount++;
                            admins.get(cls).add(admin(newTeacher(), ADMIN_CLASS_HEAD, SUBJECTS[k % 3], cls));
                            gradeClasses.add(cls);
                        }
                        int electiveClass = addDept(grade, gradeName + "选修班", TYPE_CLASS, null, null, null, null, 0,
                                null);
                        gradeOf.add(gradeOrdinal);
                        gradeClasses.add(electiveClass);
                        electiveDept[gradeOrdinal] = electiveClass;
                        for (int cls : gradeClasses) {
                            admins.get(cls).add(admin(teacherA, ADMIN_SUBJECT_TEACHER, subjectA, cls));
                            admins.get(cls).add(admin(teacherB, ADMIN_SUBJECT_TEACHER, subjectB, cls));
                        }
                        gradeOrdinal++;
                    }
                }
            }
            finishTree(regular, gradeOf);
        }

        private void finishTree(List<Integer> regular, List<Integer> gradeOf) {
            int n = departments.size();
            parentIdx = new int[n];
            subtreeEnd = new int[n];
            regularOrdinal = new int[n];
            regularFrom = new int[n];
            regularTo = new int[n];
            gradeOfDept = new int[n];
            deptTeachers = new int[n][];
            int[] childCount = new int[n];
            java.util.Arrays.fill(regularOrdinal, -1);
            java.util.Arrays.fill(regularFrom, Integer.MAX_VALUE);
            for (int i = 0; i < n; i++) {
                parentIdx[i] = parents.get(i);
                gradeOfDept[i] = gradeOf.get(i);
                if (parentIdx[i] >= 0) {
                    childCount[parentIdx[i]]++;
                }
            }
            children = new int[n][];
            for (int i = 0; i < n; i++) {
                children[i] = new int[childCount[i]];
                childCount[i] = 0;
            }
            for (int i = 1; i < n; i++) {
                int p = parentIdx[i];
                children[p][childCount[p]++] = i;
            }
            // preorder numbering: a node's subtree ends where the next node at its depth or above starts
            for (int i = n - 1; i >= 0; i--) {
                int end = i + 1;
                for (int c : children[i]) {
                    end = Math.max(end, subtreeEnd[c]);
                }
                subtreeEnd[i] = end;
            }
            for (int r = 0; r < regular.size(); r++) {
                int cls = regular.get(r);
                regularOrdinal[cls] = r;
                for (int x = cls; x >= 0; x = parentIdx[x]) {
                    regularFrom[x] = Math.min(regularFrom[x], r);
                    regularTo[x] = Math.max(regularTo[x], r + 1);
                }
            }
            for (int i = 0; i < n; i++) {
                if (regularFrom[i] == Integer.MAX_VALUE) {
                    regularFrom[i] = 0;
                    regularTo[i] = 0;
                }
                List<Admin> list = admins.get(i);
                int[] ts = new int[list.size()];
                for (int j = 0; j < ts.length; j++) {
                    ts[j] = Integer.parseInt(list.get(j).userId().substring(1)) - 1;
                }
                deptTeachers[i] = ts;
                Department d = departments.get(i);
                departments.set(i, new Department(d.id(), d.parentId(), d.wuhanId(), d.wuhanParentId(), d.name(),
                        d.type(), d.order(), List.copyOf(list), d.registerYear(), d.standardGrade(), d.isGraduated(),
                        d.openGroupChat(), d.groupChatId()));
            }
            for (int t = 0; t < teacherNames.size(); t++) {
                List<Integer> depts = teacherDepts.get(t);
                depts.sort(null);
                List<Integer> ids = new ArrayList<>(depts.size());
                List<String> wuhanIds = new ArrayList<>(depts.size());
                for (int d : depts) {
                    ids.add(d + 1);
                    wuhanIds.add(departments.get(d).wuhanId());
                }
                teachers.add(new Teacher("t" + (t + 1), Mix.hex32(seed, Mix.TEACHER, t), teacherNames.get(t),
                        List.copyOf(ids), List.copyOf(wuhanIds)));
            }
        }

        private void buildStudents() {
            int students = shape.students();
            int perClass = shape.studentsPerClass();
            int perGrade = perClass * shape.classesPerGrade();
            elective = new BitSet(students);
            awkwardStudents = Names.awkward(seed, Mix.STUDENT, students);
            int[] electiveCount = new int[shape.grades()];
            for (int s = 0; s < students; s++) {
                // student 1 always takes an elective, so even the smallest school has a two-class student
                if (s == 1 || Mix.pick(seed, 50, s, 12) == 0) {
                    elective.set(s);
                    electiveCount[s / perGrade]++;
                }
            }
            electiveMembers = new int[shape.grades()][];
            for (int g = 0; g < electiveMembers.length; g++) {
                electiveMembers[g] = new int[electiveCount[g]];
                electiveCount[g] = 0;
            }
            for (int s = elective.nextSetBit(0); s >= 0; s = elective.nextSetBit(s + 1)) {
                int g = s / perGrade;
                electiveMembers[g][electiveCount[g]++] = s;
            }
        }

        private void buildParents() {
            int students = shape.students();
            int perClass = shape.studentsPerClass();
            parent1 = new int[students];
            parent2 = new int[students];
            relation1 = new byte[students];
            relation2 = new byte[students];
            int next = 0;
            for (int s = 0; s < students; s++) {
                // a sibling shares both parents with the student at the same seat one class earlier;
                // the first student of the second class always does, so every school has siblings
                boolean sibling = s >= perClass && (s == perClass || Mix.pick(seed, 51, s, 20) == 0);
                if (sibling) {
                    int elder = s - perClass;
                    parent1[s] = parent1[elder];
                    parent2[s] = parent2[elder];
                    relation1[s] = relation1[elder];
                    relation2[s] = relation2[elder];
                    continue;
                }
                int r = Mix.pick(seed, 52, s, 100);
                int rel = r < 45 ? 0 : r < 80 ? 1 : r < 86 ? 2 : r < 91 ? 3 : r < 95 ? 4 : r < 98 ? 5 : GUARDIAN;
                parent1[s] = next++;
                relation1[s] = (byte) rel;
                if (rel != GUARDIAN && Mix.pick(seed, 53, s, 10) < 7) {
                    parent2[s] = next++;
                    relation2[s] = (byte) (rel ^ 1);
                } else {
                    parent2[s] = -1;
                }
            }
            parentCount = next;
            awkwardParents = Names.awkward(seed, Mix.PARENT, parentCount);
            for (int p = 0; p < parentCount; p++) {
                // parent p1 never has a mobile, so even the smallest school has one without
                if (p == 1 || Mix.pick(seed, 54, p, 30) == 0) {
                    parentWithoutMobile.set(p);
                }
                if (Mix.pick(seed, 55, p, 5) == 0) {
                    parentUnsubscribed.set(p);
                }
            }
            childStart = new int[parentCount + 1];
            for (int s = 0; s < students; s++) {
                childStart[parent1[s] + 1]++;
                if (parent2[s] >= 0) {
                    childStart[parent2[s] + 1]++;
                }
            }
            for (int p = 0; p < parentCount; p++) {
                childStart[p + 1] += childStart[p];
            }
            childList = new int[childStart[parentCount]];
            int[] fill = new int[parentCount];
            for (int s = 0; s < students; s++) {
                int a = parent1[s];
                childList[childStart[a] + fill[a]++] = s;
                int b = parent2[s];
                if (b >= 0) {
                    childList[childStart[b] + fill[b]++] = s;
                }
            }
        }
    }
}
