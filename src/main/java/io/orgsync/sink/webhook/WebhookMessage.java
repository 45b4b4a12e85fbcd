package io.orgsync.sink.webhook;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.orgsync.model.CanonicalJson;
import io.orgsync.run.Change;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunResult;

import java.util.AbstractList;
import java.util.List;

/**
 * One message of a run, the same for every URL.
 *
 * @param position 1-based place in the run's sequence; the changes' {@code seq}, and for the
 *                 completion message one more than the last {@code seq}. Dead-letter files sort by it.
 * @param body     the exact bytes that are signed and sent (UTF-8 JSON)
 */
record WebhookMessage(String id, String runId, int position, String type, byte[] body) {

    static final String CHANGES = "orgsync.changes";
    static final String COMPLETED = "orgsync.run.completed";

    boolean completion() {
        return COMPLETED.equals(type);
    }

    /**
     * The messages of a run: {@code ceil(changes / batchSize)} {@value #CHANGES} messages, then one
     * {@value #COMPLETED}. Bodies are serialised when asked for, so a first run of a large tenant
     * does not hold every batch in memory at once.
     */
    static List<WebhookMessage> of(RunResult result, int batchSize) {
        Manifest manifest = result.manifest();
        List<Change> changes = result.changes();
        int batches = (changes.size() + batchSize - 1) / batchSize;
        return new AbstractList<>() {
            @Override
            public WebhookMessage get(int index) {
                if (index < 0 || index > batches) {
                    throw new IndexOutOfBoundsException(index);
                }
                int position = index + 1;
                if (index == batches) {
                    return new WebhookMessage(id(manifest.runId(), "completed"), manifest.runId(), position, COMPLETED,
                            CanonicalJson.toLine(new Completed(COMPLETED, manifest.runId(), manifest))
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                List<Change> batch = changes.subList(index * batchSize,
                        Math.min(changes.size(), (index + 1) * batchSize));
                return new WebhookMessage(id(manifest.runId(), Integer.toString(position)), manifest.runId(), position,
                        CHANGES, CanonicalJson.toLine(new Changes(CHANGES, manifest.runId(), manifest.source(),
                        manifest.tenant(), position, batch)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }

            @Override
            public int size() {
                return batches + 1;
            }
        };
    }

    /**
     * Derived rather than random, so the id of a message is the same on every attempt, in its
     * dead-letter file and on redelivery without anything to remember; the run id is unique per
     * run (start time and random suffix). It is the same for every URL: it names the event, and
     * each receiver deduplicates on its own.
     */
    static String id(String runId, String suffix) {
        return "msg_" + runId + "_" + suffix;
    }

    @Override
    public String toString() {
        return type + " " + id;
    }

    @JsonPropertyOrder({"type", "runId", "source", "tenant", "seq", "changes"})
    private record Changes(String type, String runId, String source, String tenant, int seq, List<Change> changes) {
    }

    @JsonPropertyOrder({"type", "runId", "manifest"})
    private record Completed(String type, String runId, Manifest manifest) {
    }
}
