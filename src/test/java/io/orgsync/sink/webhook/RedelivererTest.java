package io.orgsync.sink.webhook;

import io.orgsync.config.ConfigurationException;
import io.orgsync.run.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.orgsync.sink.webhook.WebhookFixtures.SECRET;
import static io.orgsync.sink.webhook.WebhookFixtures.fast;
import static io.orgsync.sink.webhook.WebhookFixtures.lookup;
import static io.orgsync.sink.webhook.WebhookFixtures.run;
import static io.orgsync.sink.webhook.WebhookFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedelivererTest {

    private static final String OLDER = "20261120T020000000Z-aaaaaa";
    private static final String NEWER = "20261121T020000000Z-bbbbbb";

    @TempDir
    Path fileDir;

    @Test
    void redeliversRunsOldestFirstInTheirOriginalOrderAndRemovesWhatWasDelivered() throws Exception {
        RunResult older = run(OLDER, 4);
        RunResult newer = run(NEWER, 1);
        try (Receiver receiver = new Receiver(SECRET).thenAnswer(400, 2)) {
            Map<String, String> values = fast(receiver.url());
            WebhookDelivery delivery = new WebhookDelivery(settings(values), fileDir);
            // delivered newest first on purpose: the redelivery order comes from the run ids, not the file times
            assertThat(delivery.deliver(newer).failedMessages()).isEqualTo(2);
            assertThat(delivery.deliver(older).failedMessages()).isEqualTo(3);

            int exit = Redeliverer.run(WebhookDelivery.deadLetterRoot(fileDir), lookup(values),
                    WebhookFixtures.ALL_COMMITTED);

            assertThat(exit).isZero();
            List<String> expected = new ArrayList<>();
            WebhookMessage.of(older, 3).forEach(m -> expected.add(m.id()));
            WebhookMessage.of(newer, 3).forEach(m -> expected.add(m.id()));
            assertThat(receiver.accepted()).extracting(Receiver.Request::id).containsExactlyElementsOf(expected);
            assertThat(receiver.accepted()).allSatisfy(r -> assertThat(r.verified()).isTrue());
            assertThat(WebhookDelivery.deadLetterRoot(fileDir)).isEmptyDirectory();
        }
    }

    @Test
    void aMessageFailingAgainHoldsBackTheLaterOnesForThatUrlOnly() throws Exception {
        RunResult result = run(OLDER, 4);
        try (Receiver down = new Receiver(SECRET).thenAnswer(503, 10_000);
             Receiver flaky = new Receiver(SECRET).thenAnswer(503, 10_000)) {
            Map<String, String> values = fast(down.url(), flaky.url());
            values.put("orgsync.webhook.retry-budget-ms", "150");
            assertThat(new WebhookDelivery(settings(values), fileDir).deliver(result).failedMessages()).isEqualTo(6);
            int attemptsBefore = down.requests().size();
            flaky.recover();

            Redeliverer.Result redelivery = new Redeliverer(settings(values), WebhookFixtures.ALL_COMMITTED)
                    .redeliver(WebhookDelivery.deadLetterRoot(fileDir).resolve(OLDER));

            assertThat(redelivery).isEqualTo(new Redeliverer.Result(6, 3, 3));
            assertThat(redelivery.exitCode()).isEqualTo(1);
            // only the first of the down receiver's messages was tried again
            assertThat(down.requests().subList(attemptsBefore, down.requests().size()))
                    .extracting(Receiver.Request::id).containsOnly(WebhookMessage.of(result, 3).get(0).id());
            assertThat(flaky.accepted()).hasSize(3);
            assertThat(names(WebhookDelivery.deadLetterRoot(fileDir).resolve(OLDER)))
                    .containsExactly("1-000001.json", "1-000002.json", "1-000003.json");
        }
    }

    @Test
    void deadLettersForAUrlNoLongerConfiguredOrUnreadableStayInPlace() throws Exception {
        Path runDir;
        try (Receiver retired = new Receiver(SECRET).thenAnswer(400, 1)) {
            new WebhookDelivery(settings(fast(retired.url())), fileDir).deliver(run(OLDER, 0));
            runDir = WebhookDelivery.deadLetterRoot(fileDir).resolve(OLDER);
        }
        Files.writeString(runDir.resolve("2-000001.json"), "{not json");
        try (Receiver current = new Receiver(SECRET)) {
            Redeliverer.Result result = new Redeliverer(settings(fast(current.url())), WebhookFixtures.ALL_COMMITTED)
                    .redeliver(WebhookDelivery.deadLetterRoot(fileDir));

            assertThat(result).isEqualTo(new Redeliverer.Result(2, 0, 2));
            assertThat(current.requests()).isEmpty();
            assertThat(names(runDir)).containsExactly("1-000001.json", "2-000001.json");
        }
    }

    @Test
    void nothingToRedeliverIsSuccess() throws Exception {
        Path empty = Files.createDirectories(WebhookDelivery.deadLetterRoot(fileDir));
        try (Receiver receiver = new Receiver(SECRET)) {
            assertThat(Redeliverer.run(empty, lookup(fast(receiver.url())), WebhookFixtures.ALL_COMMITTED)).isZero();
        }
    }

    @Test
    void aPathThatIsNotAFolderOrMissingSettingsAreConfigurationErrors() throws Exception {
        try (Receiver receiver = new Receiver(SECRET)) {
            assertThatThrownBy(() -> Redeliverer.run(fileDir.resolve("nope"), lookup(fast(receiver.url())),
                    WebhookFixtures.ALL_COMMITTED))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("--redeliver: ");
        }
        assertThatThrownBy(() -> Redeliverer.run(fileDir, lookup(Map.of()), WebhookFixtures.ALL_COMMITTED))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("orgsync.webhook.url: ");
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
