package io.orgsync.run;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.simulator.SchoolShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** CONTRACT section 6: a run longer than 10 s logs progress at least every 10 s, then one summary line. */
@Timeout(120)
class RunProgressLogTest {

    @TempDir
    Path exports;

    @Test
    void aLongRunLogsProgressAtLeastEveryTenSecondsAndOneSummary() {
        Logger runLog = (Logger) LoggerFactory.getLogger("io.orgsync.run");
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        runLog.addAppender(captured);
        // 2 campuses × 1 stage × 1 grade × (2 + 1 elective) classes: 6 class calls of 2.2 s each
        try (VendorSimulator simulator = VendorSimulator.start(
                SimulatorConfig.defaults().withSchool(new SchoolShape(2, 1, 1, 2, 3)));
             OrgSyncApp app = Harness.start(serial(Harness.overrides(simulator, exports, SourceName.WECOM_SCHOOL)))) {
            simulator.faults().slow("/cgi-bin/school/user/list", Duration.ofMillis(2200));

            assertThat(app.sync(SourceName.WECOM_SCHOOL).manifest().status()).isEqualTo(RunStatus.SUCCESS);
        } finally {
            runLog.detachAppender(captured);
        }

        List<ILoggingEvent> events = captured.list;
        long started = timeOf(events, "run started");
        long finished = timeOf(events, "run summary");
        List<Long> progress = events.stream().filter(e -> e.getFormattedMessage().startsWith("run progress"))
                .map(ILoggingEvent::getTimeStamp).toList();
        assertThat(finished - started).as("the run is long enough to need progress lines").isGreaterThan(10_000);
        assertThat(progress).isNotEmpty();
        long previous = started;
        for (long at : progress) {
            // the one-second tick may land up to a second after the 10 s mark
            assertThat(at - previous).isBetween(9_000L, 11_500L);
            previous = at;
        }
        assertThat(finished - previous).isLessThanOrEqualTo(11_500);
        assertThat(events.stream().filter(e -> e.getFormattedMessage().startsWith("run summary"))).hasSize(1);
        assertThat(events.stream().filter(e -> e.getFormattedMessage().startsWith("run progress")).findFirst()
                .orElseThrow().getFormattedMessage())
                .contains("source=wecom-school", "apiCalls=", "members=", "elapsedSeconds=");
    }

    /** One class at a time, so the slowed calls add up to a run longer than ten seconds. */
    private static java.util.Map<String, String> serial(java.util.Map<String, String> overrides) {
        overrides.put("orgsync.wecom-school.concurrency", "1");
        return overrides;
    }

    private static long timeOf(List<ILoggingEvent> events, String prefix) {
        return events.stream().filter(e -> e.getFormattedMessage().startsWith(prefix)).findFirst().orElseThrow()
                .getTimeStamp();
    }
}
