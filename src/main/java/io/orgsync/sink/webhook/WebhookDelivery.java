package io.orgsync.sink.webhook;

import io.orgsync.run.CommittedRuns;
import io.orgsync.run.RunResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers a successful run to every configured URL: its changes in {@code orgsync.changes}
 * messages of at most {@code batch-size} with {@code seq} 1..n, then one
 * {@code orgsync.run.completed} carrying the manifest (an unchanged run sends only that).
 *
 * <p>Each URL gets the messages strictly in order, and a message only after the previous one was
 * accepted. When a message fails for good, it and every later message of the run for that URL
 * become dead letters without being sent: a receiver never sees a later batch, or the completion
 * message, before an earlier batch, so "completed" always means "you have every change", and a
 * receiver that is down costs one retry budget per run, not one per batch. URLs are served in
 * parallel and independently: one receiver being down never delays or fails another.
 */
public final class WebhookDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDelivery.class);
    static final String PENDING = "pending: written before the run was committed and not sent yet "
            + "(orgsync stopped before delivering it)";

    private final WebhookSettings settings;
    private final Path deadLetterRoot;
    private final Clock clock;
    private final WebhookTransport transport;
    private final Redeliverer waiting;

    /**
     * Without the database's word on which runs committed: nothing waiting in the outbox is sent
     * before a run (a sink Kamelet's own webhook, tests of delivery alone).
     *
     * @param fileDir {@code orgsync.file.dir}; dead letters go to its {@code dead-letter} folder
     */
    public WebhookDelivery(WebhookSettings settings, Path fileDir) {
        this(settings, fileDir, CommittedRuns.NONE);
    }

    /** @param committed the runs the database records as successful, whose waiting messages go first */
    public WebhookDelivery(WebhookSettings settings, Path fileDir, CommittedRuns committed) {
        this(settings, fileDir, committed, Clock.systemUTC());
    }

    WebhookDelivery(WebhookSettings settings, Path fileDir, Clock clock) {
        this(settings, fileDir, CommittedRuns.NONE, clock);
    }

    WebhookDelivery(WebhookSettings settings, Path fileDir, CommittedRuns committed, Clock clock) {
        this.settings = settings;
        this.deadLetterRoot = deadLetterRoot(fileDir);
        this.clock = clock;
        this.transport = new WebhookTransport(settings, clock);
        this.waiting = new Redeliverer(settings, committed, clock);
    }

    /** {@code <orgsync.file.dir>/dead-letter}, the folder {@code --redeliver} is usually given. */
    public static Path deadLetterRoot(Path fileDir) {
        return fileDir.resolve(DeadLetters.DIR);
    }

    public WebhookSettings settings() {
        return settings;
    }

    /**
     * Writes every message of the run, for every URL, to its dead-letter folder before anything
     * is committed: an outbox. {@link #deliver} deletes each file once its URL accepted it, so a
     * crash at any point leaves exactly the undelivered messages for {@code --redeliver}, and a
     * receiver may hear of a run twice but never misses one.
     */
    public void stageOutbox(RunResult result) throws IOException {
        Path runDir = DeadLetters.runDir(deadLetterRoot, result.manifest().runId());
        List<WebhookMessage> messages = WebhookMessage.of(result, settings.batchSize());
        for (WebhookEndpoint endpoint : settings.endpoints()) {
            StandardWebhookSigner signer = new StandardWebhookSigner(endpoint.secrets());
            for (WebhookMessage message : messages) {
                DeadLetters.write(runDir, endpoint, message, 0, PENDING,
                        signer.headers(message.id(), clock.instant().getEpochSecond(), message.body()),
                        clock.instant());
            }
        }
    }

    /**
     * At start, before any run: the outbox folders of runs the database does not record as
     * successful go. They were staged by a run that a crash stopped before its durable commit;
     * sending them later would tell receivers of changes that never happened, out of order.
     *
     * @return the run ids whose messages were removed
     */
    public static List<String> discardUncommitted(Path fileDir, CommittedRuns committed) throws Exception {
        Path root = deadLetterRoot(fileDir);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<String> runs = new ArrayList<>();
        try (var folders = Files.list(root)) {
            folders.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(WebhookDelivery::isRunId).forEach(runs::add);
        }
        Set<String> ok = runs.isEmpty() ? Set.of() : committed.committed(runs);
        List<String> removed = new ArrayList<>();
        for (String run : runs) {
            if (!ok.contains(run)) {
                deleteOutbox(DeadLetters.runDir(root, run));
                removed.add(run);
            }
        }
        if (!removed.isEmpty()) {
            LOG.warn("removed the waiting webhook messages of {} run(s) the database does not record as successful "
                    + "(staged before a crash took back their commit): {}", removed.size(), removed);
        }
        return removed;
    }

    private static boolean isRunId(String name) {
        try {
            io.orgsync.sink.file.FileLayout.segment("runId", name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void deleteOutbox(Path runDir) throws IOException {
        try (var files = Files.list(runDir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(runDir);
    }

    /** The run failed before it was committed: its messages must never be sent. */
    public void discardOutbox(String runId) {
        Path runDir = DeadLetters.runDir(deadLetterRoot, runId);
        try (var files = Files.list(runDir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(runDir);
        } catch (java.nio.file.NoSuchFileException e) {
            // nothing was staged
        } catch (IOException e) {
            LOG.error("cannot remove the outbox of failed run {} in {}: {}; delete it before any --redeliver",
                    runId, runDir, e.toString());
        }
    }

    /**
     * Sends the run and returns once every URL has accepted everything or the rest is written as
     * dead letters. Never throws for a receiver's failure; those are counted in the report.
     *
     * @throws IllegalArgumentException when the run id cannot be a folder name
     */
    public DeliveryReport deliver(RunResult result) {
        String runId = result.manifest().runId();
        Path runDir = DeadLetters.runDir(deadLetterRoot, runId);
        List<WebhookMessage> messages = WebhookMessage.of(result, settings.batchSize());
        List<WebhookEndpoint> endpoints = settings.endpoints();
        Redeliverer.Pending waited = deliverWaiting(runId);
        Set<String> behindWaiting = waited.stoppedUrls();
        List<DeliveryReport.Target> targets = new ArrayList<>();
        if (endpoints.size() == 1) {
            targets.add(deliverTo(endpoints.get(0), messages, runDir, result.changes().size(), behindWaiting));
            return new DeliveryReport(runId, targets, waited.delivered());
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(endpoints.size(), r -> {
            Thread thread = new Thread(r, "orgsync-webhook-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        List<Future<DeliveryReport.Target>> futures = new ArrayList<>();
        for (WebhookEndpoint endpoint : endpoints) {
            futures.add(pool.submit(() -> deliverTo(endpoint, messages, runDir, result.changes().size(),
                    behindWaiting)));
        }
        pool.shutdown();
        boolean interrupted = false;
        for (Future<DeliveryReport.Target> future : futures) {
            while (true) {
                try {
                    targets.add(future.get());
                    break;
                } catch (InterruptedException e) {
                    // the workers, interrupted too, keep what they have not delivered as dead letters; wait for that
                    interrupted = true;
                    pool.shutdownNow();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("webhook delivery failed unexpectedly: " + e.getCause(),
                            e.getCause());
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return new DeliveryReport(runId, targets, waited.delivered());
    }

    /**
     * Sends what committed runs left waiting in the outbox, oldest first, before this run's own
     * messages (a crash during their delivery, a receiver that was down).
     *
     * @return what went, and the URLs for which a waiting message failed again: this run's
     *         messages queue behind it
     */
    private Redeliverer.Pending deliverWaiting(String runId) {
        try {
            return waiting.deliverPending(deadLetterRoot, runId);
        } catch (Exception e) {
            // the database could not say which runs committed: sending nothing of them is the safe side
            LOG.warn("cannot deliver the messages waiting in {} before run {}: {}; they wait for the next run or "
                    + "--redeliver", deadLetterRoot, runId, e.toString());
            return new Redeliverer.Pending(0, 0, Set.of());
        }
    }

    private DeliveryReport.Target deliverTo(WebhookEndpoint endpoint, List<WebhookMessage> messages, Path runDir,
                                            int changes, Set<String> behindWaiting) {
        String runId = runDir.getFileName().toString();
        int delivered = 0;
        boolean gone = false;
        boolean interrupted = false;
        String heldBack = behindWaiting.contains(endpoint.url().toString())
                ? "an earlier run's message to this URL is still not delivered (receivers see runs in order)" : null;
        for (WebhookMessage message : messages) {
            if (heldBack != null) {
                keep(runDir, endpoint, message, 0, "not sent: " + heldBack, null);
                continue;
            }
            WebhookTransport.Outcome outcome;
            try {
                outcome = transport.send(endpoint, message);
            } catch (InterruptedException e) {
                // cleared while the dead letters are written: an interrupted FileChannel closes itself
                interrupted = true;
                Thread.interrupted();
                heldBack = "delivery was interrupted (shutting down)";
                LOG.warn("{}: delivery of run {} interrupted at {}; it and the remaining messages are kept as dead "
                        + "letters in {}", endpoint, runId, message, runDir);
                keep(runDir, endpoint, message, 0, "interrupted: fate unknown, " + heldBack, null);
                continue;
            }
            if (outcome.delivered()) {
                delivered++;
                removeFromOutbox(runDir, endpoint, message);
                continue;
            }
            keep(runDir, endpoint, message, outcome.attempts(), outcome.detail(), outcome);
            if (outcome.result() == WebhookTransport.Result.GONE) {
                gone = true;
                heldBack = endpoint + " answered 410 Gone";
                LOG.warn("{} answered 410 Gone to {}: it receives nothing more of run {}; this and the remaining "
                        + "messages are kept as dead letters in {} (remove the URL from {} if it is retired)",
                        endpoint, message, runId, runDir, WebhookSettings.URL);
            } else {
                heldBack = message + " was not delivered (later messages wait so that the receiver sees the run "
                        + "in order)";
                LOG.warn("{}: {} not delivered after {} attempt(s): {}", endpoint, message, outcome.attempts(),
                        outcome.detail());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        int failed = messages.size() - delivered;
        if (failed == 0) {
            deleteIfEmpty(runDir);
        }
        if (failed == 0) {
            LOG.info("{}: run {} delivered: {} message(s), {} change(s)", endpoint, runId, messages.size(), changes);
        } else {
            LOG.warn("{}: run {}: {} of {} message(s) delivered, {} kept as dead letters in {}; re-send them with "
                    + "--redeliver {}", endpoint, runId, delivered, messages.size(), failed, runDir, runDir);
        }
        return new DeliveryReport.Target(endpoint.index(), endpoint.display(), messages.size(), delivered, failed,
                gone, failed == 0 ? null : runDir);
    }

    private static void removeFromOutbox(Path runDir, WebhookEndpoint endpoint, WebhookMessage message) {
        try {
            Files.deleteIfExists(runDir.resolve(DeadLetters.fileName(endpoint.index(), message.position())));
        } catch (IOException e) {
            // a later --redeliver sends it again; receivers deduplicate by webhook-id
            LOG.warn("{}: {} was delivered but its outbox file stays in {}: {}", endpoint, message, runDir,
                    e.toString());
        }
    }

    private static void deleteIfEmpty(Path runDir) {
        try {
            Files.deleteIfExists(runDir);
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            // another URL's dead letters are still in it
        } catch (IOException e) {
            LOG.debug("cannot remove the empty outbox folder {}: {}", runDir, e.toString());
        }
    }

    /** A message the URL did not accept; writing it down is all that is left to do with it. */
    private void keep(Path runDir, WebhookEndpoint endpoint, WebhookMessage message, int attempts, String why,
                      WebhookTransport.Outcome outcome) {
        var headers = outcome != null && outcome.headers() != null ? outcome.headers()
                : new StandardWebhookSigner(endpoint.secrets()).headers(message.id(),
                clock.instant().getEpochSecond(), message.body());
        try {
            DeadLetters.write(runDir, endpoint, message, attempts, why, headers, clock.instant());
        } catch (IOException | RuntimeException e) {
            LOG.error("{}: cannot write the dead letter of {} to {}: {}; this message is lost for this receiver",
                    endpoint, message, runDir, e.toString());
        }
    }
}
