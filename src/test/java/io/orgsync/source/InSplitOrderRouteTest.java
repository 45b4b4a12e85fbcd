package io.orgsync.source;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link InSplitOrder} in a parallel split of a route whose error policy is an {@code onException}
 * that handles the failure, as the sync routes' {@code orgsync-run-errors} does: a mapping that
 * fails must reach that policy, at the top of a route and inside a loop alike, or the run would
 * end with no failed manifest.
 */
class InSplitOrderRouteTest {

    @ParameterizedTest(name = "split inside a loop: {0}")
    @ValueSource(booleans = {false, true})
    void aMappingFailureReachesTheRoutesOnException(boolean insideLoop) throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        List<Object> mapped = new ArrayList<>();
        InSplitOrder pages = new InSplitOrder(answer -> {
            Object page = answer.getMessage().getBody();
            if (Integer.valueOf(3).equals(page)) {
                throw new IllegalStateException("page 3 repeats rows already read");
            }
            mapped.add(page);
        });
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("pagesInOrder", pages);
            camel.addRoutes(new RouteConfigurationBuilder() {
                @Override
                public void configuration() {
                    routeConfiguration("run-errors").onException(Exception.class).handled(true)
                            .process(e -> handled.add(e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)
                                    .getMessage()));
                }
            });
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    var route = from("direct:listing").routeConfigurationId("run-errors");
                    var body = insideLoop ? route.loop(1) : route;
                    body.split(constant(List.of(1, 2, 3, 4, 5))).parallelProcessing().streaming()
                            .aggregationStrategy("pagesInOrder").stopOnException()
                            .log("page ${body}")
                            .end();
                }
            });
            camel.start();

            Exchange done = camel.createProducerTemplate().send("direct:listing", e -> { });

            assertThat(handled).containsExactly("page 3 repeats rows already read");
            assertThat(done.getException()).isNull();
            assertThat(mapped).containsExactly(1, 2);
        }
    }
}
