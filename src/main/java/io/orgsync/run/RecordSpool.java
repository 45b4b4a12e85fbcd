package io.orgsync.run;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A run's records on disk rather than on the heap: sorted maps in a temporary H2 MVStore file, so
 * that a run of a million members holds a bounded page cache instead of a million object trees.
 * Keys sort as Java strings, the order exports and change lists use. The file belongs to one run
 * and is deleted when the run ends; it is never read by another process or another run.
 */
final class RecordSpool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecordSpool.class);
    /** Pages kept in memory per spool; enough for sequential passes, small against -Xmx256m. */
    private static final int CACHE_MB = 8;
    /** Unsaved changes kept before the store writes them out, in KB. */
    private static final int WRITE_BUFFER_KB = 2048;

    private final Path file;
    private final MVStore store;

    private RecordSpool(Path file, MVStore store) {
        this.file = file;
        this.store = store;
    }

    static RecordSpool create() {
        Path file;
        try {
            file = Files.createTempFile("orgsync-spool-", ".mv.db");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run's spool file in " + System.getProperty("java.io.tmpdir")
                    + ": " + e.getMessage(), e);
        }
        // a JVM killed mid-run leaves the file; a normal exit never does
        file.toFile().deleteOnExit();
        MVStore store = new MVStore.Builder()
                .fileName(file.toString())
                .cacheSize(CACHE_MB)
                .autoCommitBufferSize(WRITE_BUFFER_KB)
                // compaction moves live pages to new chunks and frees the old ones 45 s later: a pass
                // over a million members outlasts that, and its cursor then finds its chunk gone
                // ("Chunk 8165 not found" in a 1,000,000-member benchmark run)
                .autoCompactFillRate(0)
                .open();
        return new RecordSpool(file, store);
    }

    MVMap<String, String> map(String name) {
        return store.openMap(name);
    }

    @Override
    public void close() {
        try {
            // nothing in it is worth keeping: skip the final write-out
            store.closeImmediately();
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("could not delete the spool file {}: {}", file, e.getMessage());
            }
        }
    }
}
