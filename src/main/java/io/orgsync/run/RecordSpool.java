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
 * A run's records on disk rather than on the heap: a temporary directory holding the run's
 * {@link SortedRuns} files while it fetches, then sorted maps in an H2 MVStore file, so that a run
 * of a million members holds a bounded page cache instead of a million object trees. Keys sort as
 * Java strings, the order exports and change lists use. The directory belongs to one run and is
 * deleted when the run ends; it is never read by another process or another run. Directories
 * left by a killed process are deleted when the next one starts ({@link #removeLeftovers}).
 */
final class RecordSpool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecordSpool.class);
    private static final String PREFIX = "orgsync-spool-";
    /** The store's file: its lock tells a spool in use from one a killed process left. */
    private static final String STORE = "records.mv.db";
    /** Spool files of releases before the directory; still removed when left behind. */
    private static final String OLD_SUFFIX = ".mv.db";
    /** Pages kept in memory per spool; enough for sequential passes, small against -Xmx256m. */
    private static final int CACHE_MB = 8;
    /** Unsaved changes kept before the store writes them out, in KB. */
    private static final int WRITE_BUFFER_KB = 2048;

    private final Path dir;
    private final MVStore store;

    private RecordSpool(Path dir, MVStore store) {
        this.dir = dir;
        this.store = store;
    }

    static RecordSpool create() {
        Path dir;
        try {
            dir = Files.createTempDirectory(PREFIX);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run's spool directory in "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
        }
        Path file = dir.resolve(STORE);
        // a JVM killed mid-run leaves them; a normal exit never does (deleted in reverse order)
        dir.toFile().deleteOnExit();
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
        return new RecordSpool(dir, store);
    }

    /**
     * Deletes the spools of runs whose process died (a SIGKILL skips deleteOnExit). A spool in use
     * is locked by its store, so one of another process on this host is left alone.
     *
     * @return how many were deleted
     */
    static int removeLeftovers() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        int removed = 0;
        try (DirectoryStream<Path> spools = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path spool : spools) {
                boolean directory = Files.isDirectory(spool);
                if (!directory && !spool.getFileName().toString().endsWith(OLD_SUFFIX)) {
                    continue;
                }
                if (deleteUnlocked(directory ? spool.resolve(STORE) : spool, directory ? spool : null)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warn("could not look for leftover spools in {}: {}", tmp, e.getMessage());
        }
        if (removed > 0) {
            LOG.info("removed {} spool(s) left in {} by runs that did not end", removed, tmp);
        }
        return removed;
    }

    /** Deletes {@code store} (and {@code dir} with everything in it, when given) unless a store holds it open. */
    private static boolean deleteUnlocked(Path store, Path dir) {
        if (!Files.exists(store)) {
            return false; // a spool directory being created: its store is opened next
        }
        try (FileChannel channel = FileChannel.open(store, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
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
                if (dir == null) {
                    Files.delete(store);
                } else {
                    deleteTree(dir);
                }
                return true;
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(dir);
    }

    /** Where the run's sorted runs go while it fetches. */
    Path directory() {
        return dir;
    }

    /**
     * Lines by id ({@link SpoolBytes}), filled once, in ascending key order, by one thread, with
     * {@link MVMap#append}: whole leaf pages at a time instead of a descent of the tree per key.
     * Call {@link MVMap#flushAndGetRoot()} when done; reading it from any thread is safe after that.
     */
    MVMap<String, byte[]> appendedLines(String name) {
        return store.openMap(name, new MVMap.Builder<String, byte[]>().valueType(SpoolBytes.INSTANCE).singleWriter());
    }

    /** {@link #appendedLines} for short text values. */
    MVMap<String, String> appendedMap(String name) {
        return store.openMap(name, new MVMap.Builder<String, String>().singleWriter());
    }

    @Override
    public void close() {
        try {
            // nothing in it is worth keeping: skip the final write-out
            store.closeImmediately();
        } finally {
            try {
                deleteTree(dir);
            } catch (IOException e) {
                LOG.warn("could not delete the spool directory {}: {}", dir, e.getMessage());
            }
        }
    }
}
