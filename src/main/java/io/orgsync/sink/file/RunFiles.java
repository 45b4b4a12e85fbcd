package io.orgsync.sink.file;

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
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The files of one run folder ({@link FileLayout}), each fsynced as it is written: the records as
 * JSONL (and CSV), {@code changes.jsonl}, and {@code manifest.json} last, each checked against the
 * manifest's figures.
 */
final class RunFiles {

    private RunFiles() {
    }

    /**
     * Refuses results that would publish something the contract cannot stand behind: a run that
     * did not succeed, or a manifest whose figures disagree with its records (readers check a run
     * folder against its manifest). The change figures are checked as changes.jsonl is written,
     * before the manifest: counting them here would read a spooled run once more.
     */
    static void checkPublishable(RunResult result) {
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
     *
     * @param csv whether the CSV files are written besides the JSONL
     */
    static void write(Path runDir, RunResult result, boolean csv) throws IOException {
        Manifest m = result.manifest();
        FutureTask<long[]> changes = new FutureTask<>(() -> writeChanges(runDir.resolve(FileLayout.CHANGES_JSONL),
                result.changes()));
        Thread changesWriter = new Thread(changes, "orgsync-file-changes");
        changesWriter.setDaemon(true);
        changesWriter.start();
        try {
            Belonging departments = Belonging.of(Department.KIND, m);
            DurableFiles.writeFile(runDir.resolve(FileLayout.DEPARTMENTS_JSONL),
                    out -> writeJsonLines(out, result.departments(), departments));
            if (csv) {
                DurableFiles.writeFile(runDir.resolve(FileLayout.DEPARTMENTS_CSV), out -> CsvFiles.write(
                        CsvFiles.text(out), CsvFiles.DEPARTMENT_COLUMNS, result.departments(), departments));
            }
            writeMembers(runDir, result.members(), Belonging.of(Member.KIND, m), csv);
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
        DurableFiles.writeFile(runDir.resolve(FileLayout.MANIFEST_JSON), out -> out.write(manifestText(m)));
    }

    /** @return how many changes of each {@link ChangeOp} it wrote */
    private static long[] writeChanges(Path file, List<Change> changes) throws IOException {
        long[] counts = new long[ChangeOp.values().length];
        DurableFiles.writeFile(file, out -> {
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
    private static void writeMembers(Path runDir, List<Member> members, Belonging belonging, boolean csv)
            throws IOException {
        if (!csv) {
            DurableFiles.writeFile(runDir.resolve(FileLayout.MEMBERS_JSONL),
                    out -> writeJsonLines(out, members, belonging));
            return;
        }
        DurableFiles.writeFiles(runDir.resolve(FileLayout.MEMBERS_JSONL), runDir.resolve(FileLayout.MEMBERS_CSV),
                (jsonl, table) -> {
            CSVPrinter printer = new CSVPrinter(CsvFiles.text(table), CsvFiles.CSV);
            printer.printRecord(CsvFiles.MEMBER_COLUMNS);
            List<String> row = new ArrayList<>(CsvFiles.MEMBER_COLUMNS.size());
            for (Iterator<byte[]> lines = CanonicalLines.records(members); lines.hasNext(); ) {
                byte[] line = belonging.check(lines.next());
                jsonl.write(line);
                jsonl.write('\n');
                CsvFiles.row(printer, CsvFiles.MEMBER_COLUMNS, line, row);
            }
            printer.flush();
        });
    }

    /** {@code latest.json} is byte for byte the run's {@code manifest.json}. */
    static byte[] manifestText(Manifest manifest) {
        return (CanonicalJson.toEscapedLine(manifest) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
