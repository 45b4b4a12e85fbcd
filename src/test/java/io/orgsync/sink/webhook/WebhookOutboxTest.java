package io.orgsync.sink.webhook;

import io.orgsync.run.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook outbox: a run's messages are on disk from staging on, so a crash between the
 * database commit and the last delivery loses nothing, and a run that fails before its commit
 * sends nothing.
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

    @Test
    void aCrashAfterStagingLeavesEveryMessageForRedeliveryWithItsId() throws Exception {
        try (Receiver receiver = new Receiver(WebhookFixtures.SECRET)) {
            sink(receiver).stage(WebhookFixtures.run("run-crashed", 7));
            // the process dies here: neither commit nor close runs

            int exit = new Redeliverer(WebhookFixtures.settings(WebhookFixtures.fast(receiver.url())))
                    .redeliver(WebhookDelivery.deadLetterRoot(fileDir)).exitCode();

            assertThat(exit).isZero();
            assertThat(receiver.accepted()).extracting(Receiver.Request::id).containsExactly(
                    "msg_run-crashed_1", "msg_run-crashed_2", "msg_run-crashed_3", "msg_run-crashed_completed");
            assertThat(files()).isEmpty();
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
