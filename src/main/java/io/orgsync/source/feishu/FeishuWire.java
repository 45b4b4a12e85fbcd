package io.orgsync.source.feishu;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.orgsync.source.WireObject;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Feishu contact v3 answers as sent (docs/sources.md), the {@code data} part of the
 * {@code {code, msg, data}} envelope. Fields the mapper does not use land in {@code extra}
 * and from there in the record's {@code attributes}. Ids come in the type the call asked for
 * ({@code department_id_type}, {@code user_id_type}); the other types, when present, are kept as
 * attributes.
 */
public final class FeishuWire {

    private FeishuWire() {
    }

    /**
     * {@code GET /contact/v3/departments/:id/children}. {@code page_token} is absent, not empty, on
     * the last page.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DepartmentPage(Boolean hasMore, String pageToken, List<Department> items) {
    }

    /** {@code GET /contact/v3/departments/:id}: one department, for a configured root other than "0". */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DepartmentAnswer(Department department) {
    }

    /** {@code order} is a string on the wire (smaller first); {@code parent_department_id} is "0" under the root. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Department(
            String name,
            String departmentId,
            String openDepartmentId,
            String parentDepartmentId,
            String order,
            @JsonAnySetter Map<String, JsonNode> extra) {
    }

    /**
     * One of the {@code items} of {@code GET /contact/v3/users/find_by_department} (a department's
     * direct members), read with {@link User#from}, not bound with Jackson (see {@link WireObject});
     * the page's {@code has_more} and {@code page_token} are read the same way.
     * {@code department_ids} lists every department of the user, not only the one asked for, so
     * the first sighting already carries the union. {@code status} is kept raw:
     * {@code {is_frozen, is_resigned, is_activated, is_exited, is_unjoin}}.
     */
    public record User(
            String openId,
            String unionId,
            String userId,
            String name,
            String mobile,
            String email,
            List<String> departmentIds,
            JsonNode status,
            Map<String, JsonNode> extra) {

        /** The fields mapped, by their wire names; every other one goes to {@code extra}. */
        private static final Set<String> MAPPED = Set.of("open_id", "union_id", "user_id", "name", "mobile", "email",
                "department_ids", "status");

        static User from(WireObject wire) {
            return new User(wire.text("open_id"), wire.text("union_id"), wire.text("user_id"), wire.text("name"),
                    wire.text("mobile"), wire.text("email"), wire.texts("department_ids"), wire.raw("status"),
                    wire.rest(MAPPED));
        }
    }
}
