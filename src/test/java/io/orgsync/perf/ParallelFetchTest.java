package io.orgsync.perf;

import io.orgsync.Sources;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.CompanyShape;
import io.orgsync.simulator.LoggedRequest;
import io.orgsync.simulator.SchoolShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.Vendor;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fetching in parallel changes how long a run takes, nothing else: the same records byte for
 * byte, the same (minimal) number of calls, and the vendor's per-second limit kept over every
 * rolling second as the simulator saw the requests arrive.
 */
class ParallelFetchTest {

    private static VendorSimulator simulator;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSimulator() {
        // wide enough to page Feishu's users and children, with parents of children in several classes
        simulator = VendorSimulator.start(SimulatorConfig.defaults()
                .withCompany(new CompanyShape(120, 4, 3000, 60))
                .withSchool(new SchoolShape(2, 2, 2, 4, 20)));
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.resetCounters();
    }

    static List<SourceName> pagedOrSplitSources() {
        return List.of(Sources.WECOM, Sources.WECOM_SCHOOL, Sources.FEISHU);
    }

    static List<SourceName> companySources() {
        return List.of(Sources.WECOM, Sources.FEISHU);
    }

    @ParameterizedTest
    @MethodSource("pagedOrSplitSources")
    void parallelFetchingPublishesExactlyWhatSerialFetchingDoesWithTheSameCalls(SourceName source) throws IOException {
        Path serialExports = dir.resolve("serial");
        Manifest serial = sync(source, serialExports, Map.of(source.key("concurrency"), "1"));
        long serialCalls = simulator.calls();
        simulator.resetCounters();
        Path parallelExports = dir.resolve("parallel");
        Manifest parallel = sync(source, parallelExports, Map.of(source.key("concurrency"), "8"));

        assertThat(parallel.apiCalls()).isEqualTo(serial.apiCalls()).isEqualTo(serialCalls)
                .isEqualTo(simulator.calls());
        assertThat(parallel.retries()).isZero();
        Path serialRun = Harness.latestRun(serialExports, source.id(), serial.tenant());
        Path parallelRun = Harness.latestRun(parallelExports, source.id(), parallel.tenant());
        for (String file : List.of("departments.jsonl", "members.jsonl", "changes.jsonl")) {
            assertThat(Files.readAllBytes(parallelRun.resolve(file))).as(file)
                    .isEqualTo(Files.readAllBytes(serialRun.resolve(file)));
        }
        assertThat(parallel.members()).isEqualTo(serial.members()).isPositive();
    }

    @ParameterizedTest
    @MethodSource("companySources")
    void callsInFlightTogetherStillKeepEveryRollingSecondUnderTheLimit(SourceName source) {
        int perSecond = 12;
        simulator.faults().rateLimit(source == Sources.WECOM ? Vendor.WECOM : Vendor.FEISHU, perSecond);
        try {
            Manifest manifest = sync(source, dir.resolve("exports"), Map.of(source.key("concurrency"), "4",
                    source.key("max-requests-per-second"), String.valueOf(perSecond),
                    source.key("max-requests-per-minute"), String.valueOf(perSecond * 60)));

            assertThat(manifest.apiCalls()).isGreaterThan(5L * perSecond);
            Map<String, List<Long>> byApi = simulator.requestLog().stream().collect(Collectors.groupingBy(
                    LoggedRequest::endpoint, Collectors.mapping(LoggedRequest::nanoTime, Collectors.toList())));
            byApi.forEach((api, times) -> assertThat(busiestSecond(times)).as(api).isLessThanOrEqualTo(perSecond));
            assertThat(simulator.rejections()).isZero();
            assertThat(manifest.retries()).isZero();
        } finally {
            simulator.faults().rateLimit(source == Sources.WECOM ? Vendor.WECOM : Vendor.FEISHU, 1_000_000);
        }
    }

    /** The most requests in any rolling second (a window closed at its start, open at its end). */
    static int busiestSecond(List<Long> arrivals) {
        List<Long> times = new ArrayList<>(arrivals);
        times.sort(null);
        int most = 0;
        int first = 0;
        for (int last = 0; last < times.size(); last++) {
            while (times.get(last) - times.get(first) >= 1_000_000_000L) {
                first++;
            }
            most = Math.max(most, last - first + 1);
        }
        return most;
    }

    private Manifest sync(SourceName source, Path exports, Map<String, String> extra) {
        Map<String, String> overrides = Harness.overrides(simulator, exports, source);
        overrides.put(source.key("max-requests-per-second"), "10000");
        overrides.put(source.key("max-requests-per-minute"), "600000");
        overrides.putAll(extra);
        try (OrgSyncApp app = Harness.start(overrides)) {
            Manifest manifest = app.sync(source).manifest();
            assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
            return manifest;
        }
    }
}
