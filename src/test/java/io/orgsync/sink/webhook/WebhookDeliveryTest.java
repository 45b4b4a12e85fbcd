package io.orgsync.sink.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.run.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import static io.orgsync.sink.webhook.WebhookFixtures.NEXT_SECRET;
import static io.orgsync.sink.webhook.WebhookFixtures.SECRET;
import static io.orgsync.sink.webhook.WebhookFixtures.WRONG_SECRET;
import static io.orgsync.sink.webhook.WebhookFixtures.fast;
import static io.orgsync.sink.webhook.WebhookFixtures.run;
import static io.orgsync.sink.webhook.WebhookFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook sink against real HTTP receivers on loopback sockets, each checking signatures with
 * its own HMAC code ({@link Receiver}), never the product's signer.
 */
class WebhookDeliveryTest {

    private static final String RUN_ID = "20261121T020000000Z-a1b2c3";

    @TempDir
    Path fileDir;

    @Test
    void deliversEveryChangeInBatchesWithinTheSizeThenTheCompletionMessageLast() throws Exception {
        RunResult result = run(RUN_ID, 8);
        try (Receiver receiver = new Receiver(SECRET)) {
            DeliveryReport report = delivery(fast(receiver.url())).deliver(result);

            assertThat(report.failedMessages()).isZero();
            assertThat(report.targets()).singleElement().satisfies(t -> {
                assertThat(t.messages()).isEqualTo(4);
                assertThat(t.delivered()).isEqualTo(4);
                assertThat(t.deadLetters()).isNull();
            });
            List<Receiver.Request> requests = receiver.requests();
            assertThat(requests).hasSize(4).allSatisfy(r -> {
                assertThat(r.verified()).as("signature of %s", r.id()).isTrue();
                assertThat(r.contentType()).isEqualTo("application/json");
                assertThat(r.answered()).isEqualTo(204);
            });
            assertThat(requests).extracting(Receiver.Request::id).doesNotHaveDuplicates();
            assertThat(requests).extracting(Receiver.Request::type)
                    .containsExactly("orgsync.changes", "orgsync.changes", "orgsync.changes", "orgsync.run.completed");

            ArrayNode delivered = CanonicalJson.MAPPER.createArrayNode();
            for (int i = 0; i < 3; i++) {
                JsonNode body = requests.get(i).json();
                assertThat(fieldNames(body)).containsExactly("type", "runId", "source", "tenant", "seq", "changes");
                assertThat(body.path("seq").asInt()).isEqualTo(i + 1);
                assertThat(body.path("runId").asText()).isEqualTo(RUN_ID);
                assertThat(body.path("source").asText()).isEqualTo("feishu");
                assertThat(body.path("tenant").asText()).isEqualTo("tenant-1");
                assertThat(body.path("changes").size()).isBetween(1, 3);
                body.path("changes").forEach(delivered::add);
            }
            // every change, in order, awkward names and exact decimals intact, records with their kind
            assertThat(CanonicalJson.toLine(delivered)).isEqualTo(CanonicalJson.toLine(result.changes()));
            assertThat(delivered.get(0).path("record").path("kind").asText()).isEqualTo("department");
            assertThat(delivered.get(1).path("record").path("kind").asText()).isEqualTo("member");
            assertThat(delivered.get(0).path("op").asText()).isEqualTo("create");

            JsonNode completed = requests.get(3).json();
            assertThat(fieldNames(completed)).containsExactly("type", "runId", "manifest");
            assertThat(completed.path("runId").asText()).isEqualTo(RUN_ID);
            assertThat(CanonicalJson.toLine(completed.path("manifest")))
                    .isEqualTo(CanonicalJson.toLine(result.manifest()));
        }
        assertThat(fileDir.resolve("dead-letter")).doesNotExist();
    }

    @Test
    void anUnchangedRunSendsOnlyTheCompletionMessage() throws Exception {
        try (Receiver receiver = new Receiver(SECRET)) {
            DeliveryReport report = delivery(fast(receiver.url())).deliver(run(RUN_ID, 0));

            assertThat(report.allDelivered()).isTrue();
            assertThat(receiver.requests()).singleElement().satisfies(r -> {
                assertThat(r.type()).isEqualTo("orgsync.run.completed");
                assertThat(r.verified()).isTrue();
                assertThat(r.json().path("manifest").path("created").asLong()).isZero();
            });
        }
    }

    @Test
    void aReceiverFailingTheFirstAttemptsIsRetriedWithTheSameIdAndSucceeds() throws Exception {
        try (Receiver receiver = new Receiver(SECRET).thenAnswer(503, 2)) {
            DeliveryReport report = delivery(fast(receiver.url())).deliver(run(RUN_ID, 2));

            assertThat(report.allDelivered()).isTrue();
            List<Receiver.Request> requests = receiver.requests();
            assertThat(requests).extracting(Receiver.Request::answered).containsExactly(503, 503, 204, 204);
            List<Receiver.Request> firstMessage = requests.subList(0, 3);
            assertThat(firstMessage).extracting(Receiver.Request::id).containsOnly(requests.get(0).id());
            assertThat(firstMessage).extracting(Receiver.Request::body).containsOnly(requests.get(0).body());
            assertThat(requests).allSatisfy(r -> assertThat(r.verified()).isTrue());
            assertThat(requests.get(3).id()).isNotEqualTo(requests.get(0).id());
            assertThat(receiver.accepted()).extracting(Receiver.Request::type)
                    .containsExactly("orgsync.changes", "orgsync.run.completed");
        }
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        try (LogCapture log = new LogCapture();
             Receiver receiver = new Receiver(SECRET).thenAnswer(429, Map.of("Retry-After", "1"))) {
            DeliveryReport report = delivery(fast(receiver.url())).deliver(run(RUN_ID, 0));

            assertThat(report.allDelivered()).isTrue();
            List<Receiver.Request> requests = receiver.requests();
            assertThat(requests).extracting(Receiver.Request::answered).containsExactly(429, 204);
            assertThat(requests.get(1).id()).isEqualTo(requests.get(0).id());
            // the configured back-off is 10-20 ms; the retry was scheduled after the second the receiver asked for
            assertThat(log.lines()).anySatisfy(line -> assertThat(line)
                    .contains("attempt 1 failed (HTTP 429", "retrying in 1000 ms"));
        }
    }

    @Test
    void aRetryAfterBeyondTheRetryBudgetEndsTheRetriesInsteadOfSendingEarly() throws Exception {
        try (Receiver receiver = new Receiver(SECRET).thenAnswer(429, Map.of("Retry-After", "120"))) {
            Map<String, String> values = fast(receiver.url());
            values.put("orgsync.webhook.retry-budget-ms", "60000");
            DeliveryReport report = delivery(values).deliver(run(RUN_ID, 0));

            assertThat(report.failedMessages()).isEqualTo(1);
            assertThat(receiver.requests()).as("nothing sent before the receiver's two minutes").hasSize(1);
            JsonNode letter = CanonicalJson.MAPPER.readTree(
                    fileDir.resolve("dead-letter").resolve(RUN_ID).resolve("1-000001.json").toFile());
            assertThat(letter.path("lastError").asText())
                    .contains("the receiver's Retry-After of 120 s would start after the retry budget");
        }
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2026-11-21T02:00:00Z");
        assertThat(WebhookTransport.retryAfter("7", now)).contains(Duration.ofSeconds(7));
        assertThat(WebhookTransport.retryAfter("Sat, 21 Nov 2026 02:00:30 GMT", now)).contains(Duration.ofSeconds(30));
        assertThat(WebhookTransport.retryAfter("Sat, 21 Nov 2026 01:59:00 GMT", now)).contains(Duration.ZERO);
        assertThat(WebhookTransport.retryAfter("soon", now)).isEmpty();
        assertThat(WebhookTransport.retryAfter("-3", now)).isEmpty();
    }

    @Test
    void aReceiverDownForTheWholeBudgetGetsDeadLettersWhichRedeliveryDeliversWithTheSameIds() throws Exception {
        RunResult result = run(RUN_ID, 5);
        Map<String, String> values;
        try (Receiver receiver = new Receiver(SECRET).thenAnswer(503, 10_000)) {
            values = fast(receiver.url());
            values.put("orgsync.webhook.retry-budget-ms", "600");
            values.put("orgsync.webhook.max-attempts", "100");
            DeliveryReport report = delivery(values).deliver(result);

            assertThat(report.failedMessages()).isEqualTo(3);
            Path runDir = fileDir.resolve("dead-letter").resolve(RUN_ID);
            assertThat(report.targets().get(0).deadLetters()).isEqualTo(runDir);
            assertThat(names(runDir)).containsExactly("1-000001.json", "1-000002.json", "1-000003.json");

            List<Receiver.Request> attempts = receiver.requests();
            // ended by the retry budget (see lastError below), long before max-attempts
            assertThat(attempts.size()).isGreaterThan(2).isLessThan(100);
            String firstId = attempts.get(0).id();
            // later messages wait behind the first: the receiver never sees them out of order
            assertThat(attempts).extracting(Receiver.Request::id).containsOnly(firstId);

            JsonNode first = CanonicalJson.MAPPER.readTree(runDir.resolve("1-000001.json").toFile());
            assertThat(first.path("webhookId").asText()).isEqualTo(firstId);
            assertThat(first.path("headers").path("webhook-id").asText()).isEqualTo(firstId);
            assertThat(first.path("headers").path("webhook-signature").asText()).startsWith("v1,");
            assertThat(first.path("headers").path("webhook-timestamp").asText()).matches("\\d+");
            assertThat(first.path("attempts").asInt()).isEqualTo(attempts.size());
            assertThat(first.path("lastError").asText()).contains("HTTP 503").contains("retry budget");
            assertThat(first.path("url").asText()).isEqualTo(receiver.url().toString());
            assertThat(first.path("body")).isEqualTo(attempts.get(0).json());
            JsonNode held = CanonicalJson.MAPPER.readTree(runDir.resolve("1-000002.json").toFile());
            assertThat(held.path("attempts").asInt()).isZero();
            assertThat(held.path("lastError").asText()).startsWith("not sent:");

            receiver.recover();
            Redeliverer.Result redelivered = new Redeliverer(settings(values), WebhookFixtures.ALL_COMMITTED)
                    .redeliver(fileDir.resolve("dead-letter"));

            assertThat(redelivered).isEqualTo(new Redeliverer.Result(3, 3, 0));
            assertThat(redelivered.exitCode()).isZero();
            List<Receiver.Request> accepted = receiver.accepted();
            List<String> expectedIds = WebhookMessage.of(result, 3).stream().map(WebhookMessage::id).toList();
            assertThat(accepted).extracting(Receiver.Request::id).containsExactlyElementsOf(expectedIds);
            assertThat(accepted.get(0).id()).isEqualTo(firstId);
            assertThat(accepted).allSatisfy(r -> assertThat(r.verified()).isTrue());
            assertThat(accepted).extracting(Receiver.Request::body).containsExactlyElementsOf(
                    WebhookMessage.of(result, 3).stream().map(m -> new String(m.body(), StandardCharsets.UTF_8))
                            .toList());
            assertThat(accepted.get(2).type()).isEqualTo("orgsync.run.completed");
            // a fresh timestamp, not the stale one of the dead letter
            assertThat(Long.parseLong(accepted.get(0).timestamp()))
                    .isGreaterThanOrEqualTo(first.path("headers").path("webhook-timestamp").asLong());
            assertThat(runDir).doesNotExist();
            assertThat(fileDir.resolve("dead-letter")).isEmptyDirectory();
        }
    }

    @Test
    void networkErrorsAreRetriedUpToMaxAttempts() throws Exception {
        URI closed;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/hook");
        }
        Map<String, String> values = fast(closed);
        values.put("orgsync.webhook.max-attempts", "3");
        DeliveryReport report = delivery(values).deliver(run(RUN_ID, 0));

        assertThat(report.failedMessages()).isEqualTo(1);
        JsonNode letter = CanonicalJson.MAPPER.readTree(
                fileDir.resolve("dead-letter").resolve(RUN_ID).resolve("1-000001.json").toFile());
        assertThat(letter.path("attempts").asInt()).isEqualTo(3);
        assertThat(letter.path("lastError").asText()).contains("connection failed").contains("3 attempt(s)");
        assertThat(letter.path("type").asText()).isEqualTo("orgsync.run.completed");
    }

    @Test
    void aReceiverThatWithholdsItsAnswerIsTimedOut() throws Exception {
        // one receiver that never answers, one that sends its headers and then stalls in the body;
        // both hold the connection until the test is over, so only the sink's own timeouts end the wait
        for (String answer : List.of("", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{")) {
            CountDownLatch over = new CountDownLatch(1);
            try (ServerSocket server = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
                Thread stall = new Thread(() -> {
                    try (java.net.Socket socket = server.accept()) {
                        socket.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                        socket.getOutputStream().flush();
                        over.await();
                    } catch (IOException | InterruptedException ignored) {
                        // the test is over
                    }
                });
                stall.setDaemon(true);
                stall.start();
                Map<String, String> values = fast(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/hook"));
                values.put("orgsync.webhook.max-attempts", "1");
                values.put("orgsync.webhook.connect-timeout-ms", "200");
                values.put("orgsync.webhook.read-timeout-ms", "300");
                Path letters = fileDir.resolve("dead-letter").resolve(RUN_ID);

                DeliveryReport report = delivery(values).deliver(run(RUN_ID, 0));

                // returned while the receiver still holds the connection: ended by the sink's timeout
                assertThat(stall.isAlive()).as("the receiver still holds the connection").isTrue();
                assertThat(report.failedMessages()).isEqualTo(1);
                assertThat(CanonicalJson.MAPPER.readTree(letters.resolve("1-000001.json").toFile())
                        .path("lastError").asText()).containsPattern("no (complete )?answer within");
                over.countDown();
                stall.interrupt();
                Files.delete(letters.resolve("1-000001.json"));
            }
        }
    }

    @Test
    void anInterruptedDeliveryKeepsEveryUndeliveredMessage() throws Exception {
        try (Receiver receiver = new Receiver(SECRET).thenAnswer(503, 10_000)) {
            Map<String, String> values = fast(receiver.url());
            // back-off and budget far longer than the test may take: only the interrupt ends the delivery
            values.put("orgsync.webhook.retry-budget-ms", "3600000");
            values.put("orgsync.webhook.retry-initial-delay-ms", "600000");
            values.put("orgsync.webhook.retry-max-delay-ms", "600000");
            WebhookDelivery delivery = delivery(values);
            java.util.concurrent.atomic.AtomicReference<DeliveryReport> report = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean stillInterrupted = new java.util.concurrent.atomic.AtomicBoolean();
            Thread worker = new Thread(() -> {
                report.set(delivery.deliver(run(RUN_ID, 4)));
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
            worker.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (receiver.requests().isEmpty()) {
                assertThat(System.nanoTime()).as("the first attempt reached the receiver").isLessThan(deadline);
                Thread.sleep(10); // polling the receiver's record of requests
            }
            worker.interrupt();
            worker.join(Duration.ofSeconds(60).toMillis());

            assertThat(worker.isAlive()).as("delivery returns when interrupted, not after its ten-minute back-off")
                    .isFalse();
            assertThat(report.get().failedMessages()).isEqualTo(3);
            assertThat(stillInterrupted).as("the interrupt is passed on").isTrue();
            assertThat(names(fileDir.resolve("dead-letter").resolve(RUN_ID)))
                    .containsExactly("1-000001.json", "1-000002.json", "1-000003.json");
        }
    }

    @Test
    void aRefusedMessageIsNotRetriedAndHoldsBackTheRestOfTheRun() throws Exception {
        try (Receiver receiver = new Receiver(SECRET).thenAnswer(400, 1)) {
            DeliveryReport report = delivery(fast(receiver.url())).deliver(run(RUN_ID, 4));

            assertThat(receiver.requests()).hasSize(1);
            assertThat(report.failedMessages()).isEqualTo(3);
            assertThat(names(fileDir.resolve("dead-letter").resolve(RUN_ID)))
                    .containsExactly("1-000001.json", "1-000002.json", "1-000003.json");
        }
    }

    @Test
    void theReceiversOwnCheckRejectsASignatureMadeWithTheWrongSecret() throws Exception {
        byte[] body = "{\"type\":\"orgsync.run.completed\"}".getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();
        String right = new StandardWebhookSigner(List.of(WebhookSecret.parse(SECRET))).signature("msg_1", now, body);
        String wrong = new StandardWebhookSigner(List.of(WebhookSecret.parse(WRONG_SECRET))).signature("msg_1", now,
                body);
        assertThat(Receiver.verify(List.of(SECRET), "msg_1", Long.toString(now), right, body, Instant.now())).isTrue();
        assertThat(Receiver.verify(List.of(SECRET), "msg_1", Long.toString(now), wrong, body, Instant.now())).isFalse();
        // any change to what is signed breaks it too
        assertThat(Receiver.verify(List.of(SECRET), "msg_2", Long.toString(now), right, body, Instant.now())).isFalse();
        assertThat(Receiver.verify(List.of(SECRET), "msg_1", Long.toString(now + 1), right, body, Instant.now()))
                .isFalse();
        assertThat(Receiver.verify(List.of(SECRET), "msg_1", Long.toString(now), right,
                "{\"type\":\"orgsync.run.completed\" }".getBytes(StandardCharsets.UTF_8), Instant.now())).isFalse();

        // and end to end: the receiver answers 401, which is not retried, and the message is kept
        try (Receiver receiver = new Receiver(SECRET)) {
            Map<String, String> values = fast(receiver.url());
            values.put("orgsync.webhook.secret", WRONG_SECRET);
            DeliveryReport report = delivery(values).deliver(run(RUN_ID, 0));

            assertThat(receiver.requests()).singleElement().satisfies(r -> {
                assertThat(r.verified()).isFalse();
                assertThat(r.answered()).isEqualTo(401);
            });
            assertThat(report.failedMessages()).isEqualTo(1);
        }
    }

    @Test
    void theSignerReproducesTheStandardWebhooksReferenceVector() {
        // the specification's published example: secret, id, timestamp and body give this signature
        StandardWebhookSigner signer = new StandardWebhookSigner(
                List.of(WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")));
        assertThat(signer.signature("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void goneStopsDeliveriesToThatUrlOnlyWithAClearLogLine() throws Exception {
        try (Receiver gone = new Receiver(SECRET).thenAnswer(410, 1);
             Receiver healthy = new Receiver(SECRET);
             LogCapture log = new LogCapture()) {
            DeliveryReport report = delivery(fast(gone.url(), healthy.url())).deliver(run(RUN_ID, 5));

            assertThat(gone.requests()).hasSize(1);
            assertThat(healthy.accepted()).hasSize(3);
            assertThat(report.targets().get(0)).satisfies(t -> {
                assertThat(t.gone()).isTrue();
                assertThat(t.failed()).isEqualTo(3);
            });
            assertThat(report.targets().get(1)).satisfies(t -> {
                assertThat(t.gone()).isFalse();
                assertThat(t.delivered()).isEqualTo(3);
            });
            assertThat(report.failedMessages()).isEqualTo(3);
            assertThat(log.lines()).anySatisfy(line -> assertThat(line)
                    .startsWith("WARN")
                    .contains("webhook #1 " + gone.url())
                    .contains("410 Gone")
                    .contains("receives nothing more of run " + RUN_ID));
        }
    }

    @Test
    void everyUrlReceivesEverythingInOrderEachWithItsOwnSecret() throws Exception {
        RunResult result = run(RUN_ID, 7);
        try (Receiver first = new Receiver(SECRET); Receiver second = new Receiver(NEXT_SECRET)) {
            Map<String, String> values = fast(first.url(), second.url());
            values.put("orgsync.webhook.2.secret", NEXT_SECRET);
            DeliveryReport report = delivery(values).deliver(result);

            assertThat(report.allDelivered()).isTrue();
            List<String> expected = WebhookMessage.of(result, 3).stream().map(WebhookMessage::id).toList();
            for (Receiver receiver : List.of(first, second)) {
                assertThat(receiver.requests()).allSatisfy(r -> assertThat(r.verified()).isTrue());
                assertThat(receiver.accepted()).extracting(Receiver.Request::id).containsExactlyElementsOf(expected);
            }
            assertThat(first.accepted()).extracting(Receiver.Request::body)
                    .containsExactlyElementsOf(second.accepted().stream().map(Receiver.Request::body).toList());
        }
    }

    @Test
    void duringRotationEachMessageCarriesTwoSignaturesEachVerifiableWithItsSecret() throws Exception {
        try (Receiver onOld = new Receiver(SECRET); Receiver onNew = new Receiver(NEXT_SECRET)) {
            Map<String, String> values = fast(onOld.url(), onNew.url());
            values.put("orgsync.webhook.secret", SECRET + " " + NEXT_SECRET);
            DeliveryReport report = delivery(values).deliver(run(RUN_ID, 2));

            assertThat(report.allDelivered()).isTrue();
            List<Receiver.Request> all = new ArrayList<>(onOld.requests());
            all.addAll(onNew.requests());
            assertThat(all).hasSize(4).allSatisfy(r -> {
                assertThat(r.verified()).isTrue();
                String[] signatures = r.signature().split(" ");
                assertThat(signatures).hasSize(2);
                byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
                Instant now = Instant.now();
                assertThat(Receiver.verify(List.of(SECRET), r.id(), r.timestamp(), signatures[0], body, now)).isTrue();
                assertThat(Receiver.verify(List.of(NEXT_SECRET), r.id(), r.timestamp(), signatures[1], body, now))
                        .isTrue();
                assertThat(Receiver.verify(List.of(NEXT_SECRET), r.id(), r.timestamp(), signatures[0], body, now))
                        .isFalse();
            });
        }
    }

    @Test
    void theSecretNeverAppearsInLogsDeadLettersOrToStrings() throws Exception {
        String keyPart = SECRET.substring("whsec_".length());
        try (LogCapture log = new LogCapture()) {
            try (Receiver refusing = new Receiver(SECRET).thenAnswer(503, 1000)) {
                Map<String, String> values = fast(refusing.url());
                values.put("orgsync.webhook.retry-budget-ms", "200");
                values.put("orgsync.webhook.secret", SECRET + "," + NEXT_SECRET);
                WebhookSettings settings = settings(values);
                delivery(values).deliver(run(RUN_ID, 4));
                refusing.recover();
                new Redeliverer(settings, WebhookFixtures.ALL_COMMITTED).redeliver(fileDir.resolve("dead-letter"));

                String printed = settings + " " + settings.endpoints() + " " + settings.endpoints().get(0).secrets()
                        + " " + new StandardWebhookSigner(settings.endpoints().get(0).secrets());
                assertThat(printed).doesNotContain(keyPart).doesNotContain(NEXT_SECRET.substring(6));
            }
            // bad values near the real one: the message names the key, never the value
            for (String bad : List.of(SECRET + "!", SECRET.substring(0, 20), keyPart, SECRET + " " + SECRET + " "
                    + SECRET)) {
                Map<String, String> values = fast(URI.create("https://example.com/hook"));
                values.put("orgsync.webhook.secret", bad);
                try {
                    settings(values);
                } catch (io.orgsync.config.ConfigurationException e) {
                    assertThat(e.getMessage()).startsWith("orgsync.webhook.secret: ")
                            .doesNotContain(keyPart.substring(0, 12));
                    continue;
                }
                throw new AssertionError("accepted a malformed secret");
            }
            assertThat(log.text()).contains("503").doesNotContain(keyPart)
                    .doesNotContain(NEXT_SECRET.substring(6));
        }
        try (Receiver refusing = new Receiver(SECRET).thenAnswer(400, 1)) {
            delivery(fast(refusing.url())).deliver(run(RUN_ID, 4));
        }
        List<Path> letters;
        try (Stream<Path> files = Files.walk(fileDir)) {
            letters = files.filter(Files::isRegularFile).toList();
        }
        assertThat(letters).isNotEmpty();
        for (Path letter : letters) {
            assertThat(Files.readString(letter)).doesNotContain(keyPart).doesNotContain(SECRET);
        }
    }

    @Test
    void theSinkDeliversOnCommitAndHoldsTheReport() throws Exception {
        try (Receiver receiver = new Receiver(SECRET)) {
            WebhookSink sink = new WebhookSink(delivery(fast(receiver.url())));
            WebhookSink.StagedDelivery staged = sink.stage(run(RUN_ID, 1));
            assertThat(receiver.requests()).isEmpty();
            assertThat(staged.report()).isEmpty();
            staged.commit();
            staged.close();
            assertThat(staged.report()).hasValueSatisfying(r -> assertThat(r.allDelivered()).isTrue());
            assertThat(receiver.accepted()).hasSize(2);
            assertThat(sink.name()).isEqualTo("webhook");
        }
    }

    private WebhookDelivery delivery(Map<String, String> values) {
        return new WebhookDelivery(settings(values), fileDir);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
