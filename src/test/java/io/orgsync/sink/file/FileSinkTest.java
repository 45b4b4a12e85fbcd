package io.orgsync.sink.file;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.run.Change;
import io.orgsync.run.ChangeOp;
import io.orgsync.run.Fixtures;
import io.orgsync.run.Manifest;
import io.orgsync.run.PreviousRun;
import io.orgsync.run.RunResult;
import io.orgsync.run.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.orgsync.run.Fixtures.SOURCE;
import static io.orgsync.run.Fixtures.TENANT;
import static io.orgsync.run.Fixtures.department;
import static io.orgsync.run.Fixtures.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileSinkTest {

    @TempDir
    Path root;

    private Path dir() {
        return root.resolve("exports");
    }

    private Path tenantDir() {
        return dir().resolve(SOURCE).resolve(TENANT);
    }

    private static final List<Department> DEPARTMENTS = List.of(department("1", null, "学校"), department("3", "1", "一年级一班"));
    private static final List<Member> MEMBERS = List.of(member("zhangsan", "张三", "3"), member("lisi", "李四", "3"));

    @Test
    void publishesTheRunFolderAndLatestJson() throws IOException {
        RunResult run = Fixtures.firstRun("run-1", DEPARTMENTS, MEMBERS);

        new FileSink(dir(), Set.of("jsonl")).publish(run);

        assertThat(names(tenantDir())).containsExactly("latest.json", "run-1");
        Path runDir = tenantDir().resolve("run-1");
        assertThat(names(runDir)).containsExactly("changes.jsonl", "departments.jsonl", "manifest.json",
                "members.jsonl");
        assertThat(Files.readString(runDir.resolve("departments.jsonl"))).isEqualTo(
                CanonicalJson.toLine(DEPARTMENTS.get(0)) + "\n" + CanonicalJson.toLine(DEPARTMENTS.get(1)) + "\n");
        assertThat(Files.readString(runDir.resolve("members.jsonl")))
                .startsWith("{\"kind\":\"member\",\"source\":\"wecom-school\",\"tenant\":\"ww123\",\"id\":\"zhangsan\"")
                .isEqualTo(CanonicalJson.toLine(MEMBERS.get(0)) + "\n" + CanonicalJson.toLine(MEMBERS.get(1)) + "\n")
                .doesNotContain("\r");
        List<String> changes = Files.readAllLines(runDir.resolve("changes.jsonl"));
        assertThat(changes).hasSize(4);
        assertThat(changes.get(0)).isEqualTo("{\"op\":\"create\",\"record\":" + CanonicalJson.toLine(DEPARTMENTS.get(0))
                + "}");
        assertThat(changes.get(3)).startsWith("{\"op\":\"create\",\"record\":{\"kind\":\"member\"");

        byte[] manifest = Files.readAllBytes(runDir.resolve("manifest.json"));
        assertThat(Files.readAllBytes(tenantDir().resolve("latest.json"))).isEqualTo(manifest);
        assertThat(CanonicalJson.fromLine(new String(manifest, StandardCharsets.UTF_8), Manifest.class))
                .isEqualTo(run.manifest());
        assertThat(new String(manifest, StandardCharsets.UTF_8)).contains("\"status\":\"success\"", "\"created\":4");
    }

    @Test
    void csvIsOnlyWrittenWhenAskedFor() throws IOException {
        new FileSink(dir(), Set.of("jsonl", "csv")).publish(Fixtures.firstRun("with-csv", DEPARTMENTS, MEMBERS));
        new FileSink(dir(), Set.of()).publish(Fixtures.firstRun("jsonl-only", DEPARTMENTS, MEMBERS));

        assertThat(names(tenantDir().resolve("with-csv"))).contains("departments.csv", "members.csv",
                "departments.jsonl", "members.jsonl");
        assertThat(names(tenantDir().resolve("jsonl-only"))).doesNotContain("departments.csv", "members.csv");
    }

    @Test
    void anUnknownFormatIsAConfigurationError() {
        assertThatThrownBy(() -> new FileSink(dir(), Set.of("jsonl", "xml")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orgsync.file.formats").hasMessageContaining("xml");
        assertThat(FileSink.parseFormats(" jsonl , csv ,")).containsExactly("jsonl", "csv");
    }

    @Test
    void aRunWithoutChangesHasAnEmptyChangesFileAndMovesLatest() throws IOException {
        FileSink sink = new FileSink(dir(), Set.of("jsonl"));
        RunResult first = Fixtures.firstRun("run-1", DEPARTMENTS, MEMBERS);
        sink.publish(first);
        RunResult second = Fixtures.run("run-2", new PreviousRun("run-1", DEPARTMENTS, MEMBERS), DEPARTMENTS, MEMBERS);

        sink.publish(second);

        assertThat(second.changes()).isEmpty();
        assertThat(tenantDir().resolve("run-2/changes.jsonl")).isEmptyFile();
        assertThat(names(tenantDir())).containsExactly("latest.json", "run-1", "run-2");
        assertThat(Files.readString(tenantDir().resolve("latest.json"))).contains("\"runId\":\"run-2\"");
    }

    @Test
    void aRecordThatCannotBeSerialisedLeavesThePreviousRunAndLatestUntouched() throws IOException {
        FileSink sink = new FileSink(dir(), Set.of("jsonl", "csv"));
        sink.publish(Fixtures.firstRun("run-1", DEPARTMENTS, MEMBERS));
        TreeMap<String, byte[]> before = snapshot(dir());

        ObjectNode poisoned = CanonicalJson.emptyObject();
        poisoned.putPOJO("boom", new Exploding());
        List<Member> members = new ArrayList<>(MEMBERS);
        members.add(1, Fixtures.withAttributes(member("wangwu", "王五", "3"), poisoned));
        List<Change> changes = List.of(new Change(ChangeOp.CREATE, members.get(1)));
        RunResult second = new RunResult(Fixtures.manifest("run-2", DEPARTMENTS, members, changes), DEPARTMENTS,
                members, changes);

        assertThatThrownBy(() -> sink.publish(second))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("members.jsonl")
                .hasMessageContaining("vendor field exploded");

        TreeMap<String, byte[]> after = snapshot(dir());
        assertThat(after).containsOnlyKeys(before.keySet());
        before.forEach((path, bytes) -> assertThat(after.get(path)).as(path).isEqualTo(bytes));
    }

    @Test
    void whileFilesAreWrittenTheRunIsOnlyVisibleUnderItsTemporaryName() throws IOException {
        FileSink sink = new FileSink(dir(), Set.of("jsonl", "csv"));
        sink.publish(Fixtures.firstRun("run-1", DEPARTMENTS, MEMBERS));
        byte[] latestBefore = Files.readAllBytes(tenantDir().resolve("latest.json"));
        Peeker peeker = new Peeker(tenantDir());
        ObjectNode attributes = CanonicalJson.emptyObject();
        attributes.putPOJO("peek", peeker);
        List<Member> members = List.of(MEMBERS.get(0), Fixtures.withAttributes(MEMBERS.get(1), attributes));
        RunResult second = Fixtures.run("run-2", new PreviousRun("run-1", DEPARTMENTS, MEMBERS), DEPARTMENTS, members);
        peeker.seen.clear(); // the change detector serialised the record too; only the sink's writes count
        peeker.latest.clear();

        sink.publish(second);

        assertThat(peeker.seen).as("members.jsonl with members.csv, and changes.jsonl, each serialise it").hasSize(2)
                .allSatisfy(listing -> assertThat(listing).doesNotContain("run-2")
                        .anySatisfy(name -> assertThat(name).startsWith(".tmp-run-2-")));
        assertThat(peeker.latest).allSatisfy(bytes -> assertThat(bytes).isEqualTo(latestBefore));
        assertThat(names(tenantDir())).containsExactly("latest.json", "run-1", "run-2");
    }

    @Test
    void aFailureAfterTheRenameTakesTheRunFolderAwayAgain() throws IOException {
        // a non-empty directory where latest.json belongs makes the final rename fail
        Files.createDirectories(tenantDir().resolve("latest.json"));
        Files.writeString(tenantDir().resolve("latest.json/keep"), "x");

        assertThatThrownBy(() -> new FileSink(dir(), Set.of("jsonl"))
                .publish(Fixtures.firstRun("run-1", DEPARTMENTS, MEMBERS)))
                .isInstanceOf(IOException.class);

        assertThat(names(tenantDir())).containsExactly("latest.json");
        assertThat(tenantDir().resolve("latest.json/keep")).hasContent("x");
    }

    @Test
    void aPublishedRunIsNeverOverwritten() throws IOException {
        FileSink sink = new FileSink(dir(), Set.of("jsonl"));
        sink.publish(Fixtures.firstRun("run-1", DEPARTMENTS, MEMBERS));
        TreeMap<String, byte[]> before = snapshot(dir());

        assertThatThrownBy(() -> sink.publish(Fixtures.firstRun("run-1", DEPARTMENTS, List.of())))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("already published");

        assertThat(snapshot(dir())).containsOnlyKeys(before.keySet());
        assertThat(snapshot(dir()).get("wecom-school/ww123/run-1/members.jsonl"))
                .isEqualTo(before.get("wecom-school/ww123/run-1/members.jsonl"));
    }

    @Test
    void onlySuccessfulRunsWithMatchingFiguresArePublished() throws IOException {
        FileSink sink = new FileSink(dir(), Set.of("jsonl"));
        RunResult ok = Fixtures.firstRun("run-1", DEPARTMENTS, MEMBERS);
        Manifest m = ok.manifest();
        Manifest held = new Manifest(m.runId(), m.source(), m.tenant(), RunStatus.HELD, m.startedAt(),
                m.finishedAt(), m.departments(), m.members(), m.created(), m.updated(), m.deleted(), m.apiCalls(),
                m.retries(), m.deliveryFailures(), "members: too many deletions");
        Manifest miscounted = new Manifest(m.runId(), m.source(), m.tenant(), m.status(), m.startedAt(),
                m.finishedAt(), m.departments(), m.members() + 1, m.created(), m.updated(), m.deleted(), m.apiCalls(),
                m.retries(), m.deliveryFailures(), null);

        assertThatThrownBy(() -> sink.publish(new RunResult(held, DEPARTMENTS, MEMBERS, ok.changes())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("held");
        assertThatThrownBy(() -> sink.publish(new RunResult(miscounted, DEPARTMENTS, MEMBERS, ok.changes())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("members=3/2");
        assertThat(dir()).doesNotExist();
    }

    @Test
    void aChangeThatCannotBeSerialisedLeavesThePreviousRunAndLatestUntouched() throws IOException {
        FileSink sink = new FileSink(dir(), Set.of("jsonl"));
        sink.publish(Fixtures.firstRun("run-1", DEPARTMENTS, MEMBERS));
        TreeMap<String, byte[]> before = snapshot(dir());

        ObjectNode poisoned = CanonicalJson.emptyObject();
        poisoned.putPOJO("boom", new Exploding());
        // the members are fine; only the change list (written beside them) fails
        List<Change> changes = List.of(new Change(ChangeOp.DELETE,
                Fixtures.withAttributes(member("wangwu", "王五", "3"), poisoned)));
        RunResult second = new RunResult(Fixtures.manifest("run-2", DEPARTMENTS, MEMBERS, changes), DEPARTMENTS,
                MEMBERS, changes);

        assertThatThrownBy(() -> sink.publish(second))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("changes.jsonl")
                .hasMessageContaining("vendor field exploded");

        TreeMap<String, byte[]> after = snapshot(dir());
        assertThat(after).containsOnlyKeys(before.keySet());
        before.forEach((path, bytes) -> assertThat(after.get(path)).as(path).isEqualTo(bytes));
    }

    @Test
    void aRecordOfAnotherTenantIsRefused() throws IOException {
        Member stranger = new Member(SOURCE, "other-tenant", "x", "X", null, null, null, null, null, null, null);
        List<Member> members = List.of(MEMBERS.get(0), stranger);
        RunResult run = new RunResult(Fixtures.manifest("run-1", DEPARTMENTS, members, List.of()), DEPARTMENTS,
                members, List.of());

        assertThatThrownBy(() -> new FileSink(dir(), Set.of("jsonl")).publish(run))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other-tenant");
        assertThat(names(tenantDir())).isEmpty();
    }

    @Test
    void aNullRecordIsRefused() {
        List<Member> members = Arrays.asList(MEMBERS.get(0), null);
        RunResult run = new RunResult(Fixtures.manifest("run-1", DEPARTMENTS, members, List.of()), DEPARTMENTS,
                members, List.of());

        assertThatThrownBy(() -> new FileSink(dir(), Set.of("jsonl", "csv")).publish(run))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds a null record");
    }

    @Test
    void leftoverTemporaryFoldersAreCleanedWithoutFollowingLinks() throws IOException {
        FileSink sink = new FileSink(dir(), Set.of("jsonl"));
        sink.publish(Fixtures.firstRun("run-1", DEPARTMENTS, MEMBERS));
        Path outside = Files.writeString(root.resolve("precious.txt"), "keep me");
        Path stale = Files.createDirectories(tenantDir().resolve(".tmp-run-2-1f2e/nested"));
        Files.writeString(stale.resolve("members.jsonl"), "{}");
        Files.createSymbolicLink(stale.resolve("link"), outside);
        Files.writeString(tenantDir().resolve(".tmp-latest.json-99"), "{}");
        Path otherTenant = Files.createDirectories(dir().resolve("feishu/cli_a/.tmp-r-1"));

        assertThat(sink.cleanStaleTemporaryDirectories()).isEqualTo(3);

        assertThat(names(tenantDir())).containsExactly("latest.json", "run-1");
        assertThat(otherTenant).doesNotExist();
        assertThat(outside).hasContent("keep me");
        assertThat(new FileSink(root.resolve("never-created"), Set.of()).cleanStaleTemporaryDirectories()).isZero();
    }

    static List<String> names(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    /** Every regular file under {@code base} by relative path, with its bytes. */
    static TreeMap<String, byte[]> snapshot(Path base) throws IOException {
        TreeMap<String, byte[]> files = new TreeMap<>();
        if (!Files.exists(base)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(base)) {
            for (Path p : walk.collect(Collectors.toList())) {
                String relative = base.relativize(p).toString().replace('\\', '/');
                files.put(relative + (Files.isDirectory(p) ? "/" : ""),
                        Files.isRegularFile(p) ? Files.readAllBytes(p) : new byte[0]);
            }
        }
        return files;
    }

    /** An attribute that looks at the tenant folder whenever it is serialised. */
    static final class Peeker {
        final Path tenantDir;
        final List<List<String>> seen = new ArrayList<>();
        final List<byte[]> latest = new ArrayList<>();

        Peeker(Path tenantDir) {
            this.tenantDir = tenantDir;
        }

        @JsonProperty
        public String getValue() throws IOException {
            seen.add(names(tenantDir));
            latest.add(Files.readAllBytes(tenantDir.resolve("latest.json")));
            return "stable";
        }
    }

    /** Stands for a vendor value Jackson cannot serialise. */
    static final class Exploding {
        @JsonProperty
        public String getValue() {
            throw new IllegalStateException("vendor field exploded");
        }
    }
}
