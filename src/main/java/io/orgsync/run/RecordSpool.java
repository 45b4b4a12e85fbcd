package io.orgsync.run;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A run's records on disk rather than on the heap: sorted maps in a temporary H2 MVStore file, so
 * that a run of a million members holds a bounded page cache instead of a million object trees.
 * Keys sort as Java strings, the order exports and change lists use. The file belongs to one run
 * and is deleted when the run ends; it is never read by another process or another run. Files
 * left by a killed process are deleted when the next one starts ({@link #removeLeftovers}).
 */
final class RecordSpool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecordSpool.class);
    private static final String PREFIX = "orgsync-spool-";
    private static final String SUFFIX = ".mv.db";
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
            file = Files.createTempFile(PREFIX, SUFFIX);
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

    /**
     * Deletes the spool files of runs whose process died (a SIGKILL skips deleteOnExit). A spool
     * in use is locked by its store, so one of another process on this host is left alone.
     *
     * @return how many were deleted
     */
    static int removeLeftovers() {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        int removed = 0;
        try (DirectoryStream<Path> spools = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            for (Path spool : spools) {
                if (deleteUnlocked(spool)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warn("could not look for leftover spool files in {}: {}", dir, e.getMessage());
        }
        if (removed > 0) {
            LOG.info("removed {} spool file(s) left in {} by runs that did not end", removed, dir);
        }
        return removed;
    }

    private static boolean deleteUnlocked(Path spool) {
        try (FileChannel channel = FileChannel.open(spool, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return false; // open in this JVM
            }
            if (lock == null) {
                return false; // open in another process
            }
            try (lock) {
                Files.delete(spool);
                return true;
            }
        } catch (IOException e) {
            return false;
        }
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
