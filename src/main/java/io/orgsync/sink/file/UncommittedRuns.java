package io.orgsync.sink.file;

import io.orgsync.model.CanonicalJson;
import io.orgsync.run.CommittedRuns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * At start, before any run: the run folders and {@code latest.json} of runs the database does not
 * record as successful are taken back. Publishing follows a durable commit, so such folders exist
 * only where the database lost a commit or a process published against another database; what the
 * exports show must agree with what the next run is compared with, or that run reports changes
 * nobody will see and hides ones they should.
 */
public final class UncommittedRuns {

    private static final Logger LOG = LoggerFactory.getLogger(UncommittedRuns.class);

    private UncommittedRuns() {
    }

    /** What was taken back: {@code source/tenant/runId} of each run folder, and each {@code latest.json} moved. */
    public record Removed(List<String> runs, List<String> latest) {
        public boolean isEmpty() {
            return runs.isEmpty() && latest.isEmpty();
        }
    }

    /**
     * Removes, under {@code dir/<source>/<tenant>/}, every run folder whose run is not recorded as
     * successful, and points {@code latest.json} at the newest run left (removed when none is),
     * logging once what it did.
     */
    public static Removed reconcile(Path dir, CommittedRuns committed) throws Exception {
        List<String> removedRuns = new ArrayList<>();
        List<String> movedLatest = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return new Removed(removedRuns, movedLatest);
        }
        for (Path tenantDir : tenantDirs(dir)) {
            String where = dir.relativize(tenantDir).toString().replace('\\', '/');
            List<String> runs = RunRetention.runs(tenantDir);
            Set<String> ok = runs.isEmpty() ? Set.of() : committed.committed(runs);
            List<String> kept = new ArrayList<>();
            for (String run : runs) {
                if (ok.contains(run)) {
                    kept.add(run);
                } else {
                    RunRetention.remove(tenantDir, run);
                    removedRuns.add(where + "/" + run);
                }
            }
            String moved = realignLatest(tenantDir, kept);
            if (moved != null) {
                movedLatest.add(where + ": " + moved);
            }
        }
        if (!removedRuns.isEmpty() || !movedLatest.isEmpty()) {
            LOG.warn("removed {} run folder(s) the database does not record as successful (published before a crash "
                    + "took back their commit, or by a process using another database): {}{}", removedRuns.size(),
                    removedRuns, movedLatest.isEmpty() ? "" : "; latest.json " + movedLatest);
        }
        return new Removed(removedRuns, movedLatest);
    }

    /**
     * {@code latest.json} names the newest run that is still there, byte for byte its manifest.
     * @return what changed ({@code "runA -> runB"}, {@code "runA -> none"}), or null when nothing did
     */
    private static String realignLatest(Path tenantDir, List<String> kept) throws IOException {
        Path latest = tenantDir.resolve(FileLayout.LATEST_JSON);
        String named = null;
        if (Files.isRegularFile(latest, LinkOption.NOFOLLOW_LINKS)) {
            named = CanonicalJson.MAPPER.readTree(latest.toFile()).path("runId").asText(null);
        }
        String newest = kept.stream().max(Comparator.naturalOrder()).orElse(null);
        if (newest == null) {
            if (named == null || !Files.exists(latest, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            Files.delete(latest);
            return named + " -> none";
        }
        if (newest.equals(named)) {
            return null;
        }
        byte[] manifest = Files.readAllBytes(tenantDir.resolve(newest).resolve(FileLayout.MANIFEST_JSON));
        DurableFiles.replaceAtomically(latest, manifest);
        return named + " -> " + newest;
    }

    private static List<Path> tenantDirs(Path dir) throws IOException {
        List<Path> tenants = new ArrayList<>();
        try (DirectoryStream<Path> sources = Files.newDirectoryStream(dir,
                p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && isSegment(p))) {
            for (Path source : sources) {
                try (DirectoryStream<Path> inSource = Files.newDirectoryStream(source,
                        p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && isSegment(p))) {
                    inSource.forEach(tenants::add);
                }
            }
        }
        return tenants;
    }

    /** Source and tenant folders are segments; {@code dead-letter} and hidden folders are not. */
    private static boolean isSegment(Path path) {
        try {
            FileLayout.segment("folder", path.getFileName().toString());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
