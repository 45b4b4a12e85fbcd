package io.orgsync.run;

import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;
import io.orgsync.model.Role;
import io.orgsync.model.Status;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotTest {

    private static Member parent(List<String> classes, Relation child, String mobile) {
        var attributes = CanonicalJson.emptyObject();
        attributes.put("is_subscribe", 1);
        return new Member("wecom-school", "t", "p1", null, Role.PARENT, classes, mobile, null, Status.ACTIVE,
                List.of(child), attributes);
    }

    @Test
    void aParentOfTwoChildrenBecomesOneRecordWithBothChildrenAndAllTheirClasses() {
        Snapshot snapshot = new Snapshot();
        snapshot.addMember(parent(List.of("3"), new Relation("s1", Role.STUDENT, "妈妈"), null));
        snapshot.addMember(parent(List.of("5", "3"), new Relation("s2", Role.STUDENT, "妈妈"), "13800000000"));

        List<Member> members = snapshot.members();

        assertThat(members).hasSize(1);
        Member merged = members.get(0);
        assertThat(merged.departmentIds()).containsExactly("3", "5");
        assertThat(merged.relations()).extracting(Relation::id).containsExactly("s1", "s2");
        assertThat(merged.mobile()).isEqualTo("13800000000");
    }

    @Test
    void theSameRelationSeenTwiceIsKeptOnce() {
        Snapshot snapshot = new Snapshot();
        Relation child = new Relation("s1", Role.STUDENT, "爸爸");
        snapshot.addMember(parent(List.of("3"), child, null));
        snapshot.addMember(parent(List.of("4"), child, null));

        assertThat(snapshot.members().get(0).relations()).containsExactly(child);
    }

    @Test
    void membersComeOutOrderedById() {
        Snapshot snapshot = new Snapshot();
        for (String id : List.of("b", "c", "a")) {
            snapshot.addMember(new Member("s", "t", id, id, Role.EMPLOYEE, List.of(), null, null, Status.ACTIVE,
                    List.of(), null));
        }
        assertThat(snapshot.members()).extracting(Member::id).containsExactly("a", "b", "c");
    }
}
