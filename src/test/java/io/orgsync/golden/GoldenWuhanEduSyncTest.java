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
 * A small Wuhan Education Cloud school answered by hand-written vendor answers (golden/wuhan-edu/vendor), run
 * through the real bundle, published exactly as the hand-written golden lines
 * (golden/wuhan-edu/departments.jsonl, members.jsonl; see golden/README.md).
 */
@Timeout(120)
class GoldenWuhanEduSyncTest {

    private static final String CHILD_LIST = "/user/openapi/org-tree/get-child-list";
    private static final String SCHOOL = "4b50aac88c4211e9a6de0200f723bcf3";
    private static final String CAMPUS = "c1000000000000000000000000000001";
    private static final String GRADE = "c1000000000000000000000000000002";

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
        // the school, its tree level by level (classes and the office say has_child false and are not
        // asked), one member page naming each student's parents, one parent page (a POST)
        simulator.canned()
                .answer("/user/openapi/org/get-org-info", Map.of("org_id", SCHOOL),
                        resource("golden/wuhan-edu/vendor/org-info.json"))
                .answer(CHILD_LIST, Map.of("org_id", SCHOOL), resource("golden/wuhan-edu/vendor/child-list-school.json"))
                .answer(CHILD_LIST, Map.of("org_id", CAMPUS), resource("golden/wuhan-edu/vendor/child-list-campus.json"))
                .answer(CHILD_LIST, Map.of("org_id", GRADE), resource("golden/wuhan-edu/vendor/child-list-grade.json"))
                .answer("/user/openapi/user/get-org-member-simple-list", Map.of("page", "1"),
                        resource("golden/wuhan-edu/vendor/member-list.json"))
                .answer("/user/openapi/user/get-org-parents-list", Map.of(),
                        resource("golden/wuhan-edu/vendor/parents-list.json"));

        Path run = Golden.sync(simulator, exports, Sources.WUHAN_EDU,
                Map.of(Sources.WUHAN_EDU.key("top-org-id"), SCHOOL));

        Golden.assertPublishesGolden(run, "wuhan-edu");

        // the same answers again: nothing created, updated or deleted, the same lines published
        Path again = Golden.syncUnchanged(simulator, exports, Sources.WUHAN_EDU,
                Map.of(Sources.WUHAN_EDU.key("top-org-id"), SCHOOL));
        Golden.assertPublishesGolden(again, "wuhan-edu");
    }
}
