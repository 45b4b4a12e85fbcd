package io.orgsync.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.orgsync.run.RunContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bound on one call's token refusals: a vendor that accepts every token on other calls but
 * refuses this one each time cannot hold it forever, and the failure names the call, not a token.
 * Tested as routes: camel-http endpoints in a Camel context, the token fetched through a token
 * route, the mechanics of {@link VendorCalls} intercepting every send as in the product.
 */
@Timeout(120)
class VendorConnectionTokenTest {

    private static final String TENANT = "feishu";
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicInteger stuckCalls = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    /** Tokens the vendor has seen on {@code /ok}: it answers {@code /stuck} only once another call holds the same token. */
    private final Map<String, CountDownLatch> seenOnOk = new ConcurrentHashMap<>();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private HttpServer vendor;
    private DefaultCamelContext camel;
    private ProducerTemplate routes;
    private ExecutorService pool;

    @BeforeEach
    void start() throws Exception {
        vendor = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        vendor.setExecutor(Executors.newFixedThreadPool(8));
        vendor.createContext("/token", call -> {
            requests.incrementAndGet();
            String token = "tok-" + issued.incrementAndGet() + "-c5e1";
            tokens.add(token);
            answer(call, "{\"token\":\"" + token + "\"}");
        });
        vendor.createContext("/ok", call -> {
            requests.incrementAndGet();
            latch(token(call)).countDown();
            answer(call, "{\"refused\":false}");
        });
        vendor.createContext("/stuck", call -> {
            requests.incrementAndGet();
            stuckCalls.incrementAndGet();
            try {
                // so that every token this call is refused with has been taken by a call that succeeds
                latch(token(call)).await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(call, "{\"refused\":true}");
        });
        vendor.start();

        VendorDialect dialect = new VendorDialect() {
            @Override
            public AccessToken fetchToken(TokenRequest request) {
                return new AccessToken(request.get(Map.of()).path("token").asText(),
                        Instant.now().plusSeconds(3600));
            }

            @Override
            public void authorize(Map<String, String> query, Map<String, String> headers, String token) {
                headers.put("Authorization", "Bearer " + token);
            }

            @Override
            public void check(String method, String path, int httpStatus, java.net.http.HttpHeaders headers,
                              JsonNode body) {
                if (body != null && body.path("refused").asBoolean()) {
                    throw new VendorFailure.TokenRejected("code 99991663 (token invalid)");
                }
            }
        };
        String base = "http://127.0.0.1:" + vendor.getAddress().getPort();
        camel = new DefaultCamelContext();
        VendorCalls calls = new VendorCalls();
        calls.setCamelContext(camel);
        camel.addService(calls, true, true);
        camel.getCamelContextExtension().registerEndpointCallback(calls);
        calls.register(TENANT, new VendorConnection("feishu", base, "direct:t-token", dialect,
                HttpSettings.defaults(), new RequestPacer(10_000, 600_000, 4)));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler());
                from("direct:t-token").to(base + "/token");
                from("direct:ok").toD(base + "/ok");
                from("direct:stuck").toD(base + "/stuck");
            }
        });
        camel.start();
        routes = camel.createProducerTemplate();
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        camel.stop();
        vendor.stop(0);
    }

    /** One vendor call as a source route makes it, within {@code run}: the answer, or the failure. */
    private JsonNode call(RunContext run, String route) {
        Exchange exchange = routes.send(route, e -> {
            e.setProperty(RunContext.PROPERTY, run);
            e.setProperty(VendorCalls.TENANT_KEYS, TENANT);
        });
        if (exchange.getException() instanceof RuntimeException failed) {
            throw failed;
        }
        return exchange.getMessage().getBody(JsonNode.class);
    }

    @Test
    void aCallRefusedTimeAfterTimeWithTokensThatServeOtherCallsGivesUpNamingTheCallNotTheToken() throws Exception {
        RunContext run = new RunContext("feishu", "tenant", Instant.now());
        AtomicBoolean done = new AtomicBoolean();
        Future<Integer> others = pool.submit(() -> {
            int served = 0;
            while (!done.get()) {
                call(run, "direct:ok");
                served++;
            }
            return served;
        });
        Future<?> stuck = pool.submit(() -> call(run, "direct:stuck"));

        try {
            assertThatThrownBy(() -> stuck.get(60, TimeUnit.SECONDS))
                    .rootCause()
                    .isInstanceOf(VendorFailure.Fatal.class)
                    .hasMessageContaining("GET /stuck")
                    .hasMessageContaining(VendorConnection.MAX_TOKEN_REFUSALS + " times")
                    .hasMessageNotContaining("permissions")
                    .satisfies(failure -> tokens.forEach(token -> assertThat(failure.getMessage())
                            .doesNotContain(token)));
        } finally {
            done.set(true);
        }
        assertThat(others.get(60, TimeUnit.SECONDS)).isPositive();

        assertThat(stuckCalls).hasValue(VendorConnection.MAX_TOKEN_REFUSALS);
        // the first token and one refresh per refusal but the last, whose refresh the other calls may have made
        assertThat(issued.get()).as("no refresh for the calls that succeed")
                .isBetween(VendorConnection.MAX_TOKEN_REFUSALS, VendorConnection.MAX_TOKEN_REFUSALS + 1);
        assertThat(run.apiCalls()).as("every request, token requests and retries included").isEqualTo(requests.get());
    }

    private CountDownLatch latch(String token) {
        return seenOnOk.computeIfAbsent(token, t -> new CountDownLatch(1));
    }

    private static String token(HttpExchange call) {
        return call.getRequestHeaders().getFirst("Authorization").substring("Bearer ".length());
    }

    private static void answer(HttpExchange call, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        call.getResponseHeaders().add("Content-Type", "application/json");
        call.sendResponseHeaders(200, body.length);
        call.getResponseBody().write(body);
        call.close();
    }
}
