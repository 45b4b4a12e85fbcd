package io.orgsync.source.wecom;

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
 * WeCom's own documented example answers (vendor-examples/wecom, see its README for the pages):
 * the department list without the root and the detailed user list, served verbatim by the
 * simulator to a real run, published as the records written out here by hand.
 */
@Timeout(120)
class WecomExampleTest {

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
    void theDocumentedDepartmentListAndUserListGiveTheseRecords() {
        // the user list example's member belongs to departments 1 and 2; department 2 lists them
        simulator.canned()
                .answer("/cgi-bin/department/list", Map.of(), resource("vendor-examples/wecom/department-list.json"))
                .answer("/cgi-bin/user/list", Map.of("department_id", "2"), resource("vendor-examples/wecom/user-list.json"))
                .answer("/cgi-bin/user/list", Map.of("department_id", "3"), "{\"errcode\":0,\"errmsg\":\"ok\",\"userlist\":[]}");

        Path run = Golden.sync(simulator, exports, Sources.WECOM, Map.of());

        // department 1 is not in the answer (the app's visible range): 2 is a root keeping its vendor parent
        Golden.assertSameLines("wecom department", Golden.publishedLines(run, "departments.jsonl"), List.of(
                "{\"kind\":\"department\",\"source\":\"wecom\",\"tenant\":\"golden\",\"id\":\"2\",\"parentId\":null,"
                        + "\"name\":\"广州研发中心\",\"type\":\"department\",\"order\":10,\"path\":[\"2\"],"
                        + "\"attributes\":{\"name_en\":\"RDGZ\",\"vendorParentId\":\"1\"}}",
                "{\"kind\":\"department\",\"source\":\"wecom\",\"tenant\":\"golden\",\"id\":\"3\",\"parentId\":\"2\","
                        + "\"name\":\"邮箱产品部\",\"type\":\"department\",\"order\":40,\"path\":[\"2\",\"3\"],"
                        + "\"attributes\":{\"name_en\":\"mail\"}}"), Golden.DEPARTMENT_FIELDS);
        // every field the mapping does not use stays under its wire name, sorted, values as sent; the
        // unpublished department 1 moves to outOfScopeDepartmentIds
        Golden.assertSameLines("wecom member", Golden.publishedLines(run, "members.jsonl"), List.of(
                "{\"kind\":\"member\",\"source\":\"wecom\",\"tenant\":\"golden\",\"id\":\"zhangsan\",\"name\":\"李四\","
                        + "\"role\":\"employee\",\"departmentIds\":[\"2\"],\"mobile\":\"13800000000\","
                        + "\"email\":\"zhangsan@gzdev.com\",\"status\":\"active\",\"relations\":[],\"attributes\":{"
                        + "\"address\":\"广州市海珠区新港中路\","
                        + "\"alias\":\"jackzhang\","
                        + "\"avatar\":\"http://wx.qlogo.cn/mmopen/ajNVdqHZLLA3WJ6DSZUfiakYe37PKnQhBIeOQBO4czqrnZDS79FH5Wm5m4X69TBicnHFlhiafvDwklOpZeXYQQ2icg/0\","
                        + "\"biz_mail\":\"zhangsan@qyycs2.wecom.work\","
                        + "\"direct_leader\":[\"lisi\",\"wangwu\"],"
                        + "\"english_name\":\"jacky\","
                        + "\"extattr\":{\"attrs\":[{\"type\":0,\"name\":\"文本名称\",\"text\":{\"value\":\"文本\"}},"
                        + "{\"type\":1,\"name\":\"网页名称\",\"web\":{\"url\":\"http://www.test.com\",\"title\":\"标题\"}}]},"
                        + "\"external_position\":\"产品经理\","
                        + "\"external_profile\":{\"external_corp_name\":\"企业简称\","
                        + "\"wechat_channels\":{\"nickname\":\"视频号名称\",\"status\":1},"
                        + "\"external_attr\":[{\"type\":0,\"name\":\"文本名称\",\"text\":{\"value\":\"文本\"}},"
                        + "{\"type\":1,\"name\":\"网页名称\",\"web\":{\"url\":\"http://www.test.com\",\"title\":\"标题\"}},"
                        + "{\"type\":2,\"name\":\"测试app\",\"miniprogram\":{\"appid\":\"wx8bd80126147dFAKE\","
                        + "\"pagepath\":\"/index\",\"title\":\"miniprogram\"}}]},"
                        + "\"gender\":\"1\","
                        + "\"is_leader_in_dept\":[1,0],"
                        + "\"main_department\":1,"
                        + "\"open_userid\":\"xxxxxx\","
                        + "\"order\":[1,2],"
                        + "\"position\":\"后台工程师\","
                        + "\"qr_code\":\"https://open.work.weixin.qq.com/wwopen/userQRCode?vcode=xxx\","
                        + "\"status\":1,"
                        + "\"telephone\":\"020-123456\","
                        + "\"thumb_avatar\":\"http://wx.qlogo.cn/mmopen/ajNVdqHZLLA3WJ6DSZUfiakYe37PKnQhBIeOQBO4czqrnZDS79FH5Wm5m4X69TBicnHFlhiafvDwklOpZeXYQQ2icg/100\","
                        + "\"outOfScopeDepartmentIds\":[\"1\"]}}"), Golden.MEMBER_FIELDS);
    }
}
