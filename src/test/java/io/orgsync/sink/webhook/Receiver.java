package io.orgsync.sink.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A webhook receiver on a real loopback socket, written the way a receiver's developer would
 * from the Standard Webhooks specification alone: its own HMAC check, no product code. It answers
 * scripted statuses first, then 204 to every correctly signed message and 401 to the rest.
 */
public final class Receiver implements AutoCloseable {

    /** What a receiver allows between a message's timestamp and its own clock (the spec's example). */
    static final Duration TOLERANCE = Duration.ofMinutes(5);

    /** Parsing is not what is under test here; the canonical mapper keeps decimals exact for comparison. */
    private static final ObjectMapper JSON = io.orgsync.model.CanonicalJson.MAPPER;

    public record Request(String id, String timestamp, String signature, String contentType, String body, boolean verified,
                   int answered, long receivedNanos) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String type() {
            return json().path("type").asText();
        }
    }

    record Answer(int status, Map<String, String> headers) {
    }

    private final HttpServer server;
    private final List<String> secrets;
    private final Deque<Answer> script = new ArrayDeque<>();
    private final List<Request> requests = new ArrayList<>();

    /** @param secrets the {@code whsec_} secrets this receiver accepts */
    public Receiver(String... secrets) throws IOException {
        this.secrets = List.of(secrets);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", this::handle);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    /** The next requests get these answers, in order, whatever their signature. */
    synchronized Receiver thenAnswer(int status, Map<String, String> headers) {
        script.add(new Answer(status, headers));
        return this;
    }

    synchronized Receiver thenAnswer(int status, int times) {
        for (int i = 0; i < times; i++) {
            script.add(new Answer(status, Map.of()));
        }
        return this;
    }

    /** Drops the answers not yet given: the receiver is healthy from now on. */
    synchronized Receiver recover() {
        script.clear();
        return this;
    }

    /** Every request, attempts and retries included, in arrival order. */
    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests answered 2xx. */
    public synchronized List<Request> accepted() {
        return requests.stream().filter(r -> r.answered() >= 200 && r.answered() < 300).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
            String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
            boolean verified = "POST".equals(exchange.getRequestMethod())
                    && verify(secrets, id, timestamp, signature, body, Instant.now())
                    && verifiedByReferenceLibrary(id, timestamp, signature, body);
            Answer answer;
            synchronized (this) {
                answer = script.isEmpty() ? new Answer(verified ? 204 : 401, Map.of()) : script.poll();
                requests.add(new Request(id, timestamp, signature, exchange.getRequestHeaders().getFirst("Content-Type"),
                        new String(body, StandardCharsets.UTF_8), verified, answer.status(), System.nanoTime()));
            }
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(answer.status(), -1);
        }
    }

    /**
     * The receiver's check from the specification: recompute {@code v1} over
     * {@code id.timestamp.body} with each accepted secret and compare in constant time with each
     * signature in the header; reject timestamps too far from now.
     */
    static boolean verify(List<String> secrets, String id, String timestamp, String signatureHeader, byte[] body,
                          Instant now) {
        if (id == null || timestamp == null || signatureHeader == null) {
            return false;
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - seconds) > TOLERANCE.toSeconds()) {
            return false;
        }
        for (String secret : secrets) {
            byte[] expected = hmac(secret, (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
            for (String candidate : signatureHeader.split(" ")) {
                if (!candidate.startsWith("v1,")) {
                    continue;
                }
                byte[] given;
                try {
                    given = Base64.getDecoder().decode(candidate.substring(3));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (MessageDigest.isEqual(expected, given)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The Standard Webhooks reference implementation must agree with the hand-written check. */
    private boolean verifiedByReferenceLibrary(String id, String timestamp, String signature, byte[] body) {
        Map<String, List<String>> headers = Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(timestamp),
                "webhook-signature", List.of(signature));
        for (String secret : secrets) {
            try {
                new com.standardwebhooks.Webhook(secret).verify(new String(body, StandardCharsets.UTF_8), headers);
                return true;
            } catch (com.standardwebhooks.exceptions.WebhookVerificationException e) {
                // not this secret; try the next (two during a rotation)
            }
        }
        return false;
    }

    private static byte[] hmac(String secret, byte[] prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            mac.update(prefix);
            return mac.doFinal(body);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
