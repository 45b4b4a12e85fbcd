package io.orgsync.run;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.CanonicalRecord;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.orgsync.run.Fixtures.department;
import static io.orgsync.run.Fixtures.member;
import static io.orgsync.run.Fixtures.withAttributes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class ChangeDetectorTest {

    private static final Department ROOT = department("1", null, "学校");
    private static final Department CLASS_1 = department("3", "1", "一年级一班");
    private static final Member ZHANG = member("zhangsan", "张三", "3");
    private static final Member LI = member("lisi", "李四", "3");

    @Test
    void aFirstRunCreatesEverythingDepartmentsFirst() {
        List<Change> changes = ChangeDetector.diff(PreviousRun.none(), List.of(ROOT, CLASS_1), List.of(ZHANG, LI));

        assertThat(changes).extracting(Change::op, c -> c.record().kind(), c -> c.record().id()).containsExactly(
                tuple(ChangeOp.CREATE, "department", "1"), tuple(ChangeOp.CREATE, "department", "3"),
                tuple(ChangeOp.CREATE, "member", "zhangsan"), tuple(ChangeOp.CREATE, "member", "lisi"));
        assertThat(ChangeCounts.of(changes)).isEqualTo(new ChangeCounts(4, 0, 0, 0));
    }

    @Test
    void equalRecordsBuiltSeparatelyAreUnchanged() {
        // IntNode(5) and LongNode(5) are not equal nodes but print alike: text decides
        Member before = withAttributes(member("zhangsan", "张三", "3"),
                CanonicalJson.emptyObject().set("grade", IntNode.valueOf(5)));
        Member now = withAttributes(member("zhangsan", "张三", "3"),
                CanonicalJson.emptyObject().set("grade", LongNode.valueOf(5)));

        List<Change> changes = ChangeDetector.diff(new PreviousRun("r1", List.of(ROOT), List.of(before)),
                List.of(department("1", null, "学校")), List.of(now));

        assertThat(changes).isEmpty();
    }

    @Test
    void aChangedFieldIsAnUpdateCarryingTheNewRecord() {
        Member renamed = member("zhangsan", "张叁", "3");

        List<Change> changes = ChangeDetector.diff(new PreviousRun("r1", List.of(ROOT), List.of(ZHANG, LI)),
                List.of(ROOT), List.of(renamed, LI));

        assertThat(changes).containsExactly(new Change(ChangeOp.UPDATE, renamed));
    }

    @Test
    void anAttributeOnlyChangeIsAnUpdate() {
        Member before = withAttributes(ZHANG, CanonicalJson.emptyObject().put("wecom_status", 1));
        Member after = withAttributes(ZHANG, CanonicalJson.emptyObject().put("wecom_status", 2));

        List<Change> changes = ChangeDetector.diff(new PreviousRun("r1", List.of(), List.of(before)), List.of(),
                List.of(after));

        assertThat(changes).containsExactly(new Change(ChangeOp.UPDATE, after));
        assertThat(ChangeCounts.of(changes)).isEqualTo(new ChangeCounts(0, 1, 0, 0));
    }

    @Test
    void aVanishedRecordIsADeleteCarryingThePreviousRecord() {
        List<Change> changes = ChangeDetector.diff(new PreviousRun("r1", List.of(ROOT, CLASS_1), List.of(ZHANG, LI)),
                List.of(ROOT), List.of(member("lisi", "李四")));

        assertThat(changes).extracting(Change::op, Change::record).containsExactly(
                tuple(ChangeOp.DELETE, CLASS_1),
                tuple(ChangeOp.UPDATE, member("lisi", "李四")),
                tuple(ChangeOp.DELETE, ZHANG));
        ChangeCounts counts = ChangeCounts.of(changes);
        assertThat(counts).isEqualTo(new ChangeCounts(0, 1, 1, 1));
        assertThat(counts.deleted()).isEqualTo(2);
    }

    @Test
    void aRecordThatComesBackAfterADeletionIsCreatedAgain() {
        PreviousRun withBoth = new PreviousRun("r1", List.of(ROOT), List.of(ZHANG, LI));
        List<Change> deleted = ChangeDetector.diff(withBoth, List.of(ROOT), List.of(LI));
        PreviousRun withoutZhang = new PreviousRun("r2", List.of(ROOT), List.of(LI));

        List<Change> revived = ChangeDetector.diff(withoutZhang, List.of(ROOT), List.of(ZHANG, LI));

        assertThat(deleted).containsExactly(new Change(ChangeOp.DELETE, ZHANG));
        assertThat(revived).containsExactly(new Change(ChangeOp.CREATE, ZHANG));
    }

    @Test
    void orderIsDepartmentsThenMembersCurrentOrderThenDeletesInPreviousOrder() {
        List<Department> before = List.of(department("d1", null, "a"), department("d2", "d1", "b"),
                department("d3", "d1", "c"), department("d4", "d1", "d"));
        List<Department> now = List.of(department("d3", "d1", "c2"), department("d5", "d1", "e"),
                department("d1", null, "a"));
        List<Member> membersBefore = List.of(member("m9", "x"), member("m1", "y"), member("m5", "z"));
        List<Member> membersNow = List.of(member("m7", "new"), member("m1", "y2"));

        List<Change> changes = ChangeDetector.diff(new PreviousRun("r1", before, membersBefore), now, membersNow);

        assertThat(changes).extracting(Change::op, c -> c.record().id()).containsExactly(
                tuple(ChangeOp.UPDATE, "d3"), tuple(ChangeOp.CREATE, "d5"),
                tuple(ChangeOp.DELETE, "d2"), tuple(ChangeOp.DELETE, "d4"),
                tuple(ChangeOp.CREATE, "m7"), tuple(ChangeOp.UPDATE, "m1"),
                tuple(ChangeOp.DELETE, "m9"), tuple(ChangeOp.DELETE, "m5"));
        assertThat(ChangeDetector.diff(new PreviousRun("r1", before, membersBefore), now, membersNow))
                .as("deterministic").isEqualTo(changes);
    }

    @Test
    void aDepartmentAndAMemberMayShareAnId() {
        Department d = department("42", null, "dept");
        Member m = member("42", "person");

        List<Change> changes = ChangeDetector.diff(new PreviousRun("r1", List.of(d), List.of()), List.of(),
                List.of(m));

        assertThat(changes).containsExactly(new Change(ChangeOp.DELETE, d), new Change(ChangeOp.CREATE, m));
    }

    @Test
    void aDuplicateIdIsRefused() {
        assertThatThrownBy(() -> ChangeDetector.diff(PreviousRun.none(), List.of(), List.of(ZHANG, ZHANG)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("current snapshot lists member id 'zhangsan' more than once");
        assertThatThrownBy(() -> ChangeDetector.diff(new PreviousRun("r1", List.of(ROOT, ROOT), List.of()),
                List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("previous snapshot lists department id '1'");
    }

    @Test
    void digestedPreviousRecordsGiveTheSameChangesAndFetchOnlyTheDeleted() {
        List<Department> before = List.of(ROOT, CLASS_1, department("9", "1", "九班"));
        Member renamed = member("zhangsan", "张叁", "3");
        Member wang = member("wangwu", "王五", "3");
        List<Member> membersBefore = List.of(ZHANG, LI, member("zhaoliu", "赵六", "9"));
        List<Department> now = List.of(ROOT, department("3", "1", "一年级1班"));
        List<Member> membersNow = List.of(renamed, LI, wang);
        InMemoryDigests<Department> departments = new InMemoryDigests<>(before);
        InMemoryDigests<Member> members = new InMemoryDigests<>(membersBefore);

        List<Change> digested = ChangeDetector.diff(new PreviousRun("r1", departments, members), now, membersNow);

        assertThat(digested).isEqualTo(ChangeDetector.diff(new PreviousRun("r1", before, membersBefore), now,
                membersNow));
        assertThat(digested).extracting(Change::op, c -> c.record().id()).containsExactly(
                tuple(ChangeOp.UPDATE, "3"), tuple(ChangeOp.DELETE, "9"),
                tuple(ChangeOp.UPDATE, "zhangsan"), tuple(ChangeOp.CREATE, "wangwu"), tuple(ChangeOp.DELETE, "zhaoliu"));
        assertThat(departments.fetched).containsExactly(List.of(2));
        assertThat(members.fetched).containsExactly(List.of(2));
    }

    /** The text stands in for a digest; records are handed out only through lastKnown. */
    private static final class InMemoryDigests<R extends CanonicalRecord> extends DigestedRecords<R> {
        private final List<R> records;
        final List<List<Integer>> fetched = new ArrayList<>();

        InMemoryDigests(List<R> records) {
            this.records = records;
        }

        @Override
        public int size() {
            return records.size();
        }

        @Override
        public String idAt(int index) {
            return records.get(index).id();
        }

        @Override
        public boolean sameContent(int index, byte[] canonicalLine) {
            return Arrays.equals(CanonicalJson.toUtf8Line(records.get(index)), canonicalLine);
        }

        @Override
        public List<R> lastKnown(int[] indices) {
            fetched.add(Arrays.stream(indices).boxed().toList());
            return Arrays.stream(indices).mapToObj(records::get).toList();
        }
    }
}
