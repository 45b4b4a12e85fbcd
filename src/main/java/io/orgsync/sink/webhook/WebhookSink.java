package io.orgsync.sink.webhook;

import io.orgsync.run.RunResult;
import io.orgsync.run.RunStatus;
import io.orgsync.run.Sink;

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
        this.delivery = delivery;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Writes the run's messages to the outbox; nothing is sent before {@link Staged#commit()}. */
    @Override
    public StagedDelivery stage(RunResult result) throws java.io.IOException {
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
