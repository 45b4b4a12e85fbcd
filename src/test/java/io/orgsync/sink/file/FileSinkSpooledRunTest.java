package io.orgsync.sink.file;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;
import io.orgsync.model.Role;
import io.orgsync.model.Status;
import io.orgsync.run.CanonicalLines;
import io.orgsync.run.Fixtures;
import io.orgsync.run.PreviousRun;
import io.orgsync.run.Privacy;
import io.orgsync.run.RunResult;
import io.orgsync.run.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import static io.orgsync.run.Fixtures.SOURCE;
import static io.orgsync.run.Fixtures.TENANT;
import static io.orgsync.run.Fixtures.department;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A run as the coordinator hands it over (members and member changes read from the spool as
 * canonical lines) must give the same files, byte for byte, as the same run held in plain lists,
 * whose records the sink encodes itself.
 */
class FileSinkSpooledRunTest {

    private static final byte[] HASH_KEY = "file-sink-test-hash-key-0123456789".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    private static final List<Department> PREVIOUS_DEPARTMENTS = List.of(department("1", null, "学校"),
            department("3", "1", "一年级一班"), department("7", "1", "已撤销"));
    private static final List<Department> DEPARTMENTS = List.of(department("1", null, "学校"),
            department("3", "1", "一年级(1)班"), department("9", "1", "新班 😀"));

    private static Member member(String id, String name, String mobile, String email, ObjectNode attributes) {
        return new Member(SOURCE, TENANT, id, name, Role.STUDENT, List.of("3", "9"), mobile, email, Status.ACTIVE,
                List.of(new Relation(id + "_p", Role.PARENT, "妈妈")), attributes);
    }

    private static ObjectNode attributes() {
        try {
            // as a vendor answer is read: decimals as BigDecimal, trailing zeros and big numbers kept
            return (ObjectNode) CanonicalJson.MAPPER.readTree("{\"score\":1.50,\"rank\":1e5,\"tiny\":1E-7,"
                    + "\"big\":123456789012345678901234567890,\"neg\":-0.0,\"nested\":{\"a\":[1,\"x\\u0001\",null]},"
                    + "\"note\":\"say \\\"hi\\\", \\n 𠀀\"}");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Fetch order, not id order; names that stress JSON, CSV and UTF-16. */
    private static List<Member> fetched() {
        List<Member> members = new ArrayList<>();
        members.add(member("zhangsan", "张三", "13812345678", "Zhang.San@example.com", attributes()));
        members.add(member("lisi", "李四 emoji 😀 family 👨‍👩‍👧", "138-1234-5678", "li@example.com", null));
        members.add(member("wang😀", "王𠀀 𪚥", null, null, attributes()));
        members.add(member("Émile", "comma, \"quoted\"\r\nnext line", "+44 20 7946 0958", "e@x.fr", null));
        members.add(member("a-new", "控制\u0001字符\t", "12", "noat", attributes()));
        return members;
    }

    /** The previous run: lisi and zhangsan as now, Émile renamed since, and one member gone. */
    private static PreviousRun previous(Privacy privacy) {
        List<Member> before = new ArrayList<>();
        for (Member m : fetched()) {
            if (m.id().equals("lisi") || m.id().equals("zhangsan")) {
                before.add(m);
            } else if (m.id().equals("Émile")) {
                before.add(member(m.id(), "Emile", m.mobile(), m.email(), null));
            }
        }
        before.add(member("gone", "走了的 😢", "13900000000", "gone@example.com", attributes()));
        return new PreviousRun("run-1", PREVIOUS_DEPARTMENTS, privacy.apply(before));
    }

    @ParameterizedTest
    @EnumSource(Privacy.Mode.class)
    void aSpooledRunIsWrittenByteForByteAsTheSameRunInPlainLists(Privacy.Mode mode) throws IOException {
        Privacy privacy = new Privacy(mode, mode, HASH_KEY);
        List<Member> plainMembers = new ArrayList<>(privacy.apply(fetched()));
        plainMembers.sort(Comparator.comparing(Member::id));
        RunResult plain = Fixtures.run("run-2", previous(privacy), DEPARTMENTS, plainMembers);

        for (Set<String> formats : List.of(Set.of("jsonl", "csv"), Set.of("jsonl"))) {
            String name = formats.contains("csv") ? "-csv" : "-jsonl";
            Path fromPlain = root.resolve("plain" + name);
            Path fromSpool = root.resolve("spooled" + name);
            new FileSink(fromPlain, formats).publish(plain);
            try (Snapshot snapshot = new Snapshot()) {
                RunResult spooled = Fixtures.spooledRun(snapshot, "run-2", previous(privacy), DEPARTMENTS, fetched(),
                        privacy);
                assertThat(spooled.members()).isInstanceOf(CanonicalLines.OfRecords.class);
                assertThat(spooled.changes()).isInstanceOf(CanonicalLines.OfChanges.class);
                new FileSink(fromSpool, formats).publish(spooled);
            }

            TreeMap<String, byte[]> expected = FileSinkTest.snapshot(fromPlain);
            TreeMap<String, byte[]> actual = FileSinkTest.snapshot(fromSpool);
            assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet())
                    .contains(SOURCE + "/" + TENANT + "/run-2/members.jsonl");
            // as text first, only so that a difference reads well
            expected.forEach((path, bytes) -> assertThat(new String(actual.get(path), StandardCharsets.UTF_8))
                    .as(path).isEqualTo(new String(bytes, StandardCharsets.UTF_8)));
            expected.forEach((path, bytes) -> assertThat(actual.get(path)).as(path).isEqualTo(bytes));
        }
        // created: department 9, a-new, wang😀; updated: department 3, Émile; deleted: department 7, gone
        assertThat(plain.manifest().created()).isEqualTo(3);
        assertThat(plain.manifest().updated()).isEqualTo(2);
        assertThat(plain.manifest().deleted()).isEqualTo(2);
    }

    /**
     * A broken vendor name (an unpaired surrogate, which UTF-8 has no form for) is written as the
     * JSON escape the database keeps too: the line reads back as the very name, the run is not
     * lost over one name, and the CSV cell shows U+FFFD as the database's name column does.
     */
    @Test
    void aLoneSurrogateIsEscapedAlikeFromTheSpoolAndFromPlainLists() throws IOException {
        List<Member> members = List.of(member("x", "张\ud800三", null, null, null));
        RunResult plain = Fixtures.firstRun("run-1", DEPARTMENTS, members);
        Path fromPlain = root.resolve("plain");
        Path fromSpool = root.resolve("spooled");

        new FileSink(fromPlain, Set.of("jsonl", "csv")).publish(plain);
        try (Snapshot snapshot = new Snapshot()) {
            RunResult spooled = Fixtures.spooledRun(snapshot, "run-1", PreviousRun.none(), DEPARTMENTS, members,
                    Privacy.PLAIN);
            assertThat(spooled.members().get(0).name()).isEqualTo("张\ud800三");
            new FileSink(fromSpool, Set.of("jsonl", "csv")).publish(spooled);
        }

        Path plainRun = fromPlain.resolve(SOURCE).resolve(TENANT).resolve("run-1");
        Path spooledRun = fromSpool.resolve(SOURCE).resolve(TENANT).resolve("run-1");
        for (String file : List.of("members.jsonl", "members.csv", "changes.jsonl")) {
            assertThat(Files.readAllBytes(spooledRun.resolve(file))).as(file)
                    .isEqualTo(Files.readAllBytes(plainRun.resolve(file)));
        }
        String line = Files.readAllLines(spooledRun.resolve("members.jsonl"), StandardCharsets.UTF_8).get(0);
        assertThat(line).contains("\"name\":\"张\\uD800三\"");
        assertThat(CanonicalJson.fromLine(line, Member.class).name()).isEqualTo("张\ud800三");
        assertThat(Files.readString(spooledRun.resolve("members.csv"), StandardCharsets.UTF_8)).contains(",张\uFFFD三,");
    }

    @Test
    void aSpooledMemberOfAnotherSourceOrTenantIsRefused() throws IOException {
        List<Member> strangers = List.of(
                new Member(SOURCE, "other-tenant", "x", "X", null, null, null, null, null, null, null),
                new Member(SOURCE, TENANT + "0", "x", "X", null, null, null, null, null, null, null),
                new Member("feishu", TENANT, "x", "X", null, null, null, null, null, null, null),
                new Member(SOURCE, null, "x", "X", null, null, null, null, null, null, null));
        for (Member stranger : strangers) {
            try (Snapshot snapshot = new Snapshot()) {
                RunResult run = Fixtures.spooledRun(snapshot, "run-1", PreviousRun.none(), DEPARTMENTS,
                        List.of(fetched().get(0), stranger), Privacy.PLAIN);

                assertThatThrownBy(() -> new FileSink(root, Set.of("jsonl")).publish(run))
                        .as(stranger.source() + "/" + stranger.tenant())
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("holds a member of " + stranger.source() + "/" + stranger.tenant());
            }
        }
        assertThat(FileSinkTest.names(root.resolve(SOURCE).resolve(TENANT))).isEmpty();
    }
}
