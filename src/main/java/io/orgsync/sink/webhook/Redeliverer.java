package io.orgsync.sink.webhook;

import io.orgsync.config.ConfigurationException;
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
 * {@code --redeliver DIR}: re-sends dead letters to the URL each was meant for, with its original
 * {@code webhook-id} so that a receiver that did get the first copy recognises the repeat, and
 * deletes each file only once the receiver answered 2xx. The order of the first delivery holds:
 * oldest run first, by position within a run, and once a message to a URL fails again, nothing
 * later for that URL is sent in this redelivery.
 */
public final class Redeliverer {

    public static final String OPTION = "--redeliver";

    private static final Logger LOG = LoggerFactory.getLogger(Redeliverer.class);

    private final WebhookSettings settings;
    private final WebhookTransport transport;

    public Redeliverer(WebhookSettings settings) {
        this(settings, Clock.systemUTC());
    }

    Redeliverer(WebhookSettings settings, Clock clock) {
        this.settings = settings;
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
     * @param dir    {@code <orgsync.file.dir>/dead-letter}, or one run's folder inside it
     * @param lookup the configuration, as for a run: the secrets are needed to sign again
     * @return the exit code: {@code 0} every dead letter delivered (or none found), {@code 1} some still failing
     * @throws ConfigurationException for missing or invalid webhook settings, or a {@code dir} that is not a folder
     */
    public static int run(Path dir, Function<String, Optional<String>> lookup) {
        WebhookSettings settings = WebhookSettings.load(lookup);
        return new Redeliverer(settings).redeliver(dir).exitCode();
    }

    public Result redeliver(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigurationException(OPTION, "'" + dir + "' is not a folder; give <orgsync.file.dir>/"
                    + DeadLetters.DIR + " or one run's folder in it");
        }
        List<Path> files;
        try {
            files = DeadLetters.list(dir);
        } catch (IOException e) {
            LOG.error("cannot list dead letters in {}: {}", dir, e.toString());
            return new Result(0, 0, 1);
        }
        if (files.isEmpty()) {
            LOG.info("no dead letters in {}; nothing to redeliver", dir);
            return new Result(0, 0, 0);
        }
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
        removeEmptyRunFolders(dir);
        int left = files.size() - delivered;
        if (left == 0) {
            LOG.info("redelivery from {}: all {} dead letter(s) delivered", dir, files.size());
        } else {
            LOG.warn("redelivery from {}: {} of {} dead letter(s) delivered, {} still failing", dir, delivered,
                    files.size(), left);
        }
        return new Result(files.size(), delivered, left);
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
