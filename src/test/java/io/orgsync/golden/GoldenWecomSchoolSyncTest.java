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
import java.util.Map;

import static io.orgsync.testing.Golden.resource;

/**
 * A small WeCom school (家校沟通) answered by hand-written vendor answers (golden/wecom-school/vendor), run
 * through the real bundle, published exactly as the hand-written golden lines
 * (golden/wecom-school/departments.jsonl, members.jsonl; see golden/README.md).
 */
@Timeout(120)
class GoldenWecomSchoolSyncTest {

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
    void theSmallSchoolIsPublishedAsTheGoldenLines() {
        // school/user/list is asked for the classes (type 1) only, one class at a time
        simulator.canned()
                .answer("/cgi-bin/school/department/list", Map.of(),
                        resource("golden/wecom-school/vendor/department-list.json"))
                .answer("/cgi-bin/school/user/list", Map.of("department_id", "5"),
                        resource("golden/wecom-school/vendor/user-list-5.json"))
                .answer("/cgi-bin/school/user/list", Map.of("department_id", "6"),
                        resource("golden/wecom-school/vendor/user-list-6.json"));

        Path run = Golden.sync(simulator, exports, Sources.WECOM_SCHOOL, Map.of());

        Golden.assertPublishesGolden(run, "wecom-school");

        // the same answers again: nothing created, updated or deleted, the same lines published
        Path again = Golden.syncUnchanged(simulator, exports, Sources.WECOM_SCHOOL, Map.of());
        Golden.assertPublishesGolden(again, "wecom-school");
    }
}
