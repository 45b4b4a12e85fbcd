package io.orgsync.sink.file;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ser.PropertyWriter;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.CanonicalRecord;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.run.CanonicalLines;
import io.orgsync.run.CanonicalLines.ChangeLine;
import io.orgsync.run.Change;
import io.orgsync.run.ChangeOp;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunResult;
import io.orgsync.run.RunStatus;
import io.orgsync.run.Sink;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;

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

    /**
     * RFC 4180 as Commons CSV defines it: comma, double-quote quoting only where needed, CRLF
     * between records (CRLF is what RFC 4180 prescribes; CR or LF inside a value is quoted and kept
     * verbatim). No byte-order mark: the contract says UTF-8, and a BOM would glue itself to the
     * first header name for most parsers.
     */
    static final CSVFormat CSV = CSVFormat.RFC4180;

    private static final List<String> DEPARTMENT_COLUMNS = columns(Department.class);
    private static final List<String> MEMBER_COLUMNS = columns(Member.class);

    /** Large enough that a million members cost few system calls, small enough to never matter. */
    private static final int BUFFER_BYTES = 1 << 16;

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
        return stageRun(result);
    }

    /** Stage and commit at once; narrower than {@link Sink#publish} because only files are involved. */
    @Override
    public void publish(RunResult result) throws IOException {
        try (StagedRun staged = stageRun(result)) {
            staged.commit();
        }
    }

    private StagedRun stageRun(RunResult result) throws IOException {
        Manifest manifest = result.manifest();
        checkPublishable(result);
        Path tenantDir = FileLayout.tenantDir(dir, manifest.source(), manifest.tenant());
        Path runDir = FileLayout.runDir(dir, manifest.source(), manifest.tenant(), manifest.runId());
        Path latest = FileLayout.latest(dir, manifest.source(), manifest.tenant());

        createDirectoriesDurably(tenantDir);
        if (Files.exists(runDir, LinkOption.NOFOLLOW_LINKS)) {
            // a run id is published once; overwriting would change what readers already saw
            throw new FileAlreadyExistsException(runDir.toString(), null, "run " + manifest.runId()
                    + " is already published");
        }
        Path temporary = Files.createDirectory(temporaryName(tenantDir, manifest.runId()));
        try {
            writeRun(temporary, result);
            syncDirectory(temporary);
        } catch (IOException | RuntimeException | Error e) {
            rollBack(tenantDir, temporary, null, manifest.runId(), e);
            throw e;
        }
        return new StagedRun(manifest, tenantDir, temporary, runDir, latest);
    }

    private final class StagedRun implements Staged {
        private final Manifest manifest;
        private final Path tenantDir;
        private final Path temporary;
        private final Path runDir;
        private final Path latest;
        private boolean done;

        StagedRun(Manifest manifest, Path tenantDir, Path temporary, Path runDir, Path latest) {
            this.manifest = manifest;
            this.tenantDir = tenantDir;
            this.temporary = temporary;
            this.runDir = runDir;
            this.latest = latest;
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
                syncDirectory(tenantDir);
                replaceAtomically(latest, manifestText(manifest));
            } catch (IOException | RuntimeException | Error e) {
                rollBack(tenantDir, temporary, renamed ? runDir : null, manifest.runId(), e);
                throw e;
            }
            // from here on the new state is visible: failing now would break the all-or-nothing promise
            syncDirectoryQuietly(tenantDir);
            LOG.info("published run {} to {}", manifest.runId(), runDir);
            retention.prune(tenantDir, manifest.source(), manifest.tenant());
        }

        @Override
        public void close() {
            if (!done) {
                done = true;
                try {
                    deleteRecursively(temporary);
                } catch (IOException e) {
                    LOG.warn("could not remove staged run {}; it is removed at the next start", temporary);
                }
            }
        }
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
        replaceAtomically(runDir.resolve(FileLayout.MANIFEST_JSON), manifestText(manifest));
        Path latest = FileLayout.latest(dir, manifest.source(), manifest.tenant());
        if (manifest.runId().equals(CanonicalJson.MAPPER.readTree(latest.toFile()).path("runId").asText())) {
            replaceAtomically(latest, manifestText(manifest));
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
                                deleteRecursively(entry);
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

    /**
     * Refuses results that would publish something the contract cannot stand behind: a run that
     * did not succeed, or a manifest whose figures disagree with its records (readers check a run
     * folder against its manifest). The change figures are checked as changes.jsonl is written,
     * before the manifest: counting them here would read a spooled run once more.
     */
    private static void checkPublishable(RunResult result) {
        Manifest m = result.manifest();
        if (m.status() != RunStatus.SUCCESS) {
            throw new IllegalArgumentException("only successful runs are published; run " + m.runId() + " is "
                    + (m.status() == null ? null : m.status().wireName()));
        }
        if (m.departments() != result.departments().size() || m.members() != result.members().size()) {
            throw disagreement(m, "departments=" + m.departments() + "/" + result.departments().size()
                    + " members=" + m.members() + "/" + result.members().size());
        }
    }

    private static IllegalArgumentException disagreement(Manifest m, String figures) {
        return new IllegalArgumentException("manifest of run " + m.runId() + " disagrees with its records: " + figures
                + " (manifest/records)");
    }

    /**
     * changes.jsonl is written on a thread of its own, beside the records: both read the run's
     * spool, and a first run's changes hold every record a second time, so side by side they take
     * about the time of one.
     */
    private void writeRun(Path runDir, RunResult result) throws IOException {
        Manifest m = result.manifest();
        FutureTask<long[]> changes = new FutureTask<>(() -> writeChanges(runDir.resolve(FileLayout.CHANGES_JSONL),
                result.changes()));
        Thread changesWriter = new Thread(changes, "orgsync-file-changes");
        changesWriter.setDaemon(true);
        changesWriter.start();
        try {
            Belonging departments = Belonging.of(Department.KIND, m);
            writeFile(runDir.resolve(FileLayout.DEPARTMENTS_JSONL),
                    out -> writeJsonLines(out, result.departments(), departments));
            if (csv) {
                writeFile(runDir.resolve(FileLayout.DEPARTMENTS_CSV),
                        out -> writeCsv(text(out), DEPARTMENT_COLUMNS, result.departments(), departments));
            }
            writeMembers(runDir, result.members(), Belonging.of(Member.KIND, m));
        } catch (IOException | RuntimeException | Error e) {
            // the folder is removed next: the other writer must be done with it first
            try {
                finished(changes);
            } catch (IOException | RuntimeException | Error alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
        long[] counts = finished(changes);
        long created = counts[ChangeOp.CREATE.ordinal()];
        long updated = counts[ChangeOp.UPDATE.ordinal()];
        long deleted = counts[ChangeOp.DELETE.ordinal()];
        if (m.created() != created || m.updated() != updated || m.deleted() != deleted) {
            throw disagreement(m, "created=" + m.created() + "/" + created + " updated=" + m.updated() + "/"
                    + updated + " deleted=" + m.deleted() + "/" + deleted);
        }
        // last, so that a run folder holding a manifest is known to hold everything else too
        writeFile(runDir.resolve(FileLayout.MANIFEST_JSON), out -> out.write(manifestText(m)));
    }

    /** @return how many changes of each {@link ChangeOp} it wrote */
    private static long[] writeChanges(Path file, List<Change> changes) throws IOException {
        long[] counts = new long[ChangeOp.values().length];
        writeFile(file, out -> {
            for (Iterator<ChangeLine> lines = CanonicalLines.changes(changes); lines.hasNext(); ) {
                ChangeLine change = lines.next();
                counts[change.op().ordinal()]++;
                out.write(change.line());
                out.write('\n');
            }
        });
        return counts;
    }

    /** Waits for a writer thread, and rethrows what it failed with. */
    private static <T> T finished(FutureTask<T> writer) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return writer.get();
                } catch (InterruptedException e) {
                    // the writer still uses the folder; it ends on its own
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException(cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void writeJsonLines(OutputStream out, List<? extends CanonicalRecord> records, Belonging belonging)
            throws IOException {
        for (Iterator<byte[]> lines = CanonicalLines.records(records); lines.hasNext(); ) {
            out.write(belonging.check(lines.next()));
            out.write('\n');
        }
    }

    /**
     * members.jsonl and members.csv in one pass: a run's members may be read from disk, and each
     * line is read or serialised once for both files.
     */
    private void writeMembers(Path runDir, List<Member> members, Belonging belonging) throws IOException {
        if (!csv) {
            writeFile(runDir.resolve(FileLayout.MEMBERS_JSONL), out -> writeJsonLines(out, members, belonging));
            return;
        }
        writeFiles(runDir.resolve(FileLayout.MEMBERS_JSONL), runDir.resolve(FileLayout.MEMBERS_CSV), (jsonl, table) -> {
            CSVPrinter printer = new CSVPrinter(text(table), CSV);
            printer.printRecord(MEMBER_COLUMNS);
            List<String> row = new ArrayList<>(MEMBER_COLUMNS.size());
            for (Iterator<byte[]> lines = CanonicalLines.records(members); lines.hasNext(); ) {
                byte[] line = belonging.check(lines.next());
                jsonl.write(line);
                jsonl.write('\n');
                csvRow(printer, MEMBER_COLUMNS, line, row);
            }
            printer.flush();
        });
    }

    private static void writeCsv(Writer out, List<String> columns, List<? extends CanonicalRecord> records,
                                 Belonging belonging) throws IOException {
        CSVPrinter printer = new CSVPrinter(out, CSV);
        printer.printRecord(columns);
        List<String> row = new ArrayList<>(columns.size());
        for (Iterator<byte[]> lines = CanonicalLines.records(records); lines.hasNext(); ) {
            csvRow(printer, columns, belonging.check(lines.next()), row);
        }
        printer.flush();
    }

    /** From the JSONL text rather than valueToTree, so that CSV and JSONL can never disagree. */
    private static void csvRow(CSVPrinter printer, List<String> columns, byte[] jsonLine, List<String> row)
            throws IOException {
        JsonNode tree = LosslessJson.READER.readTree(jsonLine);
        row.clear();
        for (String column : columns) {
            row.add(cell(tree.get(column)));
        }
        printer.printRecord(row);
    }

    private static String cell(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null; // printed as an empty field
        }
        if (value.isContainerNode()) {
            return CanonicalJson.toEscapedLine(value);
        }
        // a cell cannot hold the escape JSONL keeps a broken vendor name's lone surrogate as, and
        // UTF-8 has no form for it: U+FFFD, as in the database's name column
        return CanonicalJson.withoutUnpairedSurrogates(value.asText());
    }

    /**
     * A record of another tenant in this folder would be read back as this tenant's state. Checked
     * on the record's canonical line, so that a spooled member is not decoded for it: the models
     * write {@code kind}, {@code source} and {@code tenant} first, and Jackson quotes a string the
     * same way wherever it stands, so a line belongs exactly when it starts with {@link #start}.
     * Should the property order ever change, every record fails here rather than any passing.
     */
    private record Belonging(Manifest m, byte[] start) {

        static Belonging of(String kind, Manifest m) {
            return new Belonging(m, ("{\"kind\":" + CanonicalJson.toEscapedLine(kind) + ",\"source\":"
                    + CanonicalJson.toEscapedLine(m.source()) + ",\"tenant\":" + CanonicalJson.toEscapedLine(m.tenant())
                    + ",").getBytes(StandardCharsets.UTF_8));
        }

        byte[] check(byte[] line) {
            if (line.length < start.length || !Arrays.equals(line, 0, start.length, start, 0, start.length)) {
                // only now read the record, to say what it is
                CanonicalRecord record = CanonicalJson.fromUtf8Line(line, CanonicalRecord.class);
                if (record == null) {
                    throw new IllegalArgumentException("run " + m.runId() + " holds a null record");
                }
                if (!m.source().equals(record.source()) || !m.tenant().equals(record.tenant())) {
                    throw new IllegalArgumentException("run " + m.runId() + " of " + m.source() + "/" + m.tenant()
                            + " holds a " + record.kind() + " of " + record.source() + "/" + record.tenant());
                }
                // not the line itself: it holds names and mobiles, and this message reaches the log
                throw new IllegalStateException("the canonical line of " + record.kind() + " '" + record.id()
                        + "' no longer starts with " + new String(start, StandardCharsets.UTF_8));
            }
            return line;
        }
    }

    /**
     * The CSV columns are the JSON properties in the order Jackson writes them, taken from the
     * serializer itself so that the CSV can never drift from the JSONL; {@code kind} is left out
     * because each CSV file holds one kind only.
     */
    static List<String> columns(Class<? extends CanonicalRecord> type) {
        try {
            JsonSerializer<Object> serializer = CanonicalJson.MAPPER.getSerializerProviderInstance()
                    .findValueSerializer(type);
            List<String> names = new ArrayList<>();
            for (Iterator<PropertyWriter> it = serializer.properties(); it.hasNext(); ) {
                String name = it.next().getName();
                if (!"kind".equals(name)) {
                    names.add(name);
                }
            }
            if (names.isEmpty()) {
                throw new IllegalStateException("no JSON properties found for " + type.getName());
            }
            return List.copyOf(names);
        } catch (JsonMappingException e) {
            throw new IllegalStateException("cannot introspect " + type.getName(), e);
        }
    }

    /** {@code latest.json} is byte for byte the run's {@code manifest.json}. */
    private static byte[] manifestText(Manifest manifest) {
        return (CanonicalJson.toEscapedLine(manifest) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    /**
     * UTF-8 text over {@code out}, for CSV; flushed by {@link CSVPrinter#flush}. The encoder reports
     * unencodable text instead of silently writing {@code ?}: a silent substitution would make
     * the record differ from its read-back.
     */
    private static Writer text(OutputStream out) {
        return new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8.newEncoder()), BUFFER_BYTES);
    }

    /**
     * Streams one new file and forces it to disk before returning, so that the rename which makes
     * the run visible can never expose a file whose contents are still only in the page cache.
     */
    private static void writeFile(Path file, Body body) throws IOException {
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
    private interface TwoBodies {
        void write(OutputStream first, OutputStream second) throws IOException;
    }

    /** {@link #writeFile} for two files written side by side. */
    private static void writeFiles(Path first, Path second, TwoBodies body) throws IOException {
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
    private static Path temporaryName(Path parent, String name) {
        return parent.resolve(FileLayout.TEMP_PREFIX + name + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
    }

    /**
     * Undoes a publish that failed. A run folder that was already renamed is first renamed back to
     * a hidden name, in one step, so that it disappears atomically before it is deleted.
     */
    private static void rollBack(Path tenantDir, Path temporary, Path published, String runId, Throwable cause) {
        try {
            Path doomed = temporary;
            if (published != null) {
                doomed = temporaryName(tenantDir, runId);
                Files.move(published, doomed, StandardCopyOption.ATOMIC_MOVE);
            }
            deleteRecursively(doomed);
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
            LOG.warn("could not clean up after the failed publish of run {} under {}; "
                    + "cleanStaleTemporaryDirectories removes leftovers at the next start", runId, tenantDir, e);
        }
    }

    /** Fsyncs the folders we create, so that a fresh tenant folder survives a crash with its first run. */
    private void createDirectoriesDurably(Path tenantDir) throws IOException {
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

    private static void syncDirectory(Path directory) throws IOException {
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

    private static void syncDirectoryQuietly(Path directory) {
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
