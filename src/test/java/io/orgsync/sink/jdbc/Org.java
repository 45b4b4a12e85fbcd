package io.orgsync.sink.jdbc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Department;
import io.orgsync.model.DepartmentType;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;
import io.orgsync.model.Role;
import io.orgsync.model.Status;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import static io.orgsync.run.Fixtures.SOURCE;
import static io.orgsync.run.Fixtures.TENANT;

/**
 * A small school as canonical records, and the edits a vendor's directory goes through between
 * two runs. Immutable: every edit returns a new org.
 */
final class Org {

    static final String ROOT = "1";

    private final Map<String, Department> departments;
    private final Map<String, Member> members;

    private Org(Map<String, Department> departments, Map<String, Member> members) {
        this.departments = departments;
        this.members = members;
    }

    /** Root {@code 1}, grades {@code g1}, {@code g2}, two classes each ({@code c1}…{@code c4}), students {@code s01}… */
    static Org school(int studentsPerClass) {
        Map<String, Department> departments = new LinkedHashMap<>();
        departments.put(ROOT, department(ROOT, null, List.of(ROOT), "第一中学", DepartmentType.SCHOOL));
        int c = 0;
        for (int g = 1; g <= 2; g++) {
            String grade = "g" + g;
            departments.put(grade, department(grade, ROOT, List.of(ROOT, grade), g + "年级", DepartmentType.GRADE));
            for (int k = 1; k <= 2; k++) {
                String cls = "c" + ++c;
                departments.put(cls, department(cls, grade, List.of(ROOT, grade, cls), g + "年级" + k + "班",
                        DepartmentType.CLASS));
            }
        }
        Map<String, Member> members = new TreeMap<>();
        for (int i = 1; i <= 4 * studentsPerClass; i++) {
            String id = String.format("s%02d", i);
            String cls = "c" + ((i - 1) / studentsPerClass + 1);
            members.put(id, student(id, "学生" + i, cls));
        }
        return new Org(departments, members);
    }

    static Department department(String id, String parentId, List<String> path, String name, DepartmentType type) {
        ObjectNode attributes = CanonicalJson.emptyObject();
        attributes.put("id", id);
        return new Department(SOURCE, TENANT, id, parentId, name, type, 10L, path, attributes);
    }

    static Member student(String id, String name, String... classIds) {
        ObjectNode attributes = CanonicalJson.emptyObject();
        attributes.put("student_userid", id);
        attributes.put("score", new BigDecimal("1.50"));
        return new Member(SOURCE, TENANT, id, name, Role.STUDENT, List.of(classIds), null, id + "@example.org",
                Status.ACTIVE, List.of(new Relation("p" + id, Role.PARENT, "妈妈"),
                new Relation("q" + id, Role.PARENT, "爸爸")), attributes);
    }

    List<Department> departments() {
        return List.copyOf(departments.values());
    }

    List<Member> members() {
        return List.copyOf(members.values());
    }

    Member member(String id) {
        return members.get(id);
    }

    Department department(String id) {
        return departments.get(id);
    }

    Org with(Member member) {
        Map<String, Member> copy = new TreeMap<>(members);
        copy.put(member.id(), member);
        return new Org(departments, copy);
    }

    Org with(Department department) {
        Map<String, Department> copy = new LinkedHashMap<>(departments);
        copy.put(department.id(), department);
        return new Org(copy, members);
    }

    Org edit(String memberId, UnaryOperator<Member> edit) {
        return with(edit.apply(members.get(memberId)));
    }

    Org rename(String memberId, String name) {
        return edit(memberId, m -> new Member(m.source(), m.tenant(), m.id(), name, m.role(), m.departmentIds(),
                m.mobile(), m.email(), m.status(), m.relations(), m.attributes()));
    }

    Org move(String memberId, String... departmentIds) {
        return edit(memberId, m -> new Member(m.source(), m.tenant(), m.id(), m.name(), m.role(),
                List.of(departmentIds), m.mobile(), m.email(), m.status(), m.relations(), m.attributes()));
    }

    Org withAttribute(String memberId, String field, int value) {
        return edit(memberId, m -> {
            ObjectNode attributes = m.attributes().deepCopy();
            attributes.put(field, value);
            return new Member(m.source(), m.tenant(), m.id(), m.name(), m.role(), m.departmentIds(), m.mobile(),
                    m.email(), m.status(), m.relations(), attributes);
        });
    }

    /** Hangs a class under another grade; its path follows. */
    Org moveDepartment(String id, String newParentId) {
        Department d = departments.get(id);
        List<String> path = new ArrayList<>(departments.get(newParentId).path());
        path.add(id);
        return with(d.withPath(newParentId, path));
    }

    Org without(String... memberIds) {
        Map<String, Member> copy = new TreeMap<>(members);
        for (String id : memberIds) {
            if (copy.remove(id) == null) {
                throw new IllegalArgumentException("no member " + id);
            }
        }
        return new Org(departments, copy);
    }

    Org withoutFirstMembers(int count) {
        return without(members.keySet().stream().limit(count).toArray(String[]::new));
    }
}
