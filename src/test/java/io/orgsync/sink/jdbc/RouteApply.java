package io.orgsync.sink.jdbc;

import io.orgsync.BeanStep;
import io.orgsync.run.RunCoordinator;
import io.orgsync.run.RunFailedException;
import io.orgsync.run.RunResult;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The route {@code sink-jdbc} of {@code routes/jdbc-sink.camel.yaml} on its own, inside the run's
 * transaction as {@code orgsync-stage} opens it: a run applied here is applied exactly as a sync
 * applies it, without the rest of the pipeline.
 */
final class RouteApply implements AutoCloseable {

    private final DefaultCamelContext context = new DefaultCamelContext();
    private final ProducerTemplate template;

    RouteApply(JdbcStore store) throws Exception {
        JdbcSink.bind(context.getRegistry(), store);
        context.addRoutes(new RouteConfigurationBuilder() {
            @Override
            public void configuration() {
                routeConfiguration("orgsync-sink-errors").errorHandler(noErrorHandler());
            }
        });
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // orgsync-publish and orgsync-stage with the database as the only sink
                from("direct:apply").routeConfigurationId("orgsync-sink-errors")
                        .bean(JdbcSink.BEAN, "continueFirstLoad")
                        .to("direct:transaction");
                from("direct:transaction").routeConfigurationId("orgsync-sink-errors")
                        .transacted(JdbcSink.TRANSACTION)
                        .to("direct:sink-jdbc");
            }
        });
        PluginHelper.getRoutesLoader(context).loadRoutes(
                ResourceHelper.resolveMandatoryResource(context, "file:routes/jdbc-sink.camel.yaml"));
        context.start();
        template = context.createProducerTemplate();
    }

    /** Applies and commits the run, or throws what failed it (the run's own failure when there is one). */
    void apply(RunResult result) throws Exception {
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(RunCoordinator.RESULT, result);
        exchange.getMessage().setBody(result);
        Exchange done = template.send("direct:apply", exchange);
        Exception failure = done.getException();
        if (failure != null) {
            for (Throwable t = failure; t != null; t = t.getCause()) {
                if (t instanceof RunFailedException run) {
                    throw run;
                }
            }
            throw failure;
        }
        BeanStep.call(context.getRegistry().lookupByNameAndType(JdbcSink.BEAN, JdbcSink.class), "committed", done);
    }

    @Override
    public void close() {
        context.stop();
    }
}
