package io.orgsync.source.wecomschool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Member;
import io.orgsync.run.DepartmentTree;
import io.orgsync.run.OneAnswer;
import io.orgsync.run.RunContext;
import io.orgsync.run.RunFailedException;
import io.orgsync.source.InSplitOrder;
import io.orgsync.source.wecomschool.WecomSchoolWire.SchoolDepartment;
import io.orgsync.source.wecomschool.WecomSchoolWire.Student;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import java.util.List;

/**
 * Puts WeCom school answers, mapped by {@link WecomSchoolMapper}, in the run's snapshot. Parents
 * come embedded in each student, so they need no call of their own; a parent of two children, or
 * a student in two classes, is merged into one record by the snapshot.
 */
public final class WecomSchoolNormaliser {

    public static final String SOURCE = WecomSchoolMapper.SOURCE;
    /** WeCom's school root is fixed at 1 and reports parentid 0. */
    static final String VENDOR_ROOT = "1";
    /** The class a {@code school/user/list} call asked for, set by the route before the call. */
    public static final String CLASS_PROPERTY = "wecomSchoolClassId";

    private final String rootDepartmentId;
    /** {@code orgsync.wecom-school.} or a named tenant's {@code orgsync.tenants.<name>.}. */
    private final String keys;

    public WecomSchoolNormaliser(String rootDepartmentId) {
        this(rootDepartmentId, "orgsync." + SOURCE + ".");
    }

    public WecomSchoolNormaliser(String rootDepartmentId, String keys) {
        this.rootDepartmentId = rootDepartmentId == null ? VENDOR_ROOT : rootDepartmentId;
        this.keys = keys;
    }

    /**
     * Records the tree and answers the ids of the classes, whose students are fetched next. The
     * tree is checked here, before any student call, so a cycle fails the run at once.
     */
    public List<String> departments(@Body JsonNode body, @ExchangeProperty(RunContext.PROPERTY) RunContext run) {
        // a root the app cannot see is answered like a vanished department: no list at all
        WecomSchoolWire.DepartmentList list = body == null || body.isMissingNode() ? null
                : read(body, WecomSchoolWire.DepartmentList.class);
        List<SchoolDepartment> departments = list == null ? null : list.departments();
        if (departments == null) {
            throw new RunFailedException(SOURCE + ": school/department/list "
                    + (list == null ? "was refused (see the warning above)" : "answered without a department list")
                    + "; nothing can be synced (check " + (VENDOR_ROOT.equals(rootDepartmentId) ? ""
                    : keys + "root-department-id and ") + "the app's visible range)");
        }
        // without a configured root, a list lacking root 1 is an app that sees part of the school: a forest
        // (DepartmentTree); a configured root the app cannot see is a setting to fix
        if (!VENDOR_ROOT.equals(rootDepartmentId)
                && departments.stream().noneMatch(d -> rootDepartmentId.equals(d.id()))) {
            throw new RunFailedException(SOURCE + ": the department list does not contain the root department "
                    + rootDepartmentId + " (check " + keys + "root-department-id and the app's visible range)");
        }
        run.setRootDepartmentId(rootDepartmentId);
        for (SchoolDepartment department : departments) {
            run.snapshot().addDepartment(WecomSchoolMapper.department(run.tenant(), department));
        }
        DepartmentTree.resolve(run.snapshot().departmentsById(), rootDepartmentId);
        return departments.stream()
                .filter(d -> d.type() != null && d.type() == 1)
                .map(SchoolDepartment::id)
                .toList();
    }

    /** One class's {@code school/user/list}: its students and their parents, in class order ({@link #inClassOrder}). */
    public void students(@Body JsonNode body, @ExchangeProperty(RunContext.PROPERTY) RunContext run,
                        @ExchangeProperty(CLASS_PROPERTY) String classId) {
        if (body == null || body.isMissingNode()) {
            // refused or vanished since the listing (the client named why): never evidence that the
            // class's students and parents left, so what was last published of them is carried forward
            run.unread().memberListing(classId);
            return;
        }
        List<Student> students = read(body, WecomSchoolWire.StudentList.class).students();
        if (students == null) {
            return;
        }
        OneAnswer answer = new OneAnswer(run, SOURCE + ": school/user/list of class " + classId);
        for (Student student : students) {
            answer.add(WecomSchoolMapper.student(run.tenant(), student));
            // a parent of two children in this class comes once per child, each time with another
            // relation: that is the vendor's shape, not a conflicting listing for OneAnswer to warn about
            for (Member parent : WecomSchoolMapper.parents(run.tenant(), student)) {
                run.snapshot().addMember(parent);
            }
        }
    }

    /**
     * The split's aggregation strategy, which maps each class's answer with {@link #students} in
     * class order, whatever order the answers arrive in.
     */
    public InSplitOrder inClassOrder() {
        return new InSplitOrder(answer -> students(answer.getMessage().getBody(JsonNode.class),
                answer.getProperty(RunContext.PROPERTY, RunContext.class),
                answer.getProperty(CLASS_PROPERTY, String.class)));
    }

    private static <T> T read(JsonNode body, Class<T> type) {
        try {
            return CanonicalJson.MAPPER.treeToValue(body, type);
        } catch (JsonProcessingException e) {
            throw new RunFailedException(SOURCE + ": unexpected answer shape for " + type.getSimpleName() + ": "
                    + e.getOriginalMessage());
        }
    }

}
