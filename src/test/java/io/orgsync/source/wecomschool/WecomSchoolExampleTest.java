package io.orgsync.source.wecomschool;

import io.orgsync.Sources;
import io.orgsync.config.SourceName;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Golden;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.orgsync.testing.Golden.resource;

/**
 * WeCom school's own documented example answers (vendor-examples/wecom-school, see its README for
 * the pages): the department list without the root and the class's student list with parents,
 * served verbatim by the simulator to a real run, published as the records written out here by hand.
 */
@Timeout(120)
class WecomSchoolExampleTest {

    private VendorSimulator simulator;

    @TempDir
    Path exports;

    @BeforeEach
    void start() {
        simulator = VendorSimulator.start();
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void theDocumentedDepartmentListAndStudentListGiveTheseRecords() {
        // class 3 is the example's only class (type 1); the student list example is its answer
        simulator.canned()
                .answer("/cgi-bin/school/department/list", Map.of(),
                        resource("vendor-examples/wecom-school/department-list.json"))
                .answer("/cgi-bin/school/user/list", Map.of("department_id", "3"),
                        resource("vendor-examples/wecom-school/user-list.json"));

        Path run = Golden.sync(simulator, exports, Sources.WECOM_SCHOOL, Map.of());

        // both hang from the unlisted root 1: two roots keeping it as vendorParentId
        Golden.assertSameLines("wecom-school department", Golden.publishedLines(run, "departments.jsonl"), List.of(
                "{\"kind\":\"department\",\"source\":\"wecom-school\",\"tenant\":\"golden\",\"id\":\"2\",\"parentId\":null,"
                        + "\"name\":\"一年级\",\"type\":\"grade\",\"order\":1,\"path\":[\"2\"],\"attributes\":{"
                        + "\"is_graduated\":0,\"register_year\":2018,\"standard_grade\":1,"
                        + "\"admins\":[{\"userId\":\"zhangsan\",\"type\":1,\"subject\":null},"
                        + "{\"userId\":\"lisi\",\"type\":2,\"subject\":null}],\"vendorParentId\":\"1\"}}",
                "{\"kind\":\"department\",\"source\":\"wecom-school\",\"tenant\":\"golden\",\"id\":\"3\",\"parentId\":null,"
                        + "\"name\":\"一年级一班\",\"type\":\"class\",\"order\":null,\"path\":[\"3\"],\"attributes\":{"
                        + "\"group_chat_id\":\"group_chat_id\",\"open_group_chat\":1,"
                        + "\"admins\":[{\"userId\":\"zhangsan\",\"type\":3,\"subject\":\"语文\"},"
                        + "{\"userId\":\"lisi\",\"type\":4,\"subject\":\"数学\"}],\"vendorParentId\":\"1\"}}"),
                Golden.DEPARTMENT_FIELDS);
        // the students name departments 1, 2, 4 and 5; only 2 is published. Parents have no name,
        // their children's departments, and a relation back to the child.
        String head = "{\"kind\":\"member\",\"source\":\"wecom-school\",\"tenant\":\"golden\",";
        Golden.assertSameLines("wecom-school member", Golden.publishedLines(run, "members.jsonl"), List.of(
                head + "\"id\":\"lisi\",\"name\":\"李四\",\"role\":\"student\",\"departmentIds\":[],\"mobile\":null,"
                        + "\"email\":null,\"status\":\"active\",\"relations\":["
                        + "{\"id\":\"lisi_parent1\",\"role\":\"parent\",\"relation\":\"爷爷\"},"
                        + "{\"id\":\"lisi_parent2\",\"role\":\"parent\",\"relation\":\"妈妈\"}],"
                        + "\"attributes\":{\"outOfScopeDepartmentIds\":[\"4\",\"5\"]}}",
                head + "\"id\":\"lisi_parent1\",\"name\":null,\"role\":\"parent\",\"departmentIds\":[],"
                        + "\"mobile\":\"18000000003\",\"email\":null,\"status\":\"active\",\"relations\":["
                        + "{\"id\":\"lisi\",\"role\":\"student\",\"relation\":\"爷爷\"}],\"attributes\":{"
                        + "\"external_userid\":\"xxx\",\"is_subscribe\":1,\"outOfScopeDepartmentIds\":[\"4\",\"5\"]}}",
                head + "\"id\":\"lisi_parent2\",\"name\":null,\"role\":\"parent\",\"departmentIds\":[],"
                        + "\"mobile\":\"18000000004\",\"email\":null,\"status\":\"active\",\"relations\":["
                        + "{\"id\":\"lisi\",\"role\":\"student\",\"relation\":\"妈妈\"}],\"attributes\":{"
                        + "\"external_userid\":\"xxx\",\"is_subscribe\":1,\"outOfScopeDepartmentIds\":[\"4\",\"5\"]}}",
                head + "\"id\":\"zhangsan\",\"name\":\"张三\",\"role\":\"student\",\"departmentIds\":[\"2\"],"
                        + "\"mobile\":null,\"email\":null,\"status\":\"active\",\"relations\":["
                        + "{\"id\":\"zhangsan_parent1\",\"role\":\"parent\",\"relation\":\"爸爸\"},"
                        + "{\"id\":\"zhangsan_parent2\",\"role\":\"parent\",\"relation\":\"妈妈\"}],"
                        + "\"attributes\":{\"outOfScopeDepartmentIds\":[\"1\"]}}",
                head + "\"id\":\"zhangsan_parent1\",\"name\":null,\"role\":\"parent\",\"departmentIds\":[\"2\"],"
                        + "\"mobile\":\"18000000001\",\"email\":null,\"status\":\"active\",\"relations\":["
                        + "{\"id\":\"zhangsan\",\"role\":\"student\",\"relation\":\"爸爸\"}],\"attributes\":{"
                        + "\"external_userid\":\"xxx\",\"is_subscribe\":1,\"outOfScopeDepartmentIds\":[\"1\"]}}",
                head + "\"id\":\"zhangsan_parent2\",\"name\":null,\"role\":\"parent\",\"departmentIds\":[\"2\"],"
                        + "\"mobile\":\"18000000002\",\"email\":null,\"status\":\"active\",\"relations\":["
                        + "{\"id\":\"zhangsan\",\"role\":\"student\",\"relation\":\"妈妈\"}],\"attributes\":{"
                        + "\"is_subscribe\":0,\"outOfScopeDepartmentIds\":[\"1\"]}}"), Golden.MEMBER_FIELDS);
    }
}
