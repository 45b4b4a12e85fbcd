package io.orgsync.golden;

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
import java.util.HashMap;
import java.util.Map;

import static io.orgsync.testing.Golden.resource;

/**
 * A small Feishu tenant (contact v3) answered by hand-written vendor answers (golden/feishu/vendor), run
 * through the real bundle, published exactly as the hand-written golden lines
 * (golden/feishu/departments.jsonl, members.jsonl; see golden/README.md).
 */
@Timeout(120)
class GoldenFeishuSyncTest {

    private static final String CHILDREN = "/open-apis/contact/v3/departments/0/children";

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
    void theSmallTenantIsPublishedAsTheGoldenLines() {
        // the recursive listing of the root "0", two pages; then each department's direct users
        Map<String, String> firstPage = new HashMap<>();
        firstPage.put("page_token", null);
        var canned = simulator.canned()
                .answer(CHILDREN, firstPage, resource("golden/feishu/vendor/children-page-1.json"))
                .answer(CHILDREN, Map.of("page_token", "page-2"), resource("golden/feishu/vendor/children-page-2.json"));
        for (String department : new String[]{"0", "od-a", "od-b", "od-c"}) {
            canned.answer("/open-apis/contact/v3/users/find_by_department", Map.of("department_id", department),
                    resource("golden/feishu/vendor/users-" + department + ".json"));
        }

        Path run = Golden.sync(simulator, exports, Sources.FEISHU, Map.of());

        Golden.assertPublishesGolden(run, "feishu");

        // the same answers again: nothing created, updated or deleted, the same lines published
        Path again = Golden.syncUnchanged(simulator, exports, Sources.FEISHU, Map.of());
        Golden.assertPublishesGolden(again, "feishu");
    }
}
