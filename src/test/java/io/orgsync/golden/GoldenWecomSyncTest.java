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
 * A small WeCom corporation answered by hand-written vendor answers (golden/wecom/vendor), run
 * through the real bundle, published exactly as the hand-written golden lines
 * (golden/wecom/departments.jsonl, members.jsonl; see golden/README.md).
 */
@Timeout(120)
class GoldenWecomSyncTest {

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
    void theSmallCorporationIsPublishedAsTheGoldenLines() {
        var canned = simulator.canned().answer("/cgi-bin/department/list", Map.of(),
                resource("golden/wecom/vendor/department-list.json"));
        for (String department : new String[]{"1", "2", "3", "4", "9"}) {
            canned.answer("/cgi-bin/user/list", Map.of("department_id", department),
                    resource("golden/wecom/vendor/user-list-" + department + ".json"));
        }

        Path run = Golden.sync(simulator, exports, Sources.WECOM, Map.of());

        Golden.assertPublishesGolden(run, "wecom");

        // the same answers again: nothing created, updated or deleted, the same lines published
        Path again = Golden.syncUnchanged(simulator, exports, Sources.WECOM, Map.of());
        Golden.assertPublishesGolden(again, "wecom");
    }
}
