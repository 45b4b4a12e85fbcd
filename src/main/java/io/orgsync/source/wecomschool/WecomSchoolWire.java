package io.orgsync.source.wecomschool;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;

/**
 * The WeCom school (家校沟通) answers as sent (docs/sources.md). Fields
 * the mapper does not use land in {@code extra} and from there in the record's
 * {@code attributes}, so a field WeCom adds tomorrow is kept, not dropped. Ids are ints on the
 * wire and strings here.
 */
public final class WecomSchoolWire {

    private WecomSchoolWire() {
    }

    /** {@code GET /cgi-bin/school/department/list}: the whole tree, or the subtree under {@code id}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DepartmentList(List<SchoolDepartment> departments) {
    }

    /** {@code type}: 1 class 班级, 2 grade 年级, 3 stage 学段, 4 campus 校区, 5 school (root). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SchoolDepartment(
            String id,
            String parentid,
            String name,
            Integer type,
            Long order,
            List<DepartmentAdmin> departmentAdmins,
            @JsonAnySetter Map<String, JsonNode> extra) {
    }

    /** {@code type}: 1 校区负责人, 2 年级负责人, 3 班主任, 4 任课老师, 5 学段负责人. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DepartmentAdmin(String userid, Integer type, String subject,
                                  @JsonAnySetter Map<String, JsonNode> extra) {
    }

    /** {@code GET /cgi-bin/school/user/list?department_id=}: direct students of one class, not recursive. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record StudentList(List<Student> students) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Student(
            String studentUserid,
            String name,
            List<String> department,
            List<StudentParent> parents,
            @JsonAnySetter Map<String, JsonNode> extra) {
    }

    /** {@code mobile} is never given to third-party apps; {@code external_userid} only when subscribed. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record StudentParent(
            String parentUserid,
            String relation,
            String mobile,
            @JsonAnySetter Map<String, JsonNode> extra) {
    }
}
