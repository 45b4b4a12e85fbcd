package io.orgsync.source.wuhan;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.Department;
import io.orgsync.model.DepartmentType;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;
import io.orgsync.model.Role;
import io.orgsync.model.Status;
import io.orgsync.run.RunFailedException;
import io.orgsync.source.Attributes;
import io.orgsync.source.VendorText;
import io.orgsync.source.wuhan.WuhanWire.ChildOrg;
import io.orgsync.source.wuhan.WuhanWire.OrgInfo;
import io.orgsync.source.wuhan.WuhanWire.UserFamily;
import io.orgsync.source.wuhan.WuhanWire.UserOrg;
import io.orgsync.source.wuhan.WuhanWire.WireMember;
import io.orgsync.source.wuhan.WuhanWire.WireParent;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Wuhan Education Cloud wire records as canonical records: nothing but the mapping, so that it
 * can be checked against the vendor's documented examples without a run (WuhanMapperTest). Which
 * org nodes lie in scope, which listed parents a student named, and what is reported about either
 * is the normaliser's, since it takes the whole run to know.
 *
 * <p>Parents are not on the member list: each student names them in {@code user_family} (id and a
 * title such as "张三的妈妈"), which gives a parent record without name or phone; the parent list
 * gives those, as a record of its own, and the snapshot merges the two.
 */
public final class WuhanMapper {

    public static final String SOURCE = "wuhan-edu";

    private WuhanMapper() {
    }

    /** A member-list entry's own record, and one record for each parent a student names. */
    public record Listed(Member member, List<Member> parents) {
    }

    /** The synced root, from get-org-info: the one call that names it. */
    public static Department root(String tenant, String rootOrgId, OrgInfo info) {
        ObjectNode attributes = Attributes.of(info.extra());
        DepartmentType type = type(info.orgType(), attributes);
        return new Department(SOURCE, tenant, rootOrgId, null, VendorText.blankToNull(info.orgName()), type, null,
                null, attributes);
    }

    /** One entry of get-child-list of {@code parentId}. */
    public static Department child(String tenant, String parentId, ChildOrg child) {
        ObjectNode attributes = Attributes.of(child.extra());
        DepartmentType type = type(child.orgType(), attributes);
        return new Department(SOURCE, tenant, child.orgId(), parentId, VendorText.blankToNull(child.orgName()), type,
                child.displayOrder(), null, attributes);
    }

    /**
     * An org node seen only on members ({@code user_org}): nothing names it, so it is named by its
     * id, hung under the root and marked {@code derivedFrom: user_org}.
     */
    public static Department derived(String tenant, String rootOrgId, UserOrg node) {
        ObjectNode attributes = Attributes.of(node.extra());
        attributes.put("derivedFrom", "user_org");
        DepartmentType type = type(node.orgType(), attributes);
        return new Department(SOURCE, tenant, node.orgId(), rootOrgId, node.orgId(), type, null, null, attributes);
    }

    /**
     * One entry of get-org-member-simple-list. Its departments are its {@code user_org} nodes, in
     * scope or not: the run moves those outside the synced tree to {@code outOfScopeDepartmentIds}.
     * A student's parents share the student's departments, as classes go.
     */
    public static Listed member(String tenant, WireMember member) {
        String id = member.userId();
        if (id == null || id.isBlank()) {
            throw new RunFailedException(SOURCE + ": the member list has an entry without user_id (" + member.name()
                    + ")");
        }
        Set<String> orgIds = new LinkedHashSet<>();
        if (member.userOrg() != null) {
            for (UserOrg org : member.userOrg()) {
                if (org.orgId() != null && !org.orgId().isBlank()) {
                    orgIds.add(org.orgId());
                }
            }
        }
        List<String> departmentIds = List.copyOf(orgIds);
        ObjectNode attributes = Attributes.of(member.extra());
        Role role = switch (member.userType() == null ? "" : member.userType()) {
            case "0" -> Role.STUDENT;
            case "1" -> Role.TEACHER;
            default -> {
                // not asked for (user_type=0,1); kept rather than dropped, with the vendor's value
                attributes.put("vendorUserType", member.userType());
                yield Role.EMPLOYEE;
            }
        };
        List<UserFamily> families = member.userFamily() == null ? List.of() : member.userFamily();
        List<Relation> relations = new ArrayList<>();
        List<Member> parents = new ArrayList<>();
        if (role == Role.STUDENT) {
            for (UserFamily family : families) {
                if (family.familyId() == null || family.familyId().isBlank()) {
                    continue;
                }
                String relation = relation(family.familyName(), member.name());
                relations.add(new Relation(family.familyId(), Role.PARENT, relation));
                // the name and phone come from the parent list
                parents.add(new Member(SOURCE, tenant, family.familyId(), null, Role.PARENT, departmentIds, null, null,
                        Status.ACTIVE, List.of(new Relation(id, Role.STUDENT, relation)),
                        Attributes.of(family.extra())));
            }
        } else if (!families.isEmpty()) {
            // only students have parents in the canonical model; anyone else's family stays as sent
            ArrayNode raw = attributes.putArray("user_family");
            for (UserFamily family : families) {
                ObjectNode entry = Attributes.of(family.extra());
                entry.put("family_id", family.familyId());
                entry.put("family_name", family.familyName());
                raw.add(entry);
            }
        }
        Member mapped = new Member(SOURCE, tenant, id, VendorText.blankToNull(member.name()), role, departmentIds,
                null, null, Status.ACTIVE, relations, attributes);
        return new Listed(mapped, parents);
    }

    /**
     * One entry of get-org-parents-list: a name and phone, no child. The child comes from the
     * student who named the parent, merged by the snapshot.
     */
    public static Member parent(String tenant, WireParent parent) {
        return new Member(SOURCE, tenant, parent.userId(), VendorText.blankToNull(parent.name()), Role.PARENT,
                List.of(), VendorText.blankToNull(parent.phone()), VendorText.blankToNull(parent.email()),
                Status.ACTIVE, List.of(), Attributes.of(parent.extra()));
    }

    /**
     * The relation in a family title: the part after 的 ("张三的妈妈" → "妈妈"), the whole title
     * without 的 ("监护人"). The child's own name is stripped first, so a 的 inside a name is not
     * taken for the separator, with or without a 的 after the name.
     */
    static String relation(String familyName, String studentName) {
        if (familyName == null || familyName.isBlank()) {
            return null;
        }
        String title = familyName.strip();
        if (studentName != null && !studentName.isEmpty() && title.startsWith(studentName)
                && title.length() > studentName.length()) {
            // the child's name first, then 的 or not ("王的明妈妈" for 王的明): what follows is the relation
            String rest = title.substring(studentName.length());
            return rest.startsWith("的") && rest.length() > 1 ? rest.substring(1) : rest;
        }
        int at = title.lastIndexOf('的');
        return at >= 0 && at < title.length() - 1 ? title.substring(at + 1) : title;
    }

    /**
     * Wuhan org_type (vendor table 7.0): 2 school, 3 campus, 5 stage, 6 grade, 7 class, 4 department;
     * 1 institution, 8 enterprise, 9 teaching studio, 10 platform and anything else become
     * {@code department} with the vendor's value in {@code attributes.vendorType}.
     */
    static DepartmentType type(String orgType, ObjectNode attributes) {
        String value = orgType == null ? "" : orgType.strip();
        DepartmentType type = switch (value) {
            case "2" -> DepartmentType.SCHOOL;
            case "3" -> DepartmentType.CAMPUS;
            case "5" -> DepartmentType.STAGE;
            case "6" -> DepartmentType.GRADE;
            case "7" -> DepartmentType.CLASS;
            default -> DepartmentType.DEPARTMENT;
        };
        if (type == DepartmentType.DEPARTMENT && !value.equals("4") && !value.isEmpty()) {
            attributes.put("vendorType", value);
        }
        return type;
    }
}
