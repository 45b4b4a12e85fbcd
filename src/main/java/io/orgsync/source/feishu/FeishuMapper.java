package io.orgsync.source.feishu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Department;
import io.orgsync.model.DepartmentType;
import io.orgsync.model.Member;
import io.orgsync.model.Role;
import io.orgsync.model.Status;
import io.orgsync.run.RunFailedException;
import io.orgsync.source.Attributes;
import io.orgsync.source.VendorText;
import io.orgsync.source.feishu.FeishuWire.User;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Feishu contact v3 wire records as canonical records: nothing but the mapping, so that it can be
 * checked against Feishu's documented examples without a run (FeishuMapperTest). Feishu sends
 * each id in the type the call asked for and, where it can, the other types too: the asked type
 * is the record's id, the others stay as attributes under their wire names.
 */
public final class FeishuMapper {

    public static final String SOURCE = "feishu";
    /** Feishu's root department, the same in both id types. */
    public static final String VENDOR_ROOT = "0";

    private final String departmentIdType;
    private final String userIdType;

    /**
     * @param departmentIdType {@code open_department_id} or {@code department_id}
     * @param userIdType       {@code open_id}, {@code union_id} or {@code user_id}
     */
    public FeishuMapper(String departmentIdType, String userIdType) {
        this.departmentIdType = departmentIdType;
        this.userIdType = userIdType;
    }

    /**
     * The vendor's root "0", which has no published {@code department/get}: it is named after the
     * tenant instead of costing a call.
     */
    public static Department vendorRoot(String tenant) {
        return new Department(SOURCE, tenant, VENDOR_ROOT, null, tenant, DepartmentType.DEPARTMENT, null, null, null);
    }

    /**
     * A configured root other than "0", from its {@code department/get}: it keeps the configured
     * id and hangs from nothing, where it sits at the vendor kept as
     * {@code attributes.parent_department_id}.
     */
    public Department configuredRoot(String tenant, String rootId, FeishuWire.Department wire) {
        Department mapped = department(tenant, wire, true);
        return new Department(SOURCE, tenant, rootId, null, mapped.name(), mapped.type(), mapped.order(), null,
                mapped.attributes());
    }

    /** A department of a children page (recursive or one level). */
    public Department department(String tenant, FeishuWire.Department wire) {
        return department(tenant, wire, false);
    }

    private Department department(String tenant, FeishuWire.Department wire, boolean root) {
        Map<String, JsonNode> unmapped = new HashMap<>(wire.extra() == null ? Map.of() : wire.extra());
        if (root) {
            putText(unmapped, "parent_department_id", wire.parentDepartmentId());
        }
        String id;
        if (departmentIdType.equals("department_id")) {
            id = wire.departmentId();
            putText(unmapped, "open_department_id", wire.openDepartmentId());
        } else {
            id = wire.openDepartmentId();
            putText(unmapped, "department_id", wire.departmentId());
        }
        if (id == null || id.isEmpty()) {
            throw new RunFailedException(SOURCE + ": a department (" + CanonicalJson.toLine(wire.name())
                    + ") came without its " + departmentIdType);
        }
        Long order = null;
        if (wire.order() != null && !wire.order().isEmpty()) {
            try {
                order = Long.parseLong(wire.order().trim());
            } catch (NumberFormatException e) {
                putText(unmapped, "order", wire.order()); // not a number: kept as sent rather than guessed
            }
        }
        return new Department(SOURCE, tenant, id, wire.parentDepartmentId(), wire.name(),
                DepartmentType.DEPARTMENT, order, null, Attributes.of(unmapped));
    }

    /**
     * A user of {@code users/find_by_department}. {@code department_ids} names every department
     * of the user; without the scope that shows it, the department listed in is all there is.
     */
    public Member member(String tenant, User user, String listedIn) {
        // the wire record's own sorted map, filled by this mapping and taken by Attributes.of as it is
        Map<String, JsonNode> unmapped = user.extra() == null ? new TreeMap<>() : user.extra();
        String id = switch (userIdType) {
            case "union_id" -> user.unionId();
            case "user_id" -> user.userId();
            default -> user.openId();
        };
        if (id == null || id.isEmpty()) {
            throw new RunFailedException(SOURCE + ": a user of department " + listedIn + " came without its "
                    + userIdType + (userIdType.equals("user_id")
                    ? " (user_id needs the contact:user.employee_id:readonly scope)" : ""));
        }
        if (!userIdType.equals("open_id")) {
            putText(unmapped, "open_id", user.openId());
        }
        if (!userIdType.equals("union_id")) {
            putText(unmapped, "union_id", user.unionId());
        }
        if (!userIdType.equals("user_id")) {
            putText(unmapped, "user_id", user.userId());
        }
        if (user.status() != null) {
            unmapped.put("status", user.status());
        }
        List<String> departments = user.departmentIds() == null || user.departmentIds().isEmpty()
                ? List.of(listedIn) : user.departmentIds();
        // without the field scopes Feishu sends "" rather than leaving the field out: not a value
        return new Member(SOURCE, tenant, id, user.name(), Role.EMPLOYEE, departments,
                VendorText.blankToNull(user.mobile()), VendorText.blankToNull(user.email()), status(user.status()),
                null, Attributes.of(unmapped));
    }

    /** Frozen, resigned, exited or not yet activated is inactive, as for every source. */
    static Status status(JsonNode status) {
        if (status == null || !status.isObject()) {
            return Status.ACTIVE;
        }
        boolean inactive = status.path("is_frozen").asBoolean(false)
                || status.path("is_resigned").asBoolean(false)
                || status.path("is_exited").asBoolean(false)
                // absent means the vendor did not say; only an explicit false is "not yet activated"
                || !status.path("is_activated").asBoolean(true);
        return inactive ? Status.INACTIVE : Status.ACTIVE;
    }

    private static void putText(Map<String, JsonNode> attributes, String key, String value) {
        if (value != null) {
            attributes.put(key, TextNode.valueOf(value));
        }
    }
}
