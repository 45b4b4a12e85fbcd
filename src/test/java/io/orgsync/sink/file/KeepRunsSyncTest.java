package io.orgsync.sink.file;

import io.orgsync.Sources;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.SchoolShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code orgsync.file.keep-runs} in the real bundle: the key reaches the file sink of scheduled runs. */
@Timeout(120)
class KeepRunsSyncTest {

    @TempDir
    Path exports;

    @Test
    void fourRunsWithKeepRunsTwoLeaveTheLastTwo() throws IOException {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(RunRetention.class);
        log.start();
        logger.addAppender(log);
        List<String> runIds = new ArrayList<>();
        String tenant;
        try (VendorSimulator simulator = VendorSimulator.start(SimulatorConfig.defaults()
                .withSchool(new SchoolShape(1, 1, 2, 2, 3)))) {
            Map<String, String> overrides = Harness.overrides(simulator, exports, Sources.WECOM_SCHOOL);
            overrides.put("orgsync.file.keep-runs", "2");
            try (OrgSyncApp app = Harness.start(overrides)) {
                for (int i = 0; i < 4; i++) {
                    Manifest manifest = app.sync(Sources.WECOM_SCHOOL).manifest();
                    assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
                    runIds.add(manifest.runId());
                }
                tenant = app.settings().source(Sources.WECOM_SCHOOL).tenant();
            }
        } finally {
            logger.detachAppender(log);
        }

        // run ids sort by start time, and each run started after the one before had finished
        assertThat(runIds).isSorted().doesNotHaveDuplicates();
        Path tenantDir = exports.resolve("wecom-school").resolve(tenant);
        assertThat(FileSinkTest.names(tenantDir)).containsExactly(runIds.get(2), runIds.get(3), "latest.json");
        assertThat(Harness.latestRun(exports, "wecom-school", tenant)).isEqualTo(tenantDir.resolve(runIds.get(3)));
        String line = "old run folder(s) of wecom-school/" + tenant + ", keeping the newest 2 (orgsync.file.keep-runs)";
        assertThat(log.list.stream().map(ILoggingEvent::getFormattedMessage).toList())
                .containsExactly("removed 0 " + line, "removed 0 " + line, "removed 1 " + line, "removed 1 " + line);
    }
}
