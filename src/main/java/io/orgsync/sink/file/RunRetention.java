package io.orgsync.sink.file;

import io.orgsync.model.CanonicalJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code orgsync.file.keep-runs}: after a run is published, the run folders of its source and
 * tenant beyond the newest {@code keep-runs} are deleted. Every run is a full snapshot (about 100 MB
 * for 100,000 members) holding people's personal data, so without this a daily schedule fills the
 * disk and keeps every past copy.
 * <p>
 * Deleting the wrong thing cannot be undone, so only what is certainly a published run goes: a real
 * folder (a link is never followed, nor deleted) whose name is a run id {@link FileLayout#segment}
 * accepts, holding the {@code manifest.json} that publishing writes last. Hidden {@code .tmp-}
 * folders, {@code latest.json} and folders other features keep beside the runs are never candidates,
 * and the run {@code latest.json} names is always kept, even where a clock set back made it sort
 * older than others.
 */
public final class RunRetention {

    public static final String KEY = "orgsync.file.keep-runs";
    public static final int DEFAULT_KEEP_RUNS = 30;

    private static final Logger LOG = LoggerFactory.getLogger(RunRetention.class);

    /**
     * Names that pass as run ids but are not runs: the webhook sink's folder, and the names kept for
     * incremental exports and run plans, which may come to live beside the runs.
     */
    private static final Set<String> NOT_RUNS = Set.of("dead-letter", "increments", "plans");

    private final int keepRuns;

    /** @param keepRuns how many runs to keep per source and tenant; {@code 0} keeps every run */
    public RunRetention(int keepRuns) {
        if (keepRuns < 0) {
            throw new IllegalArgumentException(KEY + ": " + keepRuns + " is negative; 0 keeps every run");
        }
        this.keepRuns = keepRuns;
    }

    public int keepRuns() {
        return keepRuns;
    }

    /**
     * Deletes the runs of {@code tenantDir} beyond the newest {@code keep-runs}. Called once the new
     * run is visible, so it never fails the publish: a run folder it could not delete is logged and
     * tried again after the next run.
     *
     * @return how many run folders were deleted
     */
    int prune(Path tenantDir, String source, String tenant) {
        if (keepRuns == 0) {
            return 0;
        }
        try {
            return pruneOrFail(tenantDir, source, tenant);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove old runs of {}/{} under {} ({}): {}", source, tenant, tenantDir, KEY,
                    firstLine(e));
            return 0;
        }
    }

    private int pruneOrFail(Path tenantDir, String source, String tenant) throws IOException {
        String latest = latestRunId(tenantDir);
        List<String> runs = runs(tenantDir);
        runs.sort(Comparator.reverseOrder());
        int removed = 0;
        int failed = 0;
        for (String run : runs.subList(Math.min(keepRuns, runs.size()), runs.size())) {
            if (run.equals(latest)) {
                continue;
            }
            try {
                remove(tenantDir, run);
                removed++;
            } catch (IOException e) {
                failed++;
                LOG.warn("could not remove old run {} of {}/{} ({}); it is tried again after the next run: {}",
                        run, source, tenant, KEY, firstLine(e));
            }
        }
        LOG.info("removed {} old run folder(s) of {}/{}, keeping the newest {} ({}){}", removed, source, tenant,
                keepRuns, KEY, failed == 0 ? "" : "; " + failed + " could not be removed");
        return removed;
    }

    /** Jackson appends the input's location on a line of its own; a log line stays one line. */
    private static String firstLine(Exception e) {
        return e.toString().lines().findFirst().orElse("").strip();
    }

    /** Without a readable {@code latest.json} nothing is deleted: it could name any run. */
    private static String latestRunId(Path tenantDir) throws IOException {
        Path latest = tenantDir.resolve(FileLayout.LATEST_JSON);
        String runId = CanonicalJson.MAPPER.readTree(latest.toFile()).path("runId").asText("");
        if (runId.isEmpty()) {
            throw new IOException(latest + " names no runId");
        }
        return runId;
    }

    static List<String> runs(Path tenantDir) throws IOException {
        List<String> runs = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tenantDir)) {
            for (Path entry : entries) {
                if (isRun(entry)) {
                    runs.add(entry.getFileName().toString());
                }
            }
        }
        return runs;
    }

    private static boolean isRun(Path entry) {
        String name = entry.getFileName().toString();
        if (NOT_RUNS.contains(name)) {
            return false;
        }
        try {
            FileLayout.segment("runId", name);
        } catch (IllegalArgumentException notARunId) {
            // also every .tmp- folder and latest.json itself
            return false;
        }
        return Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
                && Files.isRegularFile(entry.resolve(FileLayout.MANIFEST_JSON), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Renamed to a hidden name first, in one step, so that readers never see a half-deleted run; a
     * deletion cut short leaves a {@code .tmp-} folder that the next start removes.
     */
    static void remove(Path tenantDir, String run) throws IOException {
        Path doomed = tenantDir.resolve(FileLayout.TEMP_PREFIX + run + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
        Files.move(tenantDir.resolve(run), doomed, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.deleteRecursively(doomed);
    }
}
