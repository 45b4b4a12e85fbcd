package io.orgsync.sink.webhook;

import io.orgsync.config.ConfigurationException;
import io.orgsync.run.CommittedRuns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@code --redeliver DIR}, and every webhook delivery before it sends a new run: re-sends the
 * outbox and dead letters of committed runs to the URL each was meant for, with its original
 * {@code webhook-id} so that a receiver that did get the first copy recognises the repeat, and
 * deletes each file only once the receiver answered 2xx. The order of the first delivery holds:
 * oldest run first, by position within a run, and once a message to a URL fails again, nothing
 * later for that URL is sent in this redelivery. Messages of a run the database does not record
 * as successful are never sent: such a run was taken back, and a receiver must never hear of it.
 */
public final class Redeliverer {

    public static final String OPTION = "--redeliver";

    private static final Logger LOG = LoggerFactory.getLogger(Redeliverer.class);

    private final WebhookSettings settings;
    private final CommittedRuns committed;
    private final WebhookTransport transport;

    public Redeliverer(WebhookSettings settings, CommittedRuns committed) {
        this(settings, committed, Clock.systemUTC());
    }

    Redeliverer(WebhookSettings settings, CommittedRuns committed, Clock clock) {
        this.settings = settings;
        this.committed = committed;
        this.transport = new WebhookTransport(settings, clock);
    }

    /**
     * @param found        dead-letter files seen
     * @param stillFailing files left in place: not accepted, not attempted behind one that was
     *                     not, unreadable, or for a URL no longer configured
     */
    public record Result(int found, int delivered, int stillFailing) {

        /** {@code 0} when nothing is left to deliver, {@code 1} otherwise. */
        public int exitCode() {
            return stillFailing == 0 ? 0 : 1;
        }
    }

    /**
     * The entry point for {@code java -jar orgsync.jar --redeliver DIR}.
     *
     * @param dir       {@code <orgsync.file.dir>/dead-letter}, or one run's folder inside it
     * @param lookup    the configuration, as for a run: the secrets are needed to sign again
     * @param committed the runs the database records as successful: only their messages are sent
     * @return the exit code: {@code 0} every dead letter delivered (or none found), {@code 1} some still failing
     * @throws ConfigurationException for missing or invalid webhook settings, or a {@code dir} that is not a folder
     */
    public static int run(Path dir, Function<String, Optional<String>> lookup, CommittedRuns committed) {
        WebhookSettings settings = WebhookSettings.load(lookup);
        return new Redeliverer(settings, committed).redeliver(dir).exitCode();
    }

    public Result redeliver(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigurationException(OPTION, "'" + dir + "' is not a folder; give <orgsync.file.dir>/"
                    + DeadLetters.DIR + " or one run's folder in it");
        }
        List<Path> files;
        try {
            files = committedOnly(DeadLetters.list(dir), null);
        } catch (Exception e) {
            LOG.error("cannot list dead letters in {}: {}", dir, e.toString());
            return new Result(0, 0, 1);
        }
        if (files.isEmpty()) {
            LOG.info("no dead letters of committed runs in {}; nothing to redeliver", dir);
            return new Result(0, 0, 0);
        }
        Sent sent = send(files);
        removeEmptyRunFolders(dir);
        int left = files.size() - sent.delivered();
        if (left == 0) {
            LOG.info("redelivery from {}: all {} dead letter(s) delivered", dir, files.size());
        } else {
            LOG.warn("redelivery from {}: {} of {} dead letter(s) delivered, {} still failing", dir, sent.delivered(),
                    files.size(), left);
        }
        return new Result(files.size(), sent.delivered(), left);
    }

    /**
     * Before a run's own messages: what committed runs left in the outbox (a crash during their
     * delivery, a receiver that was down) is sent first, oldest run first.
     *
     * @param root       {@code <orgsync.file.dir>/dead-letter}
     * @param currentRun the run about to be delivered, whose own messages wait in the same folder
     * @return the messages sent and still waiting, and the URLs whose waiting messages must stay
     *         ahead of the current run's
     */
    Pending deliverPending(Path root, String currentRun) throws Exception {
        if (!Files.isDirectory(root)) {
            return new Pending(0, 0, Set.of());
        }
        List<Path> files = committedOnly(DeadLetters.list(root), currentRun);
        if (files.isEmpty()) {
            return new Pending(0, 0, Set.of());
        }
        Sent sent = send(files);
        removeEmptyRunFolders(root);
        int left = files.size() - sent.delivered();
        if (left == 0) {
            LOG.info("delivered {} waiting message(s) of earlier run(s) before run {}", sent.delivered(), currentRun);
        } else {
            LOG.warn("before run {}: {} waiting message(s) of earlier run(s) delivered, {} still failing; run {} waits "
                    + "behind them for {} URL(s)", currentRun, sent.delivered(), left, currentRun, sent.stopped().size());
        }
        return new Pending(sent.delivered(), left, sent.stopped());
    }

    /** @param stoppedUrls the URLs for which a waiting message failed again */
    record Pending(int delivered, int stillWaiting, Set<String> stoppedUrls) {
    }

    private record Sent(int delivered, Set<String> stopped) {
    }

    /** The files of runs the database records as successful, but never {@code exceptRun}'s. */
    private List<Path> committedOnly(List<Path> files, String exceptRun) throws Exception {
        Set<String> runs = new java.util.TreeSet<>();
        files.forEach(file -> runs.add(file.getParent().getFileName().toString()));
        if (exceptRun != null) {
            runs.remove(exceptRun);
        }
        Set<String> ok = runs.isEmpty() ? Set.of() : committed.committed(runs);
        for (String run : runs) {
            if (!ok.contains(run)) {
                LOG.warn("dead letters of run {} are not sent: the database does not record that run as successful",
                        run);
            }
        }
        return files.stream().filter(file -> ok.contains(file.getParent().getFileName().toString())).toList();
    }

    private Sent send(List<Path> files) {
        int delivered = 0;
        Set<String> stopped = new HashSet<>();
        Set<String> unknown = new HashSet<>();
        boolean interrupted = false;
        for (Path file : files) {
            if (interrupted) {
                break;
            }
            DeadLetters.Letter letter;
            try {
                letter = DeadLetters.read(file);
            } catch (IOException | RuntimeException e) {
                LOG.warn("skipping {}: not a readable dead letter ({})", file, e.getMessage());
                continue;
            }
            Optional<WebhookEndpoint> endpoint = settings.endpoint(letter.url());
            if (endpoint.isEmpty()) {
                if (unknown.add(letter.url())) {
                    LOG.warn("dead letters for {} are left in place: that URL is no longer in {}, so there is no "
                                    + "secret to sign them with", WebhookEndpoint.display(java.net.URI.create(letter.url())),
                            WebhookSettings.URL);
                }
                continue;
            }
            if (stopped.contains(letter.url())) {
                continue;
            }
            WebhookMessage message = new WebhookMessage(letter.webhookId(), letter.runId(), letter.position(),
                    letter.type(), letter.bodyBytes());
            WebhookTransport.Outcome outcome;
            try {
                // the transport signs each attempt with the current time, not the one in the file:
                // receivers reject a webhook-timestamp more than a few minutes old as a possible replay,
                // and the id staying the same is what lets them recognise the message
                outcome = transport.send(endpoint.get(), message);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                interrupted = true;
                LOG.warn("redelivery interrupted; {} and the files after it are left in place", file);
                continue;
            }
            if (outcome.delivered()) {
                try {
                    Files.delete(file);
                    delivered++;
                    LOG.info("{}: redelivered {} ({})", endpoint.get(), message, file.getFileName());
                } catch (IOException e) {
                    // delivered but still on disk: the next redelivery sends it again under the same id
                    LOG.warn("{}: redelivered {} but cannot delete {}: {}", endpoint.get(), message, file, e.toString());
                }
                continue;
            }
            stopped.add(letter.url());
            LOG.warn("{}: {} still not delivered after {} attempt(s): {}; it and the later dead letters for this URL "
                    + "stay in place", endpoint.get(), message, outcome.attempts(), outcome.detail());
        }
        if (interrupted) {
            // shutting down: nothing later may overtake what was not sent
            settings.endpoints().forEach(endpoint -> stopped.add(endpoint.url().toString()));
        }
        return new Sent(delivered, stopped);
    }

    /** Run folders emptied by this redelivery go; the folder the user named stays. */
    private static void removeEmptyRunFolders(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.filter(Files::isDirectory).toList()) {
                try {
                    Files.delete(child);
                } catch (DirectoryNotEmptyException stillHolding) {
                    // dead letters left to deliver
                } catch (IOException e) {
                    LOG.debug("cannot remove {}: {}", child, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot list {}: {}", dir, e.toString());
        }
    }
}
