package io.orgsync.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.orgsync.model.CanonicalJson;
import io.orgsync.run.RunContext;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.StringJoiner;

/**
 * Calls one vendor for one credential, with the mechanics every source shares: a cached token
 * refreshed when the vendor refuses it ({@link TokenCache}), pacing to the vendor's limit,
 * bounded exponential back-off on transient faults and rate-limit answers, a cap on answer size,
 * and a count of every request in the run's {@code apiCalls}. What an answer means is the {@link VendorDialect}'s business.
 *
 * <p>Tokens and secrets never reach a log line or an exception message: messages name the method
 * and path only, never the URL with its query.
 */
public final class VendorClient {

    private static final Logger LOG = LoggerFactory.getLogger(VendorClient.class);
    /**
     * Token refusals one call may meet before the run fails. Past the first, each is a token
     * revoked while the call was on its way, after other calls were served with it; the bound
     * keeps a vendor that revokes tokens as fast as it issues them from holding a call forever.
     */
    static final int MAX_TOKEN_REFUSALS = 20;

    private final String source;
    private final URI baseUrl;
    private final VendorDialect dialect;
    private final HttpSettings settings;
    private final RequestPacer pacer;
    /**
     * Requests on their way or being answered, as many as the pace fills over the measured round
     * trip ({@link InFlightSizing}). Held from before pacing until the answer's last byte, not while
     * it is parsed and mapped: the fetch pool has more threads than the ceiling, so a thread mapping
     * one answer does not keep the next request from leaving.
     */
    private final InFlight inFlight;
    private final TokenCache tokens;
    /**
     * Apache's blocking client: a request is sent and its answer read on the calling fetch thread.
     * The JDK's client hands every answer between its selector and worker threads; fetching and
     * parsing Feishu's 100,000 members in a fresh JVM took it 4.3-5.6 CPU seconds, this 3.7-3.8.
     */
    private final CloseableHttpClient http;

    public VendorClient(String source, URI baseUrl, VendorDialect dialect, HttpSettings settings, RequestPacer pacer) {
        this.source = source;
        this.baseUrl = baseUrl;
        this.dialect = dialect;
        this.settings = settings;
        this.pacer = pacer;
        this.inFlight = new InFlight(source, pacer.concurrency(), pacer.perSecond());
        this.tokens = new TokenCache(Clock.systemUTC());
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        // every request in flight has a connection of its own, up to the ceiling; the token
                        // call may add one
                        .setMaxConnPerRoute(pacer.concurrency() + 1)
                        .setMaxConnTotal(pacer.concurrency() + 1)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                                // waiting for the answer and for each part of its body alike
                                .setSocketTimeout(Timeout.of(settings.readTimeout()))
                                // a vendor closes idle keep-alive connections; one found closed is not reused
                                .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                                .build())
                        .build())
                // retries, redirects and their limits are this class's decisions, made per vendor error
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableContentCompression()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
    }

    public String source() {
        return source;
    }

    /** Closes the connections to the vendor; a call after this fails. */
    public void close() {
        http.close(org.apache.hc.core5.io.CloseMode.GRACEFUL);
    }

    /**
     * An authenticated GET. Returns the parsed answer, or {@link MissingNode} when the dialect
     * classified it as SKIP (the item vanished or is out of scope; already logged).
     */
    public JsonNode get(RunContext run, String path, Map<String, String> query) {
        return call(run, "GET", path, query, null);
    }

    public JsonNode post(RunContext run, String path, Map<String, String> query, Object jsonBody) {
        return call(run, "POST", path, query, jsonBody);
    }

    private JsonNode call(RunContext run, String method, String path, Map<String, String> query, Object body) {
        try {
            for (int refusals = 1; ; refusals++) {
                TokenCache.Lease lease = tokens.lease(() -> dialect.fetchToken(unauthenticated(run)));
                try {
                    JsonNode answer = send(run, method, path, query, body, lease.token());
                    lease.accepted();
                    return answer;
                } catch (VendorFailure.TokenRejected rejected) {
                    TokenCache.Refusal next = lease.refused();
                    if (next == TokenCache.Refusal.FRESH_TOKEN_REFUSED) {
                        throw VendorFailure.fail(source + ": the vendor rejected a freshly issued access token on "
                                + method + " " + path + " (" + rejected.getMessage() + "); check the app's permissions");
                    }
                    if (refusals == MAX_TOKEN_REFUSALS) {
                        throw VendorFailure.fail(source + ": " + method + " " + path + " was refused its access token "
                                + refusals + " times in a row, with a new token each time ("
                                + rejected.getMessage() + "); the vendor keeps revoking its tokens");
                    }
                    if (next == TokenCache.Refusal.REFRESH) {
                        LOG.info("{}: the vendor refused the access token on {} {} ({}); fetching a new one",
                                source, method, path, rejected.getMessage());
                    }
                    run.countRetry();
                } catch (VendorFailure.Skip skip) {
                    lease.accepted();
                    throw skip;
                } catch (RuntimeException | Error e) {
                    lease.ended();
                    throw e;
                }
            }
        } catch (VendorFailure.Skip skip) {
            // the item is out of reach, never gone: the normaliser carries forward what it held
            run.warn(source + ": " + method + " " + path + describe(query) + " skipped: " + skip.getMessage());
            return MissingNode.getInstance();
        }
    }

    /** The query as a warning names the item: ids and page tokens, never the access token (added later). */
    private static String describe(Map<String, String> query) {
        StringJoiner shown = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                shown.add(k + "=" + v);
            }
        });
        return shown.toString();
    }

    private VendorHttp unauthenticated(RunContext run) {
        return new VendorHttp() {
            @Override
            public JsonNode get(String path, Map<String, String> query) {
                return send(run, "GET", path, query, null, null);
            }

            @Override
            public JsonNode post(String path, Map<String, String> query, Object jsonBody) {
                return send(run, "POST", path, query, jsonBody, null);
            }
        };
    }

    /** One logical request: paced, retried on transient faults and rate limits, classified. */
    private JsonNode send(RunContext run, String method, String path, Map<String, String> query, Object body,
                          String token) {
        RetryPolicy<Object> transientRetry = RetryPolicy.builder()
                .handle(VendorFailure.Transient.class)
                .withBackoff(settings.retryInitialDelay(), settings.retryMaxDelay())
                .withJitter(0.25)
                .withMaxRetries(settings.maxRetries())
                .onRetry(e -> {
                    run.countRetry();
                    LOG.info("{}: retrying {} {} after: {}", source, method, path, e.getLastException().getMessage());
                })
                .build();
        RetryPolicy<Object> rateLimitRetry = RetryPolicy.builder()
                .handle(VendorFailure.RateLimited.class)
                .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60))
                .withDelayFn(ctx -> ctx.getLastException() instanceof VendorFailure.RateLimited limited
                        && limited.retryAfter() != null ? limited.retryAfter() : Duration.ofMillis(-1))
                .withMaxRetries(settings.maxRateLimitWaits())
                .onRetry(e -> {
                    run.countRetry();
                    LOG.info("{}: rate limited on {} {}, waiting: {}", source, method, path,
                            e.getLastException().getMessage());
                })
                .build();
        // the vendor's limit (WeCom -1, Feishu 40003) counts its own answers, not a 502 before them
        int[] vendorLimitedFaults = {0};
        try {
            return Failsafe.with(rateLimitRetry, transientRetry).get(() -> {
                int sentUnder = inFlight.generation();
                try {
                    return exchange(run, method, path, query, body, token);
                } catch (VendorFailure.RateLimited limited) {
                    if (limited.tooManyInFlight()) {
                        inFlight.lower(run, sentUnder);
                    }
                    throw limited;
                } catch (VendorFailure.Transient fault) {
                    if (fault.vendorRetryLimit() < Integer.MAX_VALUE
                            && ++vendorLimitedFaults[0] > fault.vendorRetryLimit()) {
                        throw VendorFailure.fail(source + ": " + method + " " + path + " still failing after "
                                + fault.vendorRetryLimit() + " retries, as many as the vendor allows: "
                                + fault.getMessage(), fault);
                    }
                    throw fault;
                }
            });
        } catch (FailsafeException wrapped) {
            throw unwrap(wrapped);
        } catch (VendorFailure.Transient exhausted) {
            throw VendorFailure.fail(source + ": " + method + " " + path + " still failing after "
                    + settings.maxRetries() + " retries: " + exhausted.getMessage(), exhausted);
        } catch (VendorFailure.RateLimited exhausted) {
            throw VendorFailure.fail(source + ": " + method + " " + path + " still rate limited after "
                    + settings.maxRateLimitWaits() + " waits: " + exhausted.getMessage());
        }
    }

    private JsonNode exchange(RunContext run, String method, String path, Map<String, String> query, Object body,
                              String token) throws InterruptedException {
        Map<String, String> fullQuery = new LinkedHashMap<>(query);
        Map<String, String> headers = new LinkedHashMap<>();
        if (token != null) {
            dialect.authorize(fullQuery, headers, token);
        }
        HttpUriRequestBase request = body == null ? new HttpGet(uri(path, fullQuery)) : new HttpPost(uri(path, fullQuery));
        headers.forEach(request::setHeader);
        if (body != null) {
            request.setEntity(new ByteArrayEntity(json(body), ContentType.APPLICATION_JSON));
        }
        Received response;
        inFlight.acquire(run);
        try (RequestPacer.Departure sent = pacer.acquire(dialect.api(path))) {
            run.countApiCall();
            long sentAt = System.nanoTime();
            response = receive(method, path, request);
            // a timeout or a cut connection is no round trip: it would size for a vendor that does not answer
            inFlight.answered(run, System.nanoTime() - sentAt);
        } finally {
            inFlight.release();
        }
        JsonNode parsed;
        String unreadable = null;
        byte[] bytes = response.body();
        Parsed answer = parse(bytes);
        parsed = answer.node();
        if (parsed == null) {
            // never a preview of the body: it may echo the token, a mobile or an e-mail (UnreadableAnswer)
            unreadable = UnreadableAnswer.describe(bytes,
                    response.headers().firstValue("content-type").orElse(null), answer.error());
        }
        int status = response.statusCode();
        try {
            dialect.check(method, path, status, response.headers(), parsed);
        } catch (VendorFailure.TokenRejected rejected) {
            run.countTokenRejected();
            throw rejected;
        } catch (VendorFailure.RateLimited limited) {
            run.countRateLimited();
            if (limited.retryAfter() != null) {
                // parallel fetchers would each run into the same closed window; hold them all
                pacer.pause(dialect.api(path), limited.retryAfter());
            }
            throw limited;
        }
        if (parsed == null) {
            throw VendorFailure.fail(source + ": " + method + " " + path + " answered HTTP " + status
                    + " with " + unreadable);
        }
        return parsed;
    }

    /** Sends and reads the whole answer, at most {@code orgsync.http.max-response-mb} of it. */
    private Received receive(String method, String path, HttpUriRequestBase request) {
        try {
            return http.execute(request, response -> {
                HttpEntity entity = response.getEntity();
                byte[] bytes;
                if (entity == null) {
                    bytes = new byte[0];
                } else {
                    // not closed here: closing reads the rest of the body to keep the connection, and
                    // an answer refused for its size is hung up on instead (cancel)
                    InputStream in = new LimitedInputStream(entity.getContent(), settings.maxResponseBytes());
                    try {
                        bytes = in.readAllBytes();
                    } catch (LimitedInputStream.TooLargeException e) {
                        request.cancel();
                        throw new TooLarge(response.getCode());
                    } catch (IOException e) {
                        request.cancel();
                        throw new VendorFailure.Transient("answer cut off: " + e.getClass().getSimpleName(), e);
                    }
                }
                return new Received(response.getCode(), headers(response.getHeaders()), bytes);
            });
        } catch (TooLarge e) {
            throw VendorFailure.fail(source + ": " + method + " " + path + " answered a response larger than "
                    + settings.maxResponseBytes() + " bytes (orgsync.http.max-response-mb); refused after reading "
                    + "that much, HTTP " + e.status);
        } catch (ConnectTimeoutException e) {
            throw new VendorFailure.Transient("connect timeout after " + seconds(settings.connectTimeout()), e);
        } catch (SocketTimeoutException e) {
            throw new VendorFailure.Transient("no answer within " + seconds(settings.readTimeout()), e);
        } catch (IOException e) {
            throw new VendorFailure.Transient("connection failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
    }

    /** The answer's headers as the dialects read them (names compared ignoring case). */
    private static HttpHeaders headers(Header[] received) {
        Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Header header : received) {
            byName.computeIfAbsent(header.getName(), name -> new ArrayList<>()).add(header.getValue());
        }
        return HttpHeaders.of(byName, (name, value) -> true);
    }

    /** An answer over the size limit, carried out of the response handler. */
    private static final class TooLarge extends IOException {
        private final int status;

        TooLarge(int status) {
            super("answer too large");
            this.status = status;
        }
    }

    /** An answer read to its end. */
    private record Received(int statusCode, HttpHeaders headers, byte[] body) {
    }

    /** A parsed answer, or why it could not be parsed ({@code error} null for an empty body). */
    private record Parsed(JsonNode node, Exception error) {
    }

    private static Parsed parse(byte[] bytes) {
        try {
            JsonNode node = CanonicalJson.MAPPER.readTree(bytes);
            return node == null || node.isMissingNode() ? new Parsed(null, null) : new Parsed(node, null);
        } catch (IOException e) {
            return new Parsed(null, e);
        }
    }

    private URI uri(String path, Map<String, String> query) {
        String base = baseUrl.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        StringJoiner joined = new StringJoiner("&");
        query.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                joined.add(encode(k) + "=" + encode(v));
            }
        });
        return URI.create(base + path + (joined.length() == 0 ? "" : "?" + joined));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static byte[] json(Object body) {
        try {
            return CanonicalJson.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("request body cannot be written as JSON", e);
        }
    }

    private static String seconds(Duration duration) {
        return duration.truncatedTo(ChronoUnit.MILLIS).toMillis() / 1000.0 + " s";
    }

    private static RuntimeException unwrap(FailsafeException wrapped) {
        Throwable cause = wrapped.getCause();
        if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return VendorFailure.fail("interrupted while waiting for the vendor", cause);
        }
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        return VendorFailure.fail(String.valueOf(cause), cause);
    }
}
