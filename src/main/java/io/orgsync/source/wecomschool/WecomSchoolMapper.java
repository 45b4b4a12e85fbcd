package io.orgsync.source.wecomschool;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.Department;
import io.orgsync.model.DepartmentType;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;
import io.orgsync.model.Role;
import io.orgsync.model.Status;
import io.orgsync.source.Attributes;
import io.orgsync.source.VendorText;
import io.orgsync.source.wecomschool.WecomSchoolWire.DepartmentAdmin;
import io.orgsync.source.wecomschool.WecomSchoolWire.SchoolDepartment;
import io.orgsync.source.wecomschool.WecomSchoolWire.Student;
import io.orgsync.source.wecomschool.WecomSchoolWire.StudentParent;

import java.util.ArrayList;
import java.util.List;

/**
 * WeCom school (家校沟通) wire records as canonical records: nothing but the mapping, so that it
 * can be checked against WeCom's documented examples without a run (WecomSchoolMapperTest).
 * Parents come embedded in each student, so one student gives the student's record and one
 * record per parent; the snapshot merges a parent of two children into one.
 */
public final class WecomSchoolMapper {

    public static final String SOURCE = "wecom-school";

    private WecomSchoolMapper() {
    }

    /**
     * A department of {@code school/department/list}. Its admins are kept as
     * {@code attributes.admins} under the canonical spelling {@code userId}; a vendor type this
     * mapping does not know stays visible as {@code attributes.vendorType}.
     */
    public static Department department(String tenant, SchoolDepartment wire) {
        ObjectNode attributes = Attributes.of(wire.extra());
        if (wire.departmentAdmins() != null) {
            ArrayNode admins = attributes.putArray("admins");
            for (DepartmentAdmin admin : wire.departmentAdmins()) {
                ObjectNode entry = Attributes.of(admin.extra());
                entry.put("userId", admin.userid());
                if (admin.type() == null) {
                    entry.putNull("type");
                } else {
                    entry.put("type", admin.type());
                }
                entry.put("subject", admin.subject());
                admins.add(entry);
            }
        }
        DepartmentType type = type(wire.type());
        if (type == DepartmentType.DEPARTMENT && wire.type() != null) {
            attributes.put("vendorType", wire.type());
        }
        String parentId = wire.parentid() == null || "0".equals(wire.parentid()) ? null : wire.parentid();
        return new Department(SOURCE, tenant, wire.id(), parentId, wire.name(), type, wire.order(), null,
                attributes);
    }

    /** {@code type}: 1 class, 2 grade, 3 stage, 4 campus, 5 school; anything else a plain department. */
    static DepartmentType type(Integer vendorType) {
        if (vendorType == null) {
            return DepartmentType.DEPARTMENT;
        }
        return switch (vendorType) {
            case 1 -> DepartmentType.CLASS;
            case 2 -> DepartmentType.GRADE;
            case 3 -> DepartmentType.STAGE;
            case 4 -> DepartmentType.CAMPUS;
            case 5 -> DepartmentType.SCHOOL;
            default -> DepartmentType.DEPARTMENT;
        };
    }

    /** A student of {@code school/user/list}, related to each of their parents by the vendor's word for it. */
    public static Member student(String tenant, Student student) {
        List<Relation> toParents = parentsOf(student).stream()
                .map(p -> new Relation(p.parentUserid(), Role.PARENT, p.relation()))
                .toList();
        return new Member(SOURCE, tenant, student.studentUserid(), student.name(), Role.STUDENT,
                classesOf(student), null, null, Status.ACTIVE, toParents, Attributes.of(student.extra()));
    }

    /**
     * The parents embedded in a student, in the order sent. WeCom school gives parents no name;
     * their classes are their child's, and their mobile is "" for third-party apps.
     */
    public static List<Member> parents(String tenant, Student student) {
        List<String> classes = classesOf(student);
        List<Member> parents = new ArrayList<>();
        for (StudentParent parent : parentsOf(student)) {
            parents.add(new Member(SOURCE, tenant, parent.parentUserid(), null, Role.PARENT,
                    classes, VendorText.blankToNull(parent.mobile()), null, Status.ACTIVE,
                    List.of(new Relation(student.studentUserid(), Role.STUDENT, parent.relation())),
                    Attributes.of(parent.extra())));
        }
        return parents;
    }

    private static List<String> classesOf(Student student) {
        return student.department() == null ? List.of() : student.department();
    }

    private static List<StudentParent> parentsOf(Student student) {
        return student.parents() == null ? List.of() : student.parents();
    }
}
