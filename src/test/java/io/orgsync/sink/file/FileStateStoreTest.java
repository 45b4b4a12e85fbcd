package io.orgsync.sink.file;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.CanonicalRecord;
import io.orgsync.model.Department;
import io.orgsync.model.DepartmentType;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;
import io.orgsync.model.Role;
import io.orgsync.model.Status;
import io.orgsync.run.ChangeDetector;
import io.orgsync.run.Fixtures;
import io.orgsync.run.PreviousRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.orgsync.run.Fixtures.SOURCE;
import static io.orgsync.run.Fixtures.TENANT;
import static io.orgsync.run.Fixtures.department;
import static io.orgsync.run.Fixtures.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileStateStoreTest {

    @TempDir
    Path dir;

    private FileStateStore store;
    private List<Department> departments;
    private List<Member> members;

    @BeforeEach
    void publishOneRun() throws IOException {
        store = new FileStateStore(dir);
        ObjectNode attributes = CanonicalJson.emptyObject()
                .put("decimal", new BigDecimal("1.50"))
                .put("exponent", new BigDecimal("1E+3"))
                .put("big", new BigInteger("123456789012345678901234567890"))
                .put("int", 5)
                .put("long", 5L)
                .putNull("nothing")
                .put("text", "a\"b,c\r\nd 😀 𠀀");
        attributes.putObject("nested").putArray("list").add(1).add("x").addNull();
        departments = List.of(department("1", null, "学校"),
                new Department(SOURCE, TENANT, "3", "1", "一年级,一班", DepartmentType.CLASS, -7L, List.of("1", "3"),
                        attributes));
        members = List.of(member("zhangsan", "张三", "3"),
                new Member(SOURCE, TENANT, "p1", null, Role.PARENT, List.of("3"), "+86 138", "p@x.cn",
                        Status.INACTIVE, List.of(new Relation("zhangsan", Role.STUDENT, "爸爸")), attributes));
        new FileSink(dir, Set.of("jsonl", "csv")).publish(Fixtures.firstRun("run-1", departments, members));
    }

    @Test
    void withoutLatestJsonThereIsNoPreviousRun() throws IOException {
        PreviousRun none = store.load(SOURCE, "another-tenant");

        assertThat(none.exists()).isFalse();
        assertThat(none.departments()).isEmpty();
        assertThat(none.members()).isEmpty();
    }

    @Test
    void readsBackExactlyWhatWasPublished() throws IOException {
        PreviousRun previous = store.load(SOURCE, TENANT);

        assertThat(previous.runId()).isEqualTo("run-1");
        assertThat(texts(previous.departments())).containsExactlyElementsOf(texts(departments));
        assertThat(texts(previous.members())).containsExactlyElementsOf(texts(members));
        assertThat(texts(previous.members()).get(1)).contains("\"decimal\":1.50", "\"exponent\":1E+3");
        // the point of reading back: an unchanged snapshot must show no change at all
        assertThat(ChangeDetector.diff(previous, departments, members)).isEmpty();
    }

    @Test
    void followsLatestJsonToTheNewestRun() throws IOException {
        FileSink sink = new FileSink(dir, Set.of("jsonl"));
        List<Member> fewer = List.of(members.get(0));
        sink.publish(Fixtures.run("run-2", store.load(SOURCE, TENANT), departments, fewer));

        PreviousRun previous = store.load(SOURCE, TENANT);

        assertThat(previous.runId()).isEqualTo("run-2");
        assertThat(texts(previous.members())).containsExactlyElementsOf(texts(fewer));
    }

    @Test
    void aMissingRunFolderIsAnErrorNamingIt() throws IOException {
        FileSink.deleteRecursively(runDir());

        assertThatThrownBy(() -> store.load(SOURCE, TENANT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(runDir().toString())
                .hasMessageContaining("missing");
    }

    @Test
    void aMissingRecordFileIsAnErrorNamingIt() throws IOException {
        Files.delete(runDir().resolve("members.jsonl"));

        assertThatThrownBy(() -> store.load(SOURCE, TENANT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("members.jsonl")
                .hasMessageContaining("missing");
    }

    @Test
    void anUnreadableLatestJsonIsAnErrorNamingIt() throws IOException {
        Files.writeString(latest(), "{\"runId\":\"run-1\",");

        assertThatThrownBy(() -> store.load(SOURCE, TENANT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(latest().toString())
                .hasMessageContaining("corrupt");
    }

    @Test
    void anEmptyLatestJsonIsAnErrorNotAFirstRun() throws IOException {
        Files.writeString(latest(), "");

        assertThatThrownBy(() -> store.load(SOURCE, TENANT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("latest.json");
    }

    @Test
    void aRunIdInLatestJsonThatLeavesTheFolderIsRefused() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("wecom-school/evil"));
        Files.writeString(outside.resolve("members.jsonl"), "");
        Files.writeString(latest(), Files.readString(latest()).replace("\"runId\":\"run-1\"", "\"runId\":\"../evil\""));

        assertThatThrownBy(() -> store.load(SOURCE, TENANT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unsafe runId");
    }

    @Test
    void aFileCutShortAtALineBoundaryIsDetected() throws IOException {
        Path file = runDir().resolve("members.jsonl");
        List<String> lines = Files.readAllLines(file);
        Files.writeString(file, lines.get(0) + "\n");

        assertThatThrownBy(() -> store.load(SOURCE, TENANT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("members.jsonl")
                .hasMessageContaining("holds 1 records, but the manifest says 2");
    }

    @Test
    void aBrokenLineIsReportedWithItsNumber() throws IOException {
        Path file = runDir().resolve("departments.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(1, lines.get(1).substring(0, 20));
        Files.writeString(file, String.join("\n", lines) + "\n");

        assertThatThrownBy(() -> store.load(SOURCE, TENANT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("departments.jsonl is corrupt at line 2");
    }

    @Test
    void aRecordOfTheWrongKindOrTenantIsRefused() throws IOException {
        Path departmentsFile = runDir().resolve("departments.jsonl");
        String original = Files.readString(departmentsFile);
        String firstMember = Files.readAllLines(runDir().resolve("members.jsonl")).get(0);
        Files.writeString(departmentsFile, firstMember + "\n" + original.substring(original.indexOf('\n') + 1));

        assertThatThrownBy(() -> store.load(SOURCE, TENANT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("line 1")
                .hasMessageContaining("expected a department, found a member");

        Files.writeString(departmentsFile, original.replace("\"tenant\":\"ww123\"", "\"tenant\":\"other\""));
        assertThatThrownBy(() -> store.load(SOURCE, TENANT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("record of wecom-school/other");
    }

    @Test
    void invalidUtf8IsReportedAsCorruption() throws IOException {
        Path file = runDir().resolve("members.jsonl");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 5] = (byte) 0xC3; // a lead byte followed by ASCII
        Files.write(file, bytes);

        assertThatThrownBy(() -> store.load(SOURCE, TENANT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("members.jsonl");
    }

    private Path latest() {
        return dir.resolve(SOURCE).resolve(TENANT).resolve("latest.json");
    }

    private Path runDir() {
        return dir.resolve(SOURCE).resolve(TENANT).resolve("run-1");
    }

    private static List<String> texts(List<? extends CanonicalRecord> records) {
        return records.stream().map(CanonicalJson::toLine).collect(Collectors.toList());
    }
}
