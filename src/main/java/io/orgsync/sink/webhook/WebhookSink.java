package io.orgsync.sink.webhook;

import io.orgsync.run.RunCoordinator;
import io.orgsync.run.RunResult;
import io.orgsync.run.RunStatus;
import io.orgsync.run.Sink;
import io.orgsync.run.StagedSinks;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import java.util.Objects;
import java.util.Optional;

/**
 * The {@code webhook} sink for the run coordinator. Sending cannot be staged invisibly (a receiver
 * acts on what it receives), so {@link #stage} writes the messages to an outbox (the dead-letter
 * folder) and {@link Staged#commit()} delivers them, after the database and files committed; a receiver's failure never fails the commit: it is counted in the
 * {@link DeliveryReport} the staged delivery holds afterwards.
 */
public final class WebhookSink implements Sink {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WebhookSink.class);

    public static final String NAME = "webhook";

    private final WebhookDelivery delivery;

    public WebhookSink(WebhookDelivery delivery) {
        this.delivery = Objects.requireNonNull(delivery);
    }

    private WebhookSink() {
        this.delivery = null;
    }

    /**
     * The bean {@code webhookSink} when {@code orgsync.webhook.url} is empty: the route
     * {@code sink-webhook} is loaded whatever the sinks, and is never called then, since settings
     * refuse {@code orgsync.sinks=webhook} without a receiver.
     */
    public static WebhookSink unconfigured() {
        return new WebhookSink();
    }

    /**
     * The route {@code sink-webhook}'s step: the run's messages written to the outbox, kept with
     * the run's other staged sinks; they are sent once the database and the files show the run.
     */
    public void stageRun(@Body RunResult result, @ExchangeProperty(RunCoordinator.STAGED) StagedSinks staged)
            throws Exception {
        staged.stage(NAME, this, result);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Writes the run's messages to the outbox; nothing is sent before {@link Staged#commit()}. */
    @Override
    public StagedDelivery stage(RunResult result) throws java.io.IOException {
        if (delivery == null) {
            throw new IllegalStateException("orgsync.webhook.url is not set: no webhook sink");
        }
        if (result.manifest().status() != RunStatus.SUCCESS) {
            throw new IllegalArgumentException("only successful runs are delivered; run " + result.manifest().runId()
                    + " is " + result.manifest().status());
        }
        StagedDelivery staged = new StagedDelivery(result);
        try {
            delivery.stageOutbox(result);
        } catch (java.io.IOException | RuntimeException e) {
            staged.close();
            throw e;
        }
        return staged;
    }

    public final class StagedDelivery implements Staged {

        private final RunResult result;
        private volatile DeliveryReport report;

        private StagedDelivery(RunResult result) {
            this.result = result;
        }

        @Override
        public void commit() {
            report = delivery.deliver(result);
        }

        @Override
        public long deliveryFailures() {
            return report == null ? 0 : report.failedMessages();
        }

        @Override
        public long earlierDelivered() {
            return report == null ? 0 : report.earlierDelivered();
        }

        /** Empty until {@link #commit()} returned. */
        public Optional<DeliveryReport> report() {
            return Optional.ofNullable(report);
        }

        /** The run is applied; its undelivered messages wait in the outbox for the next run or {@code --redeliver}. */
        @Override
        public void closeAfterStateCommitted() {
            if (report == null) {
                LOG.warn("run {} is applied but its webhook messages were not sent; they wait in the dead-letter "
                        + "folder and go before the next run's (or with --redeliver)", result.manifest().runId());
            }
        }

        @Override
        public void close() {
            if (report == null) {
                // never committed: the run failed, so its outbox must not reach anyone
                delivery.discardOutbox(result.manifest().runId());
            }
        }
    }
}
