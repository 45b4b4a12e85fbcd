package io.orgsync.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.CanonicalRecord;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;
import io.orgsync.model.Role;
import io.orgsync.model.Status;
import io.orgsync.run.CanonicalLines.ChangeLine;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static io.orgsync.run.Fixtures.department;
import static io.orgsync.run.Fixtures.member;
import static org.assertj.core.api.Assertions.assertThat;

class CanonicalLinesTest {

    private static final String AWKWARD = "张\ud800三 😀 𠀀 \"q\" \\ \u0001 \r\n";

    private static List<String> drain(Iterator<byte[]> lines) {
        List<String> all = new ArrayList<>();
        lines.forEachRemaining(line -> all.add(new String(line, StandardCharsets.UTF_8)));
        return all;
    }

    /** What every sink writes for a record: Jackson's line, its unpaired surrogates as escapes. */
    private static String written(Object value) {
        return CanonicalJson.escapeUnpairedSurrogates(CanonicalJson.toLine(value));
    }

    @Test
    void aChangeLineIsTheTextJacksonWritesForThatChange() {
        List<CanonicalRecord> records = List.of(member("m", AWKWARD, "3"), department("d", null, AWKWARD),
                new Member(null, null, null, null, null, null, null, null, null, null, null));
        for (ChangeOp op : ChangeOp.values()) {
            for (CanonicalRecord record : records) {
                Change change = new Change(op, record);
                assertThat(ChangeLine.of(op, CanonicalJson.toUtf8Line(record)))
                        .isEqualTo(ChangeLine.of(change))
                        .isEqualTo(new ChangeLine(op, CanonicalJson.toUtf8Line(change)));
                assertThat(ChangeLine.of(change).text()).isEqualTo(written(change));
            }
        }
    }

    @Test
    void listsThatAreNotSpooledAreEncodedElementByElement() {
        List<Member> members = List.of(member("b", "乙"), member("a", AWKWARD));
        List<Change> changes = List.of(new Change(ChangeOp.DELETE, members.get(0)),
                new Change(ChangeOp.CREATE, department("d", null, "部")));

        assertThat(drain(CanonicalLines.records(members)))
                .containsExactly(written(members.get(0)), written(members.get(1)));
        List<ChangeLine> lines = new ArrayList<>();
        CanonicalLines.changes(changes).forEachRemaining(lines::add);
        assertThat(lines).containsExactly(new ChangeLine(ChangeOp.DELETE, CanonicalJson.toUtf8Line(changes.get(0))),
                new ChangeLine(ChangeOp.CREATE, CanonicalJson.toUtf8Line(changes.get(1))));
    }

    /** What lets a sink write a spooled line as it is: the decoded member encodes to that very text. */
    @Test
    void aSpooledLineIsWhatEncodingItsDecodedMemberGivesAgain() throws IOException {
        ObjectNode attributes = (ObjectNode) CanonicalJson.MAPPER.readTree("{\"score\":1.50,\"rank\":1e5,"
                + "\"big\":123456789012345678901234567890,\"neg\":-0.0,\"list\":[1,\"\\u0001\",null,{\"x\":2.0}]}");
        try (Snapshot snapshot = new Snapshot()) {
            snapshot.addMember(Fixtures.withAttributes(member("p", AWKWARD, "3"), attributes));
            // listed twice: merged from two decoded listings
            snapshot.addMember(new Member(Fixtures.SOURCE, Fixtures.TENANT, "p", null, Role.STUDENT, List.of("5"),
                    "13800000000", null, Status.ACTIVE, List.of(new Relation("s", Role.STUDENT, "妈妈")), null));
            snapshot.addMember(member("q", "😀"));

            List<Member> members = snapshot.members();
            assertThat(members).isInstanceOf(CanonicalLines.OfRecords.class);
            assertThat(drain(CanonicalLines.records(members)))
                    .containsExactlyElementsOf(members.stream().map(CanonicalLinesTest::written).toList())
                    .first().asString().contains("\"score\":1.50", "\"rank\":1E+5", "张\\uD800三", "13800000000");
            assertThat(members.get(0).name()).as("the escape reads back as the lone surrogate").isEqualTo(AWKWARD);
        }
    }
}
