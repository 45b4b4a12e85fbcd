package io.orgsync.sink.file;

import io.orgsync.model.CanonicalJson;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunCoordinator;
import io.orgsync.run.RunResult;
import io.orgsync.run.Sink;
import io.orgsync.run.StagedSinks;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code file} sink: one folder per successful run, then
 * {@code latest.json}. {@link #publish} is all-or-nothing: the run folder is built under a hidden
 * {@code .tmp-} name beside its final place, every file and the folder are fsynced, and only then is
 * it renamed; {@code latest.json} is replaced by renaming a fsynced temporary file over it. If
 * anything fails before {@code latest.json} is replaced, the run folder is taken away again, so a
 * reader sees either the old state or the new one, never a half-written run.
 */
public final class FileSink implements Sink {

    public static final String NAME = "file";

    private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);

    private final Path dir;
    private final boolean csv;
    private final RunRetention retention;

    /** With {@code orgsync.file.keep-runs} at its default. */
    public FileSink(Path dir, Set<String> formats) {
        this(dir, formats, RunRetention.DEFAULT_KEEP_RUNS);
    }

    /**
     * @param dir      {@code orgsync.file.dir}; created on first publish
     * @param formats  {@code orgsync.file.formats}: a subset of {@code jsonl}, {@code csv} (case and
     *                 blanks ignored); JSONL is always written: the contract promises it in every run folder
     * @param keepRuns {@code orgsync.file.keep-runs}: runs kept per source and tenant, {@code 0} for all
     */
    public FileSink(Path dir, Set<String> formats, int keepRuns) {
        if (dir == null) {
            throw new IllegalArgumentException("orgsync.file.dir must be set");
        }
        this.dir = dir;
        Set<String> normalised = new LinkedHashSet<>();
        for (String format : formats == null ? Set.<String>of() : formats) {
            String f = format == null ? "" : format.trim().toLowerCase(Locale.ROOT);
            if (!FileLayout.FORMATS.contains(f)) {
                throw new IllegalArgumentException("orgsync.file.formats: unknown format '" + format
                        + "', expected a comma separated subset of " + FileLayout.FORMAT_JSONL + ","
                        + FileLayout.FORMAT_CSV);
            }
            normalised.add(f);
        }
        this.csv = normalised.contains(FileLayout.FORMAT_CSV);
        this.retention = new RunRetention(keepRuns);
    }

    /** Reads {@code orgsync.file.formats} as written in the properties: {@code jsonl,csv}. */
    public static Set<String> parseFormats(String list) {
        Set<String> formats = new LinkedHashSet<>();
        if (list != null) {
            for (String part : list.split(",")) {
                if (!part.isBlank()) {
                    formats.add(part.trim());
                }
            }
        }
        return formats;
    }

    @Override
    public String name() {
        return NAME;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Writes the run under a hidden temporary name in the tenant folder; nothing is visible until
     * {@link Staged#commit()} renames it and replaces {@code latest.json}.
     */
    @Override
    public Staged stage(RunResult result) throws IOException {
        return write(result);
    }

    /** Stage and commit at once; narrower than {@link Sink#publish} because only files are involved. */
    @Override
    public void publish(RunResult result) throws IOException {
        try (StagedRunFolder staged = write(result)) {
            staged.commit();
        }
    }

    /**
     * The route {@code sink-file}'s step: the run written under its hidden name, kept with the
     * run's other staged sinks until the database committed and the run's commit renames it.
     */
    public void stageRun(@Body RunResult result, @ExchangeProperty(RunCoordinator.STAGED) StagedSinks staged)
            throws Exception {
        staged.stage(NAME, this, result);
    }

    private StagedRunFolder write(RunResult result) throws IOException {
        Manifest manifest = result.manifest();
        RunFiles.checkPublishable(result);
        Path tenantDir = FileLayout.tenantDir(dir, manifest.source(), manifest.tenant());
        Path runDir = FileLayout.runDir(dir, manifest.source(), manifest.tenant(), manifest.runId());
        Path latest = FileLayout.latest(dir, manifest.source(), manifest.tenant());

        DurableFiles.createDirectories(tenantDir);
        if (Files.exists(runDir, LinkOption.NOFOLLOW_LINKS)) {
            // a run id is published once; overwriting would change what readers already saw
            throw new FileAlreadyExistsException(runDir.toString(), null, "run " + manifest.runId()
                    + " is already published");
        }
        Path temporary = Files.createDirectory(DurableFiles.temporaryName(tenantDir, manifest.runId()));
        try {
            RunFiles.write(temporary, result, csv);
            DurableFiles.syncDirectory(temporary);
        } catch (IOException | RuntimeException | Error e) {
            StagedRunFolder.rollBack(tenantDir, temporary, null, manifest.runId(), e);
            throw e;
        }
        return new StagedRunFolder(manifest, tenantDir, temporary, runDir, latest, retention);
    }

    /**
     * Rewrites a published run's {@code manifest.json}, and {@code latest.json} while it still
     * names that run, each atomically. Used for the delivery failures known only after commit.
     */
    @Override
    public void amend(Manifest manifest) throws IOException {
        Path runDir = FileLayout.runDir(dir, manifest.source(), manifest.tenant(), manifest.runId());
        if (!Files.isDirectory(runDir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("run " + manifest.runId() + " is not published under " + runDir);
        }
        DurableFiles.replaceAtomically(runDir.resolve(FileLayout.MANIFEST_JSON), RunFiles.manifestText(manifest));
        Path latest = FileLayout.latest(dir, manifest.source(), manifest.tenant());
        if (manifest.runId().equals(CanonicalJson.MAPPER.readTree(latest.toFile()).path("runId").asText())) {
            DurableFiles.replaceAtomically(latest, RunFiles.manifestText(manifest));
        }
    }

    /**
     * Removes {@code .tmp-*} entries under {@code dir/<source>/<tenant>/} that a crash or kill left
     * behind. Call it at start-up, before runs begin: it cannot tell a leftover from the folder of
     * a publish in progress.
     *
     * @return how many entries were removed
     */
    public int cleanStaleTemporaryDirectories() throws IOException {
        return cleanStaleTemporaryDirectories(dir);
    }

    /** See {@link #cleanStaleTemporaryDirectories()}. */
    public static int cleanStaleTemporaryDirectories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> sources = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path source : sources) {
                try (DirectoryStream<Path> tenants = Files.newDirectoryStream(source, Files::isDirectory)) {
                    for (Path tenant : tenants) {
                        try (DirectoryStream<Path> stale = Files.newDirectoryStream(tenant,
                                FileLayout.TEMP_PREFIX + "*")) {
                            for (Path entry : stale) {
                                DurableFiles.deleteRecursively(entry);
                                LOG.info("removed leftover temporary {}", entry);
                                removed++;
                            }
                        }
                    }
                }
            }
        }
        return removed;
    }
}
