package io.orgsync.vendor.feishu;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;

/**
 * Feishu contact v3 answers as sent (seed 002, vendors.md section C), the {@code data} part of the
 * {@code {code, msg, data}} envelope. Fields the normaliser does not map land in {@code extra}
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

    /** {@code GET /contact/v3/users/find_by_department}: direct members of one department. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UserPage(Boolean hasMore, String pageToken, List<User> items) {
    }

    /**
     * {@code department_ids} lists every department of the user, not only the one asked for, so
     * the first sighting already carries the union. {@code status} is kept raw:
     * {@code {is_frozen, is_resigned, is_activated, is_exited, is_unjoin}}.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record User(
            String openId,
            String unionId,
            String userId,
            String name,
            String mobile,
            String email,
            List<String> departmentIds,
            JsonNode status,
            @JsonAnySetter Map<String, JsonNode> extra) {
    }
}
