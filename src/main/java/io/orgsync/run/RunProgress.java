package io.orgsync.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The runs in progress, each logging a progress line every ten seconds of its own from its start. */
final class RunProgress implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.orgsync.run");
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private final Clock clock;
    private final Map<String, RunContext> active = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastProgress = new ConcurrentHashMap<>();
    private final ScheduledExecutorService progress;

    RunProgress(Clock clock) {
        this.clock = clock;
        this.progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "orgsync-progress");
            thread.setDaemon(true);
            return thread;
        });
        // a one-second tick, so each run reports ten seconds after its own start, not the scheduler's
        progress.scheduleAtFixedRate(this::logProgress, 1, 1, TimeUnit.SECONDS);
    }

    /** A run begun here, or taken over from a source Kamelet's exchange. */
    void started(RunContext run) {
        active.put(run.runId(), run);
    }

    void ended(RunContext run) {
        active.remove(run.runId());
        lastProgress.remove(run.runId());
    }

    private void logProgress() {
        Instant now = clock.instant();
        for (RunContext run : active.values()) {
            Duration elapsed = Duration.between(run.startedAt(), now);
            Instant last = lastProgress.getOrDefault(run.runId(), run.startedAt());
            if (Duration.between(last, now).compareTo(PROGRESS_EVERY) >= 0) {
                lastProgress.put(run.runId(), now);
                LOG.info("run progress runId={} source={} tenant={} elapsedSeconds={} departments={} members={} "
                                + "apiCalls={} retries={}", run.runId(), run.source(), run.tenant(),
                        elapsed.toSeconds(), run.snapshot().departmentCount(), run.snapshot().membersListed(),
                        run.apiCalls(), run.retries());
            }
        }
    }

    @Override
    public void close() {
        progress.shutdownNow();
    }
}
