package io.orgsync.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.orgsync.model.CanonicalJson;
import io.orgsync.run.RunContext;
import io.orgsync.run.RunFailedException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.Producer;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.jackson.JacksonDataFormat;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One tenant's calls to its vendor, with the mechanics every source shares: a cached token
 * refreshed when the vendor refuses it ({@link TokenCache}), fetched through the source's token
 * route; pacing to the vendor's limit; as many requests in flight as the pace fills over the round
 * trip ({@link InFlight}); bounded exponential back-off on transient faults and rate-limit answers;
 * a cap on answer size; a count of every request in the run's {@code apiCalls}. The request itself
 * is sent by the camel-http endpoint the route wrote ({@link VendorCalls} hands it over); what an
 * answer means is the {@link VendorDialect}'s business.
 *
 * <p>Tokens and secrets never reach a log line or an exception message: messages name the method
 * and path only, never the URL with its query.
 */
public final class VendorConnection {

    private static final Logger LOG = LoggerFactory.getLogger(VendorConnection.class);
    /**
     * Token refusals one call may meet before the run fails. Past the first, each is a token
     * revoked while the call was on its way, after other calls were served with it; the bound
     * keeps a vendor that revokes tokens as fast as it issues them from holding a call forever.
     */
    static final int MAX_TOKEN_REFUSALS = 20;
    /** Set on an exchange sent to the token route: that call goes out without a token. */
    static final String TOKEN_CALL = "orgsyncTokenCall";

    private final String source;
    private final String origin;
    /** The base URL's own path, before the vendor's: a reverse proxy's prefix, or empty. */
    private final String basePath;
    private final String tokenRoute;
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
    private final JacksonDataFormat json;

    /**
     * @param baseUrl    the vendor's address as the source routes write it before a path
     * @param tokenRoute the source's token route for this tenant, e.g. {@code direct:wecom-token}
     */
    public VendorConnection(String source, String baseUrl, String tokenRoute, VendorDialect dialect,
                            HttpSettings settings, RequestPacer pacer) {
        this.source = source;
        this.origin = origin(baseUrl);
        String path = java.net.URI.create(baseUrl).getRawPath();
        this.basePath = path == null ? "" : path.replaceAll("/+$", "");
        this.tokenRoute = tokenRoute;
        this.dialect = dialect;
        this.settings = settings;
        this.pacer = pacer;
        this.inFlight = new InFlight(source, pacer.concurrency(), pacer.perSecond());
        this.tokens = new TokenCache(Clock.systemUTC());
        this.json = new JacksonDataFormat(CanonicalJson.MAPPER, JsonNode.class);
    }

    public String source() {
        return source;
    }

    /** Whether {@code endpointUri} is this vendor's: calls elsewhere pass the mechanics by. */
    boolean serves(String endpointUri) {
        return origin.equals(origin(endpointUri));
    }

    /** {@code https://qyapi.weixin.qq.com}: Camel's {@code toD} moves the path into a header, keeping this. */
    private static String origin(String uri) {
        java.net.URI parsed = java.net.URI.create(uri);
        return parsed.getScheme() + "://" + parsed.getRawAuthority();
    }

    /**
     * Sends the call a route addressed to this vendor through {@code producer}, the route's own
     * camel-http endpoint, and leaves the parsed answer as the message body with no headers (the
     * answer's HTTP headers would otherwise go out with the exchange's next request). The body is
     * {@link MissingNode} when the dialect classified the answer as SKIP (the item vanished or is
     * out of scope; already recorded as a warning).
     */
    void call(Exchange exchange, Producer producer, ProducerTemplate template) {
        VendorRequest request = VendorRequest.of(exchange, basePath);
        RunContext run = run(exchange);
        JsonNode answer;
        if (Boolean.TRUE.equals(exchange.getProperty(TOKEN_CALL, Boolean.class))) {
            answer = send(run, exchange, producer, request, null);
        } else {
            answer = authenticated(run, exchange, producer, template, request);
        }
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setBody(answer);
    }

    private JsonNode authenticated(RunContext run, Exchange exchange, Producer producer, ProducerTemplate template,
                                   VendorRequest request) {
        try {
            return withToken(run, exchange, producer, template, request);
        } catch (VendorFailure.PageTokenRejected rejected) {
            return restartListing(run, exchange, producer, template, request, rejected);
        }
    }

    /**
     * The vendor refused a page token it issued (Feishu 40012, typically expired mid-listing):
     * the loop's listing starts again with its first page, sent now in place of the refused one, so
     * the route and its mapping carry on as if that page had been asked for. A first page refused,
     * or a listing refused again after its restart, fails the run.
     */
    private JsonNode restartListing(RunContext run, Exchange exchange, Producer producer, ProducerTemplate template,
                                    VendorRequest request, VendorFailure.PageTokenRejected rejected) {
        PageState page = exchange.getProperty(PageState.PROPERTY, PageState.class);
        String token = request.query().get(rejected.tokenParameter());
        if (page == null || token == null || token.isEmpty() || !token.equals(page.getToken())) {
            throw VendorFailure.fail(rejected.getMessage());
        }
        int pagesRead = page.pagesRead();
        if (!page.restart()) {
            throw VendorFailure.fail(rejected.getMessage() + ", again after the listing was started over");
        }
        LOG.warn("{}: page {} refused ({}); reading the listing again from its first page, once",
                page.listing(), pagesRead + 1, rejected.getMessage());
        run.countRetry();
        return withToken(run, exchange, producer, template, request.without(rejected.tokenParameter()));
    }

    private JsonNode withToken(RunContext run, Exchange exchange, Producer producer, ProducerTemplate template,
                               VendorRequest request) {
        String method = request.method();
        String path = request.path();
        try {
            for (int refusals = 1; ; refusals++) {
                TokenCache.Lease lease = tokens.lease(() -> dialect.fetchToken(tokenRoute(exchange, template)));
                try {
                    JsonNode answer = send(run, exchange, producer, request, lease.token());
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
            run.warn(source + ": " + method + " " + path + request.describe() + " skipped: " + skip.getMessage());
            return MissingNode.getInstance();
        }
    }

    /**
     * The token request goes through the source's token route ({@code direct:<route>-token}), whose
     * camel-http endpoint names the vendor's token path; the credentials travel in this exchange only.
     */
    private TokenRequest tokenRoute(Exchange exchange, ProducerTemplate template) {
        return new TokenRequest() {
            @Override
            public JsonNode get(Map<String, String> credentials) {
                return tokenCall(exchange, template, credentials, null);
            }

            @Override
            public JsonNode post(Object jsonBody) {
                return tokenCall(exchange, template, Map.of(), jsonBody);
            }
        };
    }

    private JsonNode tokenCall(Exchange parent, ProducerTemplate template, Map<String, String> credentials,
                               Object body) {
        Exchange call = new DefaultExchange(parent.getContext());
        call.setProperty(RunContext.PROPERTY, parent.getProperty(RunContext.PROPERTY));
        call.setProperty(VendorCalls.TENANT_KEYS, parent.getProperty(VendorCalls.TENANT_KEYS));
        call.setProperty(TOKEN_CALL, true);
        if (!credentials.isEmpty()) {
            Map<String, String> encoded = new LinkedHashMap<>();
            credentials.forEach((key, value) -> encoded.put(key, URLEncoder.encode(value, StandardCharsets.UTF_8)));
            call.setProperty(TokenRequest.CREDENTIALS, encoded);
        }
        call.getMessage().setBody(body);
        template.send(tokenRoute, call);
        Exception failed = call.getException();
        // the route hands back what the mechanics threw, possibly wrapped on its way out of Camel
        for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
            if (cause instanceof RunFailedException classified) {
                throw classified;
            }
        }
        if (failed instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failed != null) {
            throw VendorFailure.fail(source + ": the token request failed: " + failed.getMessage(), failed);
        }
        return call.getMessage().getBody(JsonNode.class);
    }

    /** One logical request: paced, retried on transient faults and rate limits, classified. */
    private JsonNode send(RunContext run, Exchange exchange, Producer producer, VendorRequest request, String token) {
        String method = request.method();
        String path = request.path();
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
                    return attempt(run, exchange, producer, request, token);
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

    /** One attempt: the request written onto the exchange, sent by the route's endpoint, its answer read. */
    private JsonNode attempt(RunContext run, Exchange exchange, Producer producer, VendorRequest request, String token)
            throws InterruptedException {
        Map<String, String> query = new LinkedHashMap<>(request.query());
        Map<String, String> headers = new LinkedHashMap<>();
        if (token != null) {
            dialect.authorize(query, headers, token);
        }
        // each attempt goes out on an exchange of its own: camel-http keeps every answer it streams
        // (headers, request, URI) until the exchange that carried it completes, and a run's loops
        // carry thousands of pages on one exchange; 1,000,000 Wuhan members at -Xmx256m ran out
        // of heap on what the pages before had left
        Exchange call = new DefaultExchange(exchange.getContext(), ExchangePattern.InOut);
        call.setProperty(ExchangePropertyKey.INTERCEPTED_ENDPOINT,
                exchange.getProperty(ExchangePropertyKey.INTERCEPTED_ENDPOINT));
        request.writeTo(call, query, headers);
        String method = request.method();
        String path = request.path();
        HttpAnswer response;
        inFlight.acquire(run);
        try (RequestPacer.Departure sent = pacer.acquire(dialect.api(path))) {
            run.countApiCall();
            long sentAt = System.nanoTime();
            response = HttpAnswer.receive(call, producer, source + ": " + method + " " + path, settings);
            // a timeout or a cut connection is no round trip: it would size for a vendor that does not answer
            inFlight.answered(run, System.nanoTime() - sentAt);
        } finally {
            inFlight.release();
        }
        byte[] bytes = response.body();
        Parsed answer = parse(exchange, bytes);
        JsonNode parsed = answer.node();
        String unreadable = null;
        if (parsed == null) {
            // never a preview of the body: it may echo the token, a mobile or an e-mail (UnreadableAnswer)
            unreadable = UnreadableAnswer.describe(bytes,
                    response.headers().firstValue("content-type").orElse(null), answer.error());
        }
        int status = response.statusCode();
        try {
            if (token == null) {
                // only the token route's calls go out without a token (call)
                dialect.checkToken(method, path, status, response.headers(), parsed);
            } else {
                dialect.check(method, path, status, response.headers(), parsed);
            }
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

    /** A parsed answer, or why it could not be parsed ({@code error} null for an empty body). */
    private record Parsed(JsonNode node, Exception error) {
    }

    /** Unmarshalled by camel-jackson with the project's mapper (big numbers and ids kept as written). */
    private Parsed parse(Exchange exchange, byte[] bytes) {
        if (bytes.length == 0) {
            return new Parsed(null, null);
        }
        try {
            JsonNode node = (JsonNode) json.unmarshal(exchange, new ByteArrayInputStream(bytes));
            return node == null || node.isMissingNode() ? new Parsed(null, null) : new Parsed(node, null);
        } catch (Exception e) {
            return new Parsed(null, e);
        }
    }

    private static RunContext run(Exchange exchange) {
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        if (run == null) {
            throw new IllegalStateException("vendor call outside a run: the route must call runs.begin first");
        }
        if (run.failed()) {
            // a parallel split still draining its queue after another fetch failed the run
            throw new RunFailedException("run " + run.runId() + " has already failed");
        }
        return run;
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

    /** Camel's data format needs its context before the first answer. */
    void start(org.apache.camel.CamelContext context) {
        json.setCamelContext(context);
        json.start();
    }
}
