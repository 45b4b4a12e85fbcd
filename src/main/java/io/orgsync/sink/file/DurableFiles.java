package io.orgsync.sink.file;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Files and folders that survive a crash as they were when the call returned: written and fsynced
 * before anything renames them into sight, folders fsynced after what they list changed.
 */
final class DurableFiles {

    /** The sink's own logger name, which operators filter and search the log by. */
    private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);

    /** Large enough that a million members cost few system calls, small enough to never matter. */
    static final int BUFFER_BYTES = 1 << 16;

    private DurableFiles() {
    }

    @FunctionalInterface
    interface Body {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Streams one new file and forces it to disk before returning, so that the rename which makes
     * the run visible can never expose a file whose contents are still only in the page cache.
     */
    static void writeFile(Path file, Body body) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES);
            body.write(out);
            out.flush();
            channel.force(true);
        } catch (UncheckedIOException e) {
            throw new IOException("cannot write " + file + ": " + e.getCause().getMessage(), e.getCause());
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": " + e, e);
        }
    }

    @FunctionalInterface
    interface TwoBodies {
        void write(OutputStream first, OutputStream second) throws IOException;
    }

    /** {@link #writeFile} for two files written side by side. */
    static void writeFiles(Path first, Path second, TwoBodies body) throws IOException {
        try (FileChannel one = FileChannel.open(first, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             FileChannel two = FileChannel.open(second, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream a = new BufferedOutputStream(Channels.newOutputStream(one), BUFFER_BYTES);
            OutputStream b = new BufferedOutputStream(Channels.newOutputStream(two), BUFFER_BYTES);
            body.write(a, b);
            a.flush();
            b.flush();
            one.force(true);
            two.force(true);
        } catch (UncheckedIOException e) {
            throw new IOException("cannot write " + first + " and " + second + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (IOException e) {
            throw new IOException("cannot write " + first + " and " + second + ": " + e, e);
        }
    }

    /** Write-fsync-rename: readers of {@code target} see the old bytes or the new, never a mix. */
    static void replaceAtomically(Path target, byte[] content) throws IOException {
        Path temporary = temporaryName(target.getParent(), target.getFileName().toString());
        try {
            writeFile(temporary, out -> out.write(content));
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * The random suffix keeps two processes that publish the same run id from sharing one folder;
     * the second then fails on the rename instead of mixing its files into the first one's.
     */
    static Path temporaryName(Path parent, String name) {
        return parent.resolve(FileLayout.TEMP_PREFIX + name + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
    }

    /** Fsyncs the folders we create, so that a fresh tenant folder survives a crash with its first run. */
    static void createDirectories(Path tenantDir) throws IOException {
        List<Path> created = new ArrayList<>();
        for (Path p = tenantDir; p != null && !Files.isDirectory(p); p = p.getParent()) {
            created.add(p);
        }
        Files.createDirectories(tenantDir);
        for (Path p : created) {
            if (p.getParent() != null) {
                syncDirectory(p.getParent());
            }
        }
    }

    static void syncDirectory(Path directory) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(directory, StandardOpenOption.READ);
        } catch (IOException e) {
            // some platforms (Windows) cannot open a directory at all; they order metadata themselves
            LOG.debug("cannot open {} to fsync it", directory, e);
            return;
        }
        try (channel) {
            channel.force(true);
        }
    }

    static void syncDirectoryQuietly(Path directory) {
        try {
            syncDirectory(directory);
        } catch (IOException e) {
            LOG.warn("published, but could not fsync {}; a power cut may lose the latest run", directory, e);
        }
    }

    /** Never follows links: a link inside a leftover is deleted itself, not what it points at. */
    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
