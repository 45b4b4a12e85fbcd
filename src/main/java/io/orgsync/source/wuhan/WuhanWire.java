package io.orgsync.source.wuhan;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;

/**
 * The {@code result} of Wuhan Education Cloud answers as sent (docs/sources.md). Fields the
 * mapper does not use land in {@code extra} and from there in the record's
 * {@code attributes}. Ids are 32-character hex strings; {@code org_type} is a number on the
 * child list and a string on members, so it is read as text.
 */
public final class WuhanWire {

    private WuhanWire() {
    }

    /**
     * {@code GET /user/openapi/org/get-org-info?org_id=}: {@code status} 0 inactive, 1 normal,
     * 2 dissolved, 3 locked; {@code flag} 0 normal, 1 demo, 2 test.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record OrgInfo(
            String orgId,
            String orgName,
            String orgType,
            @JsonAnySetter Map<String, JsonNode> extra) {
    }

    /**
     * One entry of {@code GET /user/openapi/org-tree/get-child-list?org_id=} (next level only).
     * {@code has_child} and {@code display_order} come from the sibling clouds' version of the
     * API and may be absent: without {@code has_child} every node is asked for its children.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ChildOrg(
            String orgId,
            String orgName,
            String orgType,
            Long displayOrder,
            @JsonAnySetter Map<String, JsonNode> extra) {

        /** {@code false} only when the vendor says so; {@code has_child} stays in {@code extra} for the attributes. */
        boolean mayHaveChildren() {
            JsonNode hasChild = extra == null ? null : extra.get("has_child");
            if (hasChild == null || hasChild.isNull()) {
                return true;
            }
            return hasChild.isBoolean() ? hasChild.booleanValue() : !"0".equals(hasChild.asText())
                    && !"false".equalsIgnoreCase(hasChild.asText());
        }
    }

    /** {@code result} of {@code get-org-member-simple-list}: {@code count} is the total in scope. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record MemberPage(Integer page, Integer pageSize, Long count, List<WireMember> memberList) {
    }

    /** {@code user_type} "0" student, "1" teacher (a string on the wire). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record WireMember(
            String userId,
            String userType,
            String name,
            List<UserOrg> userOrg,
            List<UserFamily> userFamily,
            @JsonAnySetter Map<String, JsonNode> extra) {
    }

    /** An org node the member belongs to: {@code need_type=dep} gives department nodes, {@code edu} classes. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UserOrg(String orgId, String orgType, @JsonAnySetter Map<String, JsonNode> extra) {
    }

    /** A student's parent ({@code need_type=family}): {@code family_name} is a title such as "张三的妈妈", not a name. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UserFamily(String familyId, String familyName, @JsonAnySetter Map<String, JsonNode> extra) {
    }

    /** {@code result} of {@code POST get-org-parents-list}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ParentPage(Integer page, Integer pageSize, Long count, List<WireParent> memberList) {
    }

    /** A parent with the name and phone the member list does not give; no child links here. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record WireParent(
            String userId,
            String name,
            String phone,
            String email,
            @JsonAnySetter Map<String, JsonNode> extra) {
    }
}
