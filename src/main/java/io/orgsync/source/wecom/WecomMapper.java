package io.orgsync.source.wecom;

import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.model.Department;
import io.orgsync.model.DepartmentType;
import io.orgsync.model.Member;
import io.orgsync.model.Role;
import io.orgsync.model.Status;
import io.orgsync.source.Attributes;
import io.orgsync.source.VendorText;
import io.orgsync.source.wecom.WecomWire.User;
import io.orgsync.source.wecom.WecomWire.WireDepartment;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * WeCom corporate contacts wire records as canonical records: nothing but the mapping, so that
 * it can be checked against WeCom's documented examples without a run (WecomMapperTest). The
 * normaliser decides which answers reach it and where the records go.
 */
public final class WecomMapper {

    public static final String SOURCE = "wecom";

    /** WeCom status: 1 active, 2 disabled, 4 not activated, 5 left the company. */
    private static final Set<Integer> INACTIVE = Set.of(2, 4, 5);

    private WecomMapper() {
    }

    /** A department of {@code department/list} or {@code department/get}; the root's parentid 0 is no parent. */
    public static Department department(String tenant, WireDepartment wire) {
        String parentId = wire.parentid() == null || "0".equals(wire.parentid()) ? null : wire.parentid();
        return new Department(SOURCE, tenant, wire.id(), parentId, wire.name(), DepartmentType.DEPARTMENT,
                wire.order(), null, Attributes.of(wire.extra()));
    }

    /**
     * A member of {@code user/list} with the {@code department[]} it was sent with: that list
     * already names every department of the person, aligned with {@code order[]} and
     * {@code is_leader_in_dept[]}, which stay in the attributes.
     */
    public static Member member(String tenant, User user) {
        return member(tenant, user, user.department());
    }

    /**
     * A member with departments gathered elsewhere: from {@code user/list_id} rows when WeCom
     * refuses the detailed listing, where {@code user} may carry nothing but the id.
     */
    public static Member member(String tenant, User user, List<String> departments) {
        // the wire record's own sorted map, filled by this mapping and taken by Attributes.of as it is
        Map<String, JsonNode> unmapped = user.extra() == null ? new TreeMap<>() : user.extra();
        Status status = Status.ACTIVE;
        if (user.status() != null && !user.status().isNull()) {
            unmapped.put("status", user.status());
            if (INACTIVE.contains(user.status().asInt(1))) {
                status = Status.INACTIVE;
            }
        }
        return new Member(SOURCE, tenant, user.userid(), user.name(), Role.EMPLOYEE, departments,
                VendorText.blankToNull(user.mobile()), VendorText.blankToNull(user.email()), status, List.of(),
                Attributes.of(unmapped));
    }
}
