package io.orgsync.sink.webhook;

import java.nio.file.Path;
import java.util.List;

/**
 * What one run's delivery achieved, per URL. {@link #failedMessages()} is the manifest's
 * {@code deliveryFailures}: messages some URL did not accept, each kept as a dead letter.
 * {@code earlierDelivered} counts the messages earlier committed runs had left waiting that went
 * out first.
 */
public record DeliveryReport(String runId, List<Target> targets, long earlierDelivered) {

    public DeliveryReport {
        targets = List.copyOf(targets);
    }

    public long failedMessages() {
        return targets.stream().mapToLong(Target::failed).sum();
    }

    public boolean allDelivered() {
        return failedMessages() == 0;
    }

    /**
     * @param url         the URL without its query, safe to log
     * @param messages    the run's messages (changes batches and the completion message)
     * @param failed      messages not accepted: {@code messages - delivered}
     * @param gone        the URL answered 410 and received nothing more of this run
     * @param deadLetters the run's dead-letter folder when {@code failed > 0}, else {@code null}
     */
    public record Target(int index, String url, int messages, int delivered, int failed, boolean gone,
                         Path deadLetters) {
    }
}
