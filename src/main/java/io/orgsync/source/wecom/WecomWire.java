package io.orgsync.source.wecom;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.orgsync.source.WireObject;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * WeCom corporate contacts answers as sent (docs/sources.md). Fields the mapper does not
 * use land in {@code extra} and from there, under their wire names, in the record's
 * {@code attributes}: a field WeCom adds tomorrow is kept, not dropped. Ids are ints on the wire
 * and strings here. Each API names its collection differently ({@code department},
 * {@code department_id}, {@code userlist}, {@code dept_user}).
 */
public final class WecomWire {

    private WecomWire() {
    }

    /** {@code GET /cgi-bin/department/list}: the whole tree, or {@code id} and all its descendants. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DepartmentList(List<WireDepartment> department) {
    }

    /** {@code GET /cgi-bin/department/get?id=}: one department, same fields as a list entry. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DepartmentGet(WireDepartment department) {
    }

    /**
     * A department of {@code department/list} or {@code department/get}. {@code order}: larger
     * first, [0, 2^32). The root's {@code parentid} is 0. {@code name_en} and
     * {@code department_leader} stay in {@code extra}.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record WireDepartment(
            String id,
            String name,
            String parentid,
            Long order,
            @JsonAnySetter Map<String, JsonNode> extra) {
    }

    /** {@code GET /cgi-bin/department/simplelist}: ids, parents and orders only, no names. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DepartmentIdList(List<DepartmentId> departmentId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DepartmentId(String id, String parentid, Long order) {
    }

    /**
     * A member as {@code user/list} sends it. {@code department} is the member's full department
     * list, the same in every department's listing; {@code order} and {@code is_leader_in_dept}
     * (in {@code extra}) run parallel to it. {@code status}: 1 active, 2 disabled, 4 not
     * activated, 5 left; kept raw because WeCom may add values. {@code user/simplelist} sends only
     * {@code userid}, {@code name}, {@code department} and {@code open_userid}. Both send them as
     * {@code userlist}, read with {@link #from} (see {@link WireObject} for why not with Jackson).
     */
    public record User(
            String userid,
            String name,
            List<String> department,
            String mobile,
            String email,
            JsonNode status,
            Map<String, JsonNode> extra) {

        /** The fields mapped; every other one goes to {@code extra} under its wire name. */
        private static final Set<String> MAPPED = Set.of("userid", "name", "department", "mobile", "email", "status");

        static User from(WireObject wire) {
            return new User(wire.text("userid"), wire.text("name"), wire.texts("department"), wire.text("mobile"),
                    wire.text("email"), wire.raw("status"), wire.rest(MAPPED));
        }
    }

    /** {@code POST /cgi-bin/user/list_id}: one row per (member, department); an empty cursor ends the listing. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UserIdPage(String nextCursor, List<DeptUser> deptUser) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DeptUser(String userid, String department) {
    }
}
