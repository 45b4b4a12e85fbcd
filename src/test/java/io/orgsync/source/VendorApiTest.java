package io.orgsync.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.orgsync.run.RunContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code VendorApi.get} as routes call it, through Camel's bean binding: the values Camel
 * evaluates reach the vendor as query text, in their pairs, and a value that evaluated to null
 * (which that binding drops from the call) stops the call instead of shifting the pairs after it.
 */
class VendorApiTest {

    private final List<String> queries = new CopyOnWriteArrayList<>();
    private HttpServer vendor;
    private CamelContext camel;

    @BeforeEach
    void start() throws Exception {
        vendor = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        vendor.createContext("/", call -> {
            queries.add(String.valueOf(call.getRequestURI().getRawQuery()));
            byte[] answer = "{\"errcode\":0}".getBytes(StandardCharsets.UTF_8);
            call.getResponseHeaders().add("Content-Type", "application/json");
            call.sendResponseHeaders(200, answer.length);
            call.getResponseBody().write(answer);
            call.close();
        });
        vendor.start();

        VendorDialect dialect = new VendorDialect() {
            @Override
            public AccessToken fetchToken(VendorHttp http) {
                return new AccessToken("token-value", Instant.now().plusSeconds(3600));
            }

            @Override
            public void authorize(Map<String, String> query, Map<String, String> headers, String token) {
                headers.put("Authorization", "Bearer " + token);
            }

            @Override
            public void check(String method, String path, int httpStatus, java.net.http.HttpHeaders headers,
                              JsonNode body) {
            }
        };
        URI base = URI.create("http://127.0.0.1:" + vendor.getAddress().getPort());
        VendorApi api = new VendorApi(new VendorClient("wecom", base, dialect, HttpSettings.defaults(),
                new RequestPacer(1000, 60_000, 2)));

        camel = new DefaultCamelContext();
        camel.getRegistry().bind("api", api);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:page").bean("api", "get(*, '/cgi-bin/user/list', 'department_id', ${body}, "
                        + "'cursor', ${exchangeProperty.orgsyncPageToken}, 'page', ${exchangeProperty.orgsyncPageNumber}, "
                        + "'need_type', 'dep,edu')");
                from("direct:unset").bean("api", "get(*, '/cgi-bin/user/list', 'department_id', ${body}, "
                        + "'cursor', ${exchangeProperty.notSet}, 'size', '50')");
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        camel.close();
        vendor.stop(0);
    }

    @Test
    void everyValueIsSentAsTextInItsPairAndAnEmptyOneIsLeftOut() throws Exception {
        PageState firstPage = new PageState("wecom: users of 42", 10);

        send("direct:page", 42L, firstPage);
        firstPage.advance("c/2+=", true);
        send("direct:page", 42L, firstPage);

        assertThat(queries).containsExactly(
                "department_id=42&page=1&need_type=dep%2Cedu",
                "department_id=42&cursor=c%2F2%2B%3D&page=2&need_type=dep%2Cedu");
    }

    @Test
    void aValueThatEvaluatedToNullStopsTheCallNamingThePathInsteadOfShiftingThePairs() {
        assertThatThrownBy(() -> send("direct:unset", 42L, new PageState("x", 10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/cgi-bin/user/list")
                .hasMessageContaining("write '' instead");

        assertThat(queries).as("no request went out").isEmpty();
    }

    private void send(String endpoint, Object body, PageState page) throws Exception {
        Exchange done = camel.createProducerTemplate().send(endpoint, exchange -> {
            exchange.getMessage().setBody(body);
            exchange.setProperty(RunContext.PROPERTY, new RunContext("wecom", null, Instant.now()));
            exchange.setProperty(PageState.PROPERTY, page);
            // as Paging.start keeps them for a route
            exchange.setProperty(PageState.TOKEN, page.getToken());
            exchange.setProperty(PageState.NUMBER, page.getPage());
        });
        if (done.getException() != null) {
            throw done.getException();
        }
    }
}
