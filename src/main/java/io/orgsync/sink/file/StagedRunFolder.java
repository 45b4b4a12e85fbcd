package io.orgsync.sink.file;

import io.orgsync.run.Manifest;
import io.orgsync.run.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A run folder written under its hidden {@code .tmp-} name: {@link #commit()} renames it into place
 * and replaces {@code latest.json}, {@link #close()} deletes it. If anything fails before
 * {@code latest.json} is replaced, the run folder is taken away again.
 */
final class StagedRunFolder implements Sink.Staged {

    /** The sink's own logger name, which operators filter and search the log by. */
    private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);

    private final Manifest manifest;
    private final Path tenantDir;
    private final Path temporary;
    private final Path runDir;
    private final Path latest;
    private final RunRetention retention;
    private boolean done;

    StagedRunFolder(Manifest manifest, Path tenantDir, Path temporary, Path runDir, Path latest,
                    RunRetention retention) {
        this.manifest = manifest;
        this.tenantDir = tenantDir;
        this.temporary = temporary;
        this.runDir = runDir;
        this.latest = latest;
        this.retention = retention;
    }

    @Override
    public void commit() throws IOException {
        if (done) {
            throw new IllegalStateException("run " + manifest.runId() + " was already committed or discarded");
        }
        done = true;
        boolean renamed = false;
        try {
            Files.move(temporary, runDir, StandardCopyOption.ATOMIC_MOVE);
            renamed = true;
            DurableFiles.syncDirectory(tenantDir);
            DurableFiles.replaceAtomically(latest, RunFiles.manifestText(manifest));
        } catch (IOException | RuntimeException | Error e) {
            rollBack(tenantDir, temporary, renamed ? runDir : null, manifest.runId(), e);
            throw e;
        }
        // from here on the new state is visible: failing now would break the all-or-nothing promise
        DurableFiles.syncDirectoryQuietly(tenantDir);
        LOG.info("published run {} to {}", manifest.runId(), runDir);
        retention.prune(tenantDir, manifest.source(), manifest.tenant());
    }

    @Override
    public void close() {
        if (!done) {
            done = true;
            try {
                DurableFiles.deleteRecursively(temporary);
            } catch (IOException e) {
                LOG.warn("could not remove staged run {}; it is removed at the next start", temporary);
            }
        }
    }

    /**
     * Undoes a publish that failed. A run folder that was already renamed is first renamed back to
     * a hidden name, in one step, so that it disappears atomically before it is deleted.
     */
    static void rollBack(Path tenantDir, Path temporary, Path published, String runId, Throwable cause) {
        try {
            Path doomed = temporary;
            if (published != null) {
                doomed = DurableFiles.temporaryName(tenantDir, runId);
                Files.move(published, doomed, StandardCopyOption.ATOMIC_MOVE);
            }
            DurableFiles.deleteRecursively(doomed);
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
            LOG.warn("could not clean up after the failed publish of run {} under {}; "
                    + "cleanStaleTemporaryDirectories removes leftovers at the next start", runId, tenantDir, e);
        }
    }
}
