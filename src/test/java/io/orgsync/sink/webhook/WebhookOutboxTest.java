package io.orgsync.sink.webhook;

import io.orgsync.run.CommittedRuns;
import io.orgsync.run.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook outbox: a run's messages are on disk from staging on, so a crash between the
 * database commit and the last delivery loses nothing; a run that fails before its commit, or
 * whose commit a crash took back, sends nothing; and what a committed run left waiting goes out
 * before the next run's messages, in run order.
 */
class WebhookOutboxTest {

    @TempDir
    Path fileDir;

    @Test
    void stagedMessagesWaitInTheOutboxAndAFailedRunDiscardsThem() throws Exception {
        try (Receiver receiver = new Receiver(WebhookFixtures.SECRET)) {
            WebhookSink sink = sink(receiver);
            RunResult run = WebhookFixtures.run("run-discarded", 7);

            WebhookSink.StagedDelivery staged = sink.stage(run);
            assertThat(files()).as("3 change batches + completion, on disk before any commit").hasSize(4);
            assertThat(receiver.requests()).as("nothing sent while staged").isEmpty();

            staged.close();

            assertThat(files()).isEmpty();
            assertThat(receiver.requests()).isEmpty();
        }
    }

    /**
     * Killed after staging but before the database's commit was durable: the run never happened,
     * so its messages are removed at the next start and no redelivery sends them.
     */
    @Test
    void aRunTheDatabaseDoesNotRecordIsNeverSent() throws Exception {
        try (Receiver receiver = new Receiver(WebhookFixtures.SECRET)) {
            sink(receiver).stage(WebhookFixtures.run("20261121T020000000Z-crashed", 7));
            // the process dies here, and the database has no row for the run

            assertThat(WebhookDelivery.discardUncommitted(fileDir, CommittedRuns.NONE))
                    .containsExactly("20261121T020000000Z-crashed");
            int exit = new Redeliverer(WebhookFixtures.settings(WebhookFixtures.fast(receiver.url())), CommittedRuns.NONE)
                    .redeliver(Files.createDirectories(WebhookDelivery.deadLetterRoot(fileDir))).exitCode();

            assertThat(exit).isZero();
            assertThat(receiver.requests()).isEmpty();
            assertThat(files()).isEmpty();
        }
    }

    /** Killed after the commit but before delivery: every message waits, and goes with its id. */
    @Test
    void aCommittedRunsMessagesWaitForRedeliveryWithTheirIds() throws Exception {
        String run = "20261121T020000000Z-committed";
        CommittedRuns committed = ids -> ids.contains(run) ? Set.of(run) : Set.of();
        try (Receiver receiver = new Receiver(WebhookFixtures.SECRET)) {
            sink(receiver).stage(WebhookFixtures.run(run, 7));

            assertThat(WebhookDelivery.discardUncommitted(fileDir, committed)).isEmpty();
            int exit = new Redeliverer(WebhookFixtures.settings(WebhookFixtures.fast(receiver.url())), committed)
                    .redeliver(WebhookDelivery.deadLetterRoot(fileDir)).exitCode();

            assertThat(exit).isZero();
            assertThat(receiver.accepted()).extracting(Receiver.Request::id).containsExactly(
                    "msg_" + run + "_1", "msg_" + run + "_2", "msg_" + run + "_3", "msg_" + run + "_completed");
            assertThat(files()).isEmpty();
        }
    }

    /** The next run delivers what a committed run left waiting first, oldest first, without being asked. */
    @Test
    void waitingMessagesOfCommittedRunsGoBeforeTheNextRunsOwn() throws Exception {
        String older = "20261120T020000000Z-aaaaaa";
        String old = "20261121T020000000Z-bbbbbb";
        String next = "20261122T020000000Z-cccccc";
        try (Receiver receiver = new Receiver(WebhookFixtures.SECRET)) {
            // staged newest first: the order comes from the run ids
            sink(receiver).stage(WebhookFixtures.run(old, 1));
            sink(receiver).stage(WebhookFixtures.run(older, 4));
            WebhookSink sink = new WebhookSink(new WebhookDelivery(
                    WebhookFixtures.settings(WebhookFixtures.fast(receiver.url())), fileDir, WebhookFixtures.ALL_COMMITTED));

            WebhookSink.StagedDelivery staged = sink.stage(WebhookFixtures.run(next, 1));
            staged.commit();

            assertThat(staged.deliveryFailures()).isZero();
            assertThat(staged.earlierDelivered()).as("counted: 3 of the older run, 2 of the old").isEqualTo(5);
            assertThat(receiver.accepted()).extracting(Receiver.Request::id).containsExactly(
                    "msg_" + older + "_1", "msg_" + older + "_2", "msg_" + older + "_completed",
                    "msg_" + old + "_1", "msg_" + old + "_completed",
                    "msg_" + next + "_1", "msg_" + next + "_completed");
            assertThat(files()).isEmpty();
        }
    }

    /** A waiting message that fails again keeps its place: the next run's messages wait behind it. */
    @Test
    void aWaitingMessageThatFailsAgainHoldsTheNextRunBackForThatUrl() throws Exception {
        String old = "20261121T020000000Z-bbbbbb";
        String next = "20261122T020000000Z-cccccc";
        try (Receiver receiver = new Receiver(WebhookFixtures.SECRET).thenAnswer(400, 1)) {
            sink(receiver).stage(WebhookFixtures.run(old, 1));
            WebhookSink sink = new WebhookSink(new WebhookDelivery(
                    WebhookFixtures.settings(WebhookFixtures.fast(receiver.url())), fileDir, WebhookFixtures.ALL_COMMITTED));

            WebhookSink.StagedDelivery staged = sink.stage(WebhookFixtures.run(next, 1));
            staged.commit();

            assertThat(receiver.requests()).extracting(Receiver.Request::id).containsExactly("msg_" + old + "_1");
            assertThat(staged.deliveryFailures()).as("the next run's messages, held back").isEqualTo(2);
            assertThat(files()).hasSize(4);

            int exit = new Redeliverer(WebhookFixtures.settings(WebhookFixtures.fast(receiver.url())),
                    WebhookFixtures.ALL_COMMITTED).redeliver(WebhookDelivery.deadLetterRoot(fileDir)).exitCode();
            assertThat(exit).isZero();
            assertThat(receiver.accepted()).extracting(Receiver.Request::id).containsExactly(
                    "msg_" + old + "_1", "msg_" + old + "_completed", "msg_" + next + "_1", "msg_" + next + "_completed");
        }
    }

    @Test
    void aRunThatFailsAfterTheDatabaseCommittedKeepsItsOutbox() throws Exception {
        try (Receiver receiver = new Receiver(WebhookFixtures.SECRET)) {
            WebhookSink.StagedDelivery staged = sink(receiver).stage(WebhookFixtures.run("run-applied", 7));

            staged.closeAfterStateCommitted();

            assertThat(files()).as("the run is applied: receivers must still hear of it").hasSize(4);
            assertThat(receiver.requests()).isEmpty();
        }
    }

    @Test
    void aDeliveredRunLeavesNoOutbox() throws Exception {
        try (Receiver receiver = new Receiver(WebhookFixtures.SECRET)) {
            WebhookSink.StagedDelivery staged = sink(receiver).stage(WebhookFixtures.run("run-delivered", 7));

            staged.commit();
            staged.close();

            assertThat(staged.deliveryFailures()).isZero();
            assertThat(receiver.accepted()).hasSize(4);
            assertThat(files()).isEmpty();
            assertThat(WebhookDelivery.deadLetterRoot(fileDir).resolve("run-delivered")).doesNotExist();
        }
    }

    private WebhookSink sink(Receiver receiver) {
        Map<String, String> values = WebhookFixtures.fast(receiver.url());
        return new WebhookSink(new WebhookDelivery(WebhookFixtures.settings(values), fileDir));
    }

    private List<Path> files() throws Exception {
        Path root = WebhookDelivery.deadLetterRoot(fileDir);
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
