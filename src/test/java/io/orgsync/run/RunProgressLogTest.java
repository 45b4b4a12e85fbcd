package io.orgsync.run;

import io.orgsync.BeanStep;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.orgsync.config.OrgSyncSettings;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static io.orgsync.run.Fixtures.SOURCE;
import static io.orgsync.run.Fixtures.TENANT;
import static io.orgsync.run.Fixtures.department;
import static io.orgsync.run.Fixtures.member;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run longer than ten seconds logs a progress line at least every ten seconds of its own, then
 * one summary line (docs/operations.md). The coordinator reads the test's clock, which moves only
 * when the test moves it; after each move the test waits until the coordinator's progress check
 * (a once-a-second tick on its own thread) has read the moved clock and finished, never for time
 * to pass, and never measures how long anything took.
 */
@Timeout(120)
class RunProgressLogTest {

    private static final Instant START = Instant.parse("2026-11-21T02:00:00Z");
    /** The coordinator's progress thread, the only reader of the clock the test waits for. */
    private static final String PROGRESS_THREAD = "orgsync-progress";

    private final SteppedClock clock = new SteppedClock(START);
    private final Logger runLog = (Logger) LoggerFactory.getLogger("io.orgsync.run");
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private RunCoordinator coordinator;

    @BeforeEach
    void capture() {
        captured.start();
        runLog.addAppender(captured);
    }

    @AfterEach
    void close() {
        runLog.detachAppender(captured);
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    void aLongRunLogsProgressEveryTenSecondsOfItsOwnThenOneSummaryAndNothingAfter() throws Exception {
        Map<String, String> values = Map.of("orgsync.sources", SOURCE, "orgsync.wecom-school.corp-id", TENANT,
                "orgsync.wecom-school.corp-secret", "x", "orgsync.sinks", "jdbc");
        coordinator = new RunCoordinator(OrgSyncSettings.load(key -> Optional.ofNullable(values.get(key))),
                new NoState(), Map.of(), clock);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        coordinator.begin(exchange.getProperties(), SOURCE);
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        run.snapshot().addDepartment(department("1", null, "学校"));
        run.snapshot().addMember(member("zhangsan", "张三", "1"));

        checkedAt(Duration.ofMillis(9_999));
        assertThat(lines("run progress")).as("nothing before ten seconds").isEmpty();

        movedTo(Duration.ofSeconds(10), 1);
        assertThat(lines("run progress")).singleElement().asString()
                .contains("runId=" + run.runId(), "source=wecom-school", "tenant=" + TENANT, "elapsedSeconds=10",
                        "departments=1", "members=1", "apiCalls=", "retries=");

        // the next ten seconds after the last progress line: not at every check past ten seconds,
        // nor at multiples of ten seconds since the start (30 s)
        movedTo(Duration.ofSeconds(25), 2);
        assertThat(lines("run progress")).hasSize(2).last().asString().contains("elapsedSeconds=25");
        checkedAt(Duration.ofMillis(34_999));
        assertThat(lines("run progress")).hasSize(2);

        // what the route orgsync-publish does with a run that is not held
        BeanStep.call(coordinator, "compare", exchange);
        BeanStep.call(coordinator, "guard", exchange);
        BeanStep.call(coordinator, "forSinks", exchange);
        // what the route orgsync-publish does once the database committed the run
        exchange.setProperty(RunCoordinator.STATE_COMMITTED, true);
        BeanStep.call(coordinator, "succeeded", exchange);
        assertThat(lines("run summary")).singleElement().asString().contains("runId=" + run.runId(), "status=success");

        checkedAt(Duration.ofMinutes(5));
        assertThat(lines("run progress")).as("a finished run reports no more progress").hasSize(2);
        assertThat(lines("run summary")).hasSize(1);
    }

    /**
     * Moves the clock to {@code sinceStart} after the run's start, then waits for two reads of it
     * by the progress thread: the first may have begun before the move was seen everywhere, the
     * second starts only after the first check finished (one thread, ticks never overlap), so a
     * whole check ran against the moved clock.
     */
    private void checkedAt(Duration sinceStart) throws InterruptedException {
        clock.set(START.plus(sinceStart));
        long reads = clock.progressReads();
        while (clock.progressReads() < reads + 2) {
            Thread.sleep(20); // polling a counter the progress thread increments
        }
    }

    /** Moves the clock, then waits for the progress line that makes {@code lines} of them. */
    private void movedTo(Duration sinceStart, int lines) throws InterruptedException {
        clock.set(START.plus(sinceStart));
        while (lines("run progress").size() < lines) {
            Thread.sleep(20); // polling the captured log
        }
    }

    private List<String> lines(String prefix) {
        synchronized (captured.list) {
            return captured.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith(prefix))
                    .toList();
        }
    }

    /** A clock the test sets, counting the reads made by the coordinator's progress thread. */
    private static final class SteppedClock extends Clock {
        private volatile Instant now;
        private final AtomicLong progressReads = new AtomicLong();

        SteppedClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        long progressReads() {
            return progressReads.get();
        }

        @Override
        public Instant instant() {
            Instant instant = now;
            if (Thread.currentThread().getName().equals(PROGRESS_THREAD)) {
                progressReads.incrementAndGet();
            }
            return instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** A state store with no previous run that records nothing. */
    private static final class NoState implements StateStore {

        @Override
        public String name() {
            return "jdbc";
        }

        @Override
        public PreviousRun load(String source, String tenant) {
            return PreviousRun.none();
        }

        @Override
        public Set<String> committed(Collection<String> runIds) {
            return Set.of();
        }

        @Override
        public void recordUnapplied(Manifest manifest) {
        }
    }
}
