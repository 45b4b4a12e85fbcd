package io.orgsync.run;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.errorhandler.SpringTransactionErrorHandlerDefinition;

/**
 * The run pipeline, from a source's fetched run to every sink: compare, deletion guard, stage every
 * sink inside one database transaction, then commit the rest in order — all of it or none. The
 * route configurations it binds are in {@code orgsync.camel.yaml}: {@code orgsync-run-errors}
 * fails the run ({@code runs.fail}) whatever step threw, discarding whatever was staged;
 * {@code orgsync-sink-errors} leaves a failure to that handler.
 *
 * <p>The transaction is why the pipeline is two routes. Camel's {@code transacted} commits when the
 * route that declared it ends, and the database must commit before the files are renamed and the
 * webhooks sent (a run a crash could still take back must never be visible anywhere), so staging
 * is the route {@value #STAGE} and committing the other sinks happens after it returned.
 */
public final class PublishRoutes extends RouteBuilder {

    /** Where a source's sync route hands its fetched run over ({@code {{publish}}}). */
    public static final String PUBLISH = "direct:orgsync-publish";
    public static final String STAGE = "direct:orgsync-stage";
    /** The route configurations of {@code orgsync.camel.yaml}. */
    public static final String RUN_ERRORS = "orgsync-run-errors";
    public static final String SINK_ERRORS = "orgsync-sink-errors";
    /** The registry names the routes call; {@code jdbcSink} and the transaction policy are the jdbc sink's. */
    static final String RUNS = "runs";
    static final String JDBC_SINK = "jdbcSink";
    static final String TRANSACTION = "orgsyncTransaction";

    @Override
    public void configure() {
        from(PUBLISH).routeId("orgsync-publish").routeConfigurationId(RUN_ERRORS)
                .description("Compares the run with the last successful one, applies the deletion guard, stages it "
                        + "in the database and every sink of orgsync.sinks, then commits them all")
                // the tree, and what was created, updated and deleted since the last successful run
                .bean(RUNS, "compare").id("orgsync-compare-run")
                // too many deletions, or an empty fetch, hold the run: nothing is applied or published
                .bean(RUNS, "guard").id("orgsync-deletion-guard")
                .choice().id("orgsync-held-or-publish")
                    .when(exchangeProperty(RunCoordinator.HELD))
                        .bean(RUNS, "held").id("orgsync-hold-run")
                    .otherwise()
                        // the body becomes the RunResult every sink stages; orgsyncSinkEndpoints names them
                        .bean(RUNS, "forSinks").id("orgsync-run-for-sinks")
                        // a tenant's first run goes on with the transaction that wrote its members while
                        // fetching; before orgsync-stage, whose every step runs inside the run's transaction
                        .bean(JDBC_SINK, "continueFirstLoad").id("orgsync-continue-first-load")
                        .doTry()
                            .to(STAGE).id("orgsync-stage-run")
                        // rolled back: Camel's transaction error handler marks the failure handled, so
                        // the route configuration's handler would not see it; fail the run here as it does
                        .doCatch(Exception.class)
                            .bean(RUNS, "fail").id("orgsync-fail-staged-run")
                            .stop()
                        .end()
                        // committed: durable before anything shows the run, and applied from here on
                        .bean(JDBC_SINK, "committed").id("orgsync-state-committed")
                        // the files renamed into view, then the webhooks sent
                        .bean(RUNS, "succeeded").id("orgsync-run-succeeded")
                .end();

        // rolling back is how a failed run ends here, not news: runs.fail logs the one line that says why
        SpringTransactionErrorHandlerDefinition rollback = new SpringTransactionErrorHandlerDefinition();
        rollback.rollbackLoggingLevel(LoggingLevel.DEBUG).logExhausted(false);
        from(STAGE).routeId("orgsync-stage").errorHandler(rollback)
                .description("Stages the run in every sink inside one database transaction, committed as the "
                        + "route ends; a failing sink rolls it back")
                .transacted(TRANSACTION).id("orgsync-run-transaction")
                // sink-jdbc first, then the others of orgsync.sinks (or a sink Kamelet's own), one after
                // another: staging side by side gained nothing measurable (the database apply dominates)
                // and held two sinks' working memory at once
                .recipientList(exchangeProperty(RunCoordinator.SINK_ENDPOINTS)).stopOnException().id("orgsync-sinks");
    }
}
