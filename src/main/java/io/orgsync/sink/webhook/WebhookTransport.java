package io.orgsync.sink.webhook;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends one message to one URL until it is answered for good. The decision table:
 * <pre>
 * 2xx                                  delivered
 * network error, timeout, 408, 429, 5xx retried: exponential back-off with jitter, at least Retry-After
 * 410 Gone                             given up at once; the caller stops sending to that URL
 * any other answer (3xx, 4xx)          given up at once: the receiver refused this message, and
 *                                      sending the same bytes again cannot change its mind
 * </pre>
 * Retries stop after {@code max-attempts}, or when the next attempt would start after the
 * retry budget (counted from the first attempt): a Retry-After beyond the budget ends it early
 * instead of sending before the receiver asked.
 */
final class WebhookTransport {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookTransport.class);
    private static final int PREVIEW_BYTES = 200;
    private static final String USER_AGENT = "orgsync-webhook";

    private final WebhookSettings settings;
    private final Clock clock;
    private final HttpClient http;

    WebhookTransport(WebhookSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                // a redirected POST is replayed as GET by some stacks; a receiver that moved says so with a 3xx we report
                .followRedirects(HttpClient.Redirect.NEVER)
                // plain-http HTTP/2 means an h2c upgrade, which some proxies in front of receivers mishandle
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    enum Result { DELIVERED, REJECTED, GONE, EXHAUSTED }

    /**
     * @param headers the headers of the last attempt, for the dead-letter file (none is secret)
     */
    record Outcome(Result result, int attempts, String detail, Map<String, String> headers) {

        boolean delivered() {
            return result == Result.DELIVERED;
        }
    }

    /**
     * @throws InterruptedException when the thread is interrupted while sending or waiting; the
     *                              message's fate is then unknown to the caller and it keeps it
     */
    Outcome send(WebhookEndpoint endpoint, WebhookMessage message) throws InterruptedException {
        StandardWebhookSigner signer = new StandardWebhookSigner(endpoint.secrets());
        Instant deadline = clock.instant().plus(settings.retryBudget());
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<Map<String, String>> lastHeaders = new AtomicReference<>();
        RetryPolicy<Outcome> policy = RetryPolicy.<Outcome>builder()
                .handle(Retry.class)
                .abortOn(e -> e instanceof Retry retry && retry.last)
                .withMaxAttempts(settings.maxAttempts())
                .withDelayFn(ctx -> ctx.getLastException() instanceof Retry retry ? retry.delay : Duration.ZERO)
                .onRetry(event -> LOG.info("{}: {} attempt {} failed ({}), retrying in {} ms", endpoint, message,
                        event.getAttemptCount(), event.getLastException().getMessage(),
                        ((Retry) event.getLastException()).delay.toMillis()))
                .build();
        try {
            return Failsafe.with(policy).get(() -> {
                int attempt = attempts.incrementAndGet();
                // a fresh timestamp per attempt: receivers reject timestamps older than a few minutes
                Map<String, String> headers = signer.headers(message.id(), clock.instant().getEpochSecond(),
                        message.body());
                lastHeaders.set(headers);
                return attempt(endpoint, message, headers, attempt, deadline);
            });
        } catch (Retry exhausted) {
            String why = exhausted.last ? exhausted.getMessage() + "; " + exhausted.stopReason
                    : exhausted.getMessage() + "; " + settings.maxAttempts() + " attempt(s) ("
                    + WebhookSettings.MAX_ATTEMPTS + ") used";
            return new Outcome(Result.EXHAUSTED, attempts.get(), why, lastHeaders.get());
        } catch (FailsafeException wrapped) {
            if (wrapped.getCause() instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw wrapped;
        }
    }

    private Outcome attempt(WebhookEndpoint endpoint, WebhookMessage message, Map<String, String> headers,
                            int attempt, Instant deadline) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.url())
                .timeout(settings.readTimeout())
                .header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(message.body()));
        headers.forEach(request::header);
        // the request timeout only covers the wait for the status line; the deadline here also
        // bounds a receiver that sends headers and then trickles or withholds the body
        Duration whole = settings.connectTimeout().plus(settings.readTimeout());
        CompletableFuture<HttpResponse<String>> exchange = http.sendAsync(request.build(), info -> new Preview());
        HttpResponse<String> response;
        try {
            response = exchange.get(whole.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw retry("no complete answer within " + whole.toMillis() + " ms", null, attempt, deadline);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpConnectTimeoutException) {
                throw retry("no connection within " + settings.connectTimeout().toMillis() + " ms", null, attempt,
                        deadline);
            }
            if (cause instanceof HttpTimeoutException) {
                throw retry("no answer within " + settings.readTimeout().toMillis() + " ms", null, attempt, deadline);
            }
            throw retry("connection failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage()), null, attempt, deadline);
        }
        int status = response.statusCode();
        String preview = response.body();
        String answer = "HTTP " + status + (preview.isEmpty() ? "" : " \"" + preview + "\"");
        if (status >= 200 && status < 300) {
            return new Outcome(Result.DELIVERED, attempt, "HTTP " + status, headers);
        }
        if (status == 410) {
            return new Outcome(Result.GONE, attempt, answer, headers);
        }
        if (status == 408 || status == 429 || status >= 500) {
            Duration retryAfter = response.headers().firstValue("Retry-After")
                    .flatMap(value -> retryAfter(value, clock.instant())).orElse(null);
            throw retry(answer, retryAfter, attempt, deadline);
        }
        return new Outcome(Result.REJECTED, attempt, answer + " (not retried)", headers);
    }

    private Retry retry(String problem, Duration retryAfter, int attempt, Instant deadline) {
        Duration delay = backoff(attempt);
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
            delay = retryAfter;
        }
        if (attempt < settings.maxAttempts() && clock.instant().plus(delay).isAfter(deadline)) {
            String asked = retryAfter == null ? "the next attempt" : "the receiver's Retry-After of "
                    + retryAfter.toSeconds() + " s";
            return new Retry(problem, delay, true, asked + " would start after the retry budget of "
                    + settings.retryBudget().toMillis() + " ms (" + WebhookSettings.RETRY_BUDGET_MS + ") was spent, after "
                    + attempt + " attempt(s)");
        }
        return new Retry(problem, delay, false, null);
    }

    /**
     * {@code initial × 2^(attempt-1)}, capped, then "equal jitter": a random point in its upper
     * half, so that many senders retrying a receiver that came back do not arrive in lockstep, yet
     * never much sooner than the schedule.
     */
    private Duration backoff(int attempt) {
        long initial = settings.retryInitialDelay().toMillis();
        long max = settings.retryMaxDelay().toMillis();
        long base = initial << Math.min(attempt - 1, 30);
        if (base <= 0 || base > max) {
            base = max;
        }
        long half = base / 2;
        return Duration.ofMillis(base - half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    /**
     * {@code Retry-After} as delta-seconds or an HTTP date (RFC 9110 section 10.2.3). Anything else
     * is ignored and the back-off applies, as the header is advice, not a contract.
     */
    static Optional<Duration> retryAfter(String value, Instant now) {
        String text = value.strip();
        if (text.matches("\\d{1,9}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
        }
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * Keeps the start of the receiver's answer, one line, for the log and the dead-letter file, and
     * reads the rest to its end without keeping it: cancelling instead would leave the exchange
     * neither complete nor failed, and an answer of any size costs no memory.
     */
    private static final class Preview implements HttpResponse.BodySubscriber<String> {

        private final CompletableFuture<String> text = new CompletableFuture<>();
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        @Override
        public CompletionStage<String> getBody() {
            return text;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int take = Math.min(PREVIEW_BYTES - kept.size(), buffer.remaining());
                if (take > 0) {
                    byte[] chunk = new byte[take];
                    buffer.get(chunk);
                    kept.writeBytes(chunk);
                }
            }
        }

        @Override
        public void onError(Throwable failure) {
            text.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            text.complete(new String(kept.toByteArray(), StandardCharsets.UTF_8)
                    .replaceAll("[\\p{Cntrl}\"]+", " ").strip());
        }
    }

    /** A retryable failure; {@code last} when the budget forbids another attempt. */
    private static final class Retry extends RuntimeException {

        final Duration delay;
        final boolean last;
        final String stopReason;

        Retry(String problem, Duration delay, boolean last, String stopReason) {
            super(problem, null, false, false);
            this.delay = delay;
            this.last = last;
            this.stopReason = stopReason;
        }
    }
}
