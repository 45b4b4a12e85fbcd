package io.orgsync.run;

import io.orgsync.config.OrgSyncSettings;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.orgsync.run.Fixtures.SOURCE;
import static io.orgsync.run.Fixtures.TENANT;
import static io.orgsync.run.Fixtures.department;
import static io.orgsync.run.Fixtures.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the coordinator treats the state store: staged once and before every other sink, committed
 * first, and given a run record of its own for failed and held runs. The database behind it is
 * tested in {@code io.orgsync.sink.jdbc}; here fakes record what happened, and in which order.
 */
class RunCoordinatorStateTest {

    private final List<String> events = new ArrayList<>();
    private final FakeState state = new FakeState();
    private final FakeSink file = new FakeSink("file");
    private final DefaultCamelContext context = new DefaultCamelContext();
    private RunCoordinator coordinator;

    @AfterEach
    void close() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private RunCoordinator coordinator(String sinks) {
        Map<String, String> values = new HashMap<>(Map.of("orgsync.sources", SOURCE,
                "orgsync.wecom-school.corp-id", TENANT, "orgsync.wecom-school.corp-secret", "x",
                "orgsync.sinks", sinks));
        OrgSyncSettings settings = OrgSyncSettings.load(key -> Optional.ofNullable(values.get(key)));
        coordinator = new RunCoordinator(settings, state, Map.of("file", file), Clock.systemUTC());
        return coordinator;
    }

    private Exchange prepared(RunCoordinator runs) throws Exception {
        Exchange exchange = new DefaultExchange(context);
        runs.begin(exchange, SOURCE);
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        run.snapshot().addDepartment(department("1", null, "学校"));
        run.snapshot().addMember(member("zhangsan", "张三", "1"));
        runs.prepare(exchange);
        return exchange;
    }

    @Test
    void theDatabaseIsAlwaysTheFirstSinkAndListedOnce() {
        assertThat(coordinator("file").sinkEndpoints()).isEqualTo("direct:sink-jdbc,direct:sink-file");
        assertThat(coordinator("jdbc").sinkEndpoints()).isEqualTo("direct:sink-jdbc");
        assertThat(coordinator("file,jdbc").sinkEndpoints()).isEqualTo("direct:sink-jdbc,direct:sink-file");
    }

    @Test
    void aSuccessfulRunIsCommittedToTheStateFirst() throws Exception {
        RunCoordinator runs = coordinator("file");
        Exchange exchange = prepared(runs);

        runs.stage(exchange, "jdbc");
        runs.stage(exchange, "file");
        runs.succeeded(exchange);

        assertThat(events).containsExactly("stage jdbc", "stage file", "commit jdbc", "commit file");
        assertThat(state.recorded).isEmpty();
    }

    @Test
    void sinksStageInAnyOrderOnceEachAndCommitTheStateFirst() throws Exception {
        RunCoordinator runs = coordinator("file");
        Exchange exchange = prepared(runs);

        runs.stage(exchange, "file");
        runs.stage(exchange, "jdbc");
        assertThatThrownBy(() -> runs.stage(exchange, "jdbc")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("twice");
        runs.succeeded(exchange);

        assertThat(events).containsExactly("stage file", "stage jdbc", "stage jdbc", "close jdbc", "commit jdbc",
                "commit file");
    }

    @Test
    void aRunCannotSucceedBeforeEverySinkStaged() throws Exception {
        RunCoordinator runs = coordinator("file");
        Exchange exchange = prepared(runs);

        runs.stage(exchange, "file");
        assertThatThrownBy(() -> runs.succeeded(exchange)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'jdbc' has not staged");
        assertThat(events).doesNotContain("commit file");
    }

    @Test
    void aSinkThatFinishesStagingAfterTheRunFailedDiscardsItsWork() throws Exception {
        RunCoordinator runs = coordinator("file");
        Exchange exchange = prepared(runs);
        runs.stage(exchange, "jdbc");
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("another sink failed"));
        runs.fail(exchange);

        runs.stage(exchange, "file");

        assertThat(events).containsExactly("stage jdbc", "close jdbc", "stage file", "close file");
    }

    @Test
    void aSinkFailingToStageRollsTheStateBackAndRecordsTheFailedRun() throws Exception {
        RunCoordinator runs = coordinator("file");
        Exchange exchange = prepared(runs);
        file.failStage = true;

        runs.stage(exchange, "jdbc");
        Exception failure = assertThrows(() -> runs.stage(exchange, "file"));
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        Manifest manifest = runs.fail(exchange);

        assertThat(events).containsExactly("stage jdbc", "close jdbc");
        assertThat(manifest.status()).isEqualTo(RunStatus.FAILED);
        assertThat(state.recorded).containsExactly(manifest);
    }

    @Test
    void aSinkFailingAfterTheStateCommittedRecordsNoFailedRunOverTheAppliedOne() throws Exception {
        RunCoordinator runs = coordinator("file");
        Exchange exchange = prepared(runs);
        file.failCommit = true;
        runs.stage(exchange, "jdbc");
        runs.stage(exchange, "file");

        Exception failure = assertThrows(() -> runs.succeeded(exchange));
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        Manifest manifest = runs.fail(exchange);

        assertThat(manifest.status()).isEqualTo(RunStatus.FAILED);
        // closing a committed sink changes nothing (Sink.Staged#close)
        assertThat(events).containsExactly("stage jdbc", "stage file", "commit jdbc", "close jdbc", "close file");
        assertThat(state.recorded).as("the state shows the run as applied, which it is").isEmpty();
    }

    @Test
    void aHeldRunIsRecordedAndNothingStaged() throws Exception {
        RunCoordinator runs = coordinator("file");
        state.previous = new PreviousRun("r0", List.of(department("1", null, "学校")),
                List.of(member("a", "甲", "1"), member("b", "乙", "1"), member("c", "丙", "1"), member("d", "丁", "1"),
                        member("e", "戊", "1"), member("f", "己", "1"), member("g", "庚", "1")));
        Exchange exchange = prepared(runs);

        Manifest manifest = runs.held(exchange);

        assertThat(manifest.status()).isEqualTo(RunStatus.HELD);
        assertThat(manifest.deleted()).isEqualTo(7);
        assertThat(state.recorded).containsExactly(manifest);
        assertThat(events).isEmpty();
    }

    @Test
    void aStateThatCannotRecordDoesNotHideTheRunsOwnFailure() throws Exception {
        RunCoordinator runs = coordinator("file");
        Exchange exchange = prepared(runs);
        state.failRecord = true;
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new RunFailedException("the vendor said no"));

        Manifest manifest = runs.fail(exchange);

        assertThat(manifest.error()).isEqualTo("the vendor said no");
    }

    private static Exception assertThrows(ThrowingCall call) {
        try {
            call.run();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }

    private class FakeSink implements Sink {
        final String name;
        boolean failStage;
        boolean failCommit;

        FakeSink(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Staged stage(RunResult result) {
            if (failStage) {
                throw new RunFailedException(name + " could not stage");
            }
            events.add("stage " + name);
            return new Staged() {
                @Override
                public void commit() {
                    if (failCommit) {
                        throw new RunFailedException(name + " could not commit");
                    }
                    events.add("commit " + name);
                }

                @Override
                public void close() {
                    events.add("close " + name);
                }
            };
        }
    }

    private final class FakeState extends FakeSink implements StateStore {
        PreviousRun previous = PreviousRun.none();
        final List<Manifest> recorded = new ArrayList<>();
        boolean failRecord;

        FakeState() {
            super("jdbc");
        }

        @Override
        public PreviousRun load(String source, String tenant) {
            return previous;
        }

        @Override
        public java.util.Set<String> committed(java.util.Collection<String> runIds) {
            return java.util.Set.of();
        }

        @Override
        public void recordUnapplied(Manifest manifest) {
            if (failRecord) {
                throw new RunFailedException("database unreachable");
            }
            recorded.add(manifest);
        }
    }
}
