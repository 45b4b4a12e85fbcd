package io.orgsync.sink.file;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import io.orgsync.model.CanonicalRecord;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.run.Manifest;
import io.orgsync.run.PreviousRun;
import io.orgsync.run.RunStatus;
import io.orgsync.run.StateStore;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads back what {@link FileSink} last published for a source and tenant. Only a missing
 * {@code latest.json} means "no previous run". Anything else that is wrong — unreadable pointer,
 * missing or truncated run folder, a line that is not a record of this tenant — is an
 * {@link IOException} naming the file, because treating damage as "no previous run" would count
 * every record as created, and a partly read snapshot would make records look deleted.
 */
public final class FileStateStore implements StateStore {

    private static final ObjectReader RECORD_READER = LosslessJson.READER.forType(CanonicalRecord.class);
    private static final ObjectReader MANIFEST_READER = LosslessJson.READER.forType(Manifest.class);

    private final Path dir;

    public FileStateStore(Path dir) {
        if (dir == null) {
            throw new IllegalArgumentException("orgsync.file.dir must be set");
        }
        this.dir = dir;
    }

    @Override
    public PreviousRun load(String source, String tenant) throws IOException {
        Path latest = FileLayout.latest(dir, source, tenant);
        String pointer;
        try {
            pointer = Files.readString(latest, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return PreviousRun.none();
        } catch (IOException e) {
            throw new IOException("cannot read " + latest + ": " + e, e);
        }
        Manifest manifest = readManifest(latest, pointer, source, tenant);
        Path runDir;
        try {
            runDir = FileLayout.runDir(dir, source, tenant, manifest.runId());
        } catch (IllegalArgumentException e) {
            // latest.json is input like any other: a tampered run id must not lead us out of dir
            throw new IOException(latest + " is corrupt: " + e.getMessage(), e);
        }
        if (!Files.isDirectory(runDir)) {
            throw new IOException(latest + " names run " + manifest.runId() + ", but " + runDir
                    + " is missing; restore that folder, or delete " + latest
                    + " to start afresh (every record then counts as created)");
        }
        List<Department> departments = readRecords(runDir.resolve(FileLayout.DEPARTMENTS_JSONL), Department.class, Department.KIND,
                manifest.departments(), source, tenant);
        List<Member> members = readRecords(runDir.resolve(FileLayout.MEMBERS_JSONL), Member.class, Member.KIND,
                manifest.members(), source, tenant);
        return new PreviousRun(manifest.runId(), departments, members);
    }

    private static Manifest readManifest(Path latest, String text, String source, String tenant)
            throws IOException {
        Manifest manifest;
        try {
            manifest = MANIFEST_READER.readValue(text);
        } catch (JsonProcessingException e) {
            throw new IOException(latest + " is corrupt: " + e.getOriginalMessage(), e);
        }
        if (manifest == null || manifest.runId() == null) {
            throw new IOException(latest + " is corrupt: no runId");
        }
        if (!source.equals(manifest.source()) || !tenant.equals(manifest.tenant())) {
            throw new IOException(latest + " is corrupt: it describes " + manifest.source() + "/"
                    + manifest.tenant() + ", not " + source + "/" + tenant);
        }
        if (manifest.status() != RunStatus.SUCCESS) {
            throw new IOException(latest + " is corrupt: it names run " + manifest.runId() + " with status "
                    + (manifest.status() == null ? null : manifest.status().wireName())
                    + ", but only successful runs are published");
        }
        return manifest;
    }

    /**
     * Each line must be a record of the expected kind, source and tenant with an id not seen
     * before, and the number of lines must equal the manifest's count: a file cut short at a line
     * boundary parses cleanly and would otherwise pass for a smaller directory.
     */
    private static <R extends CanonicalRecord> List<R> readRecords(Path file, Class<R> type, String kind,
                                                                   long expected,
                                                                   String source, String tenant)
            throws IOException {
        List<R> records = new ArrayList<>((int) Math.min(expected, 1 << 20));
        Set<String> ids = new HashSet<>();
        long lineNumber = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNumber++;
                CanonicalRecord record;
                try {
                    record = RECORD_READER.readValue(line);
                } catch (JsonProcessingException e) {
                    throw corrupt(file, lineNumber, e.getOriginalMessage(), e);
                }
                if (!type.isInstance(record)) {
                    throw corrupt(file, lineNumber, "expected a " + kind
                            + (record == null ? ", found an empty line" : ", found a " + record.kind()), null);
                }
                if (record.id() == null) {
                    throw corrupt(file, lineNumber, "record without an id", null);
                }
                if (!source.equals(record.source()) || !tenant.equals(record.tenant())) {
                    throw corrupt(file, lineNumber, "record of " + record.source() + "/" + record.tenant()
                            + ", expected " + source + "/" + tenant, null);
                }
                if (!ids.add(record.id())) {
                    throw corrupt(file, lineNumber, "id '" + record.id() + "' appears twice", null);
                }
                records.add(type.cast(record));
            }
        } catch (NoSuchFileException e) {
            throw new IOException(file + " is missing; the published run is incomplete", e);
        } catch (CharacterCodingException e) {
            throw new IOException(file + " is corrupt: not valid UTF-8 after line " + lineNumber, e);
        }
        if (lineNumber != expected) {
            throw new IOException(file + " is corrupt: it holds " + lineNumber + " records, but the manifest says "
                    + expected);
        }
        return records;
    }

    private static IOException corrupt(Path file, long lineNumber, String why, Exception cause) {
        return new IOException(file + " is corrupt at line " + lineNumber + ": " + why, cause);
    }
}
