package io.orgsync.run;

import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Member;
import io.orgsync.model.Role;
import io.orgsync.model.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The spooled changes of a run against what {@link ChangeDetector} finds for the same records. */
class PublishedMembersTest {

    private final List<Snapshot> snapshots = new ArrayList<>();

    @AfterEach
    void deleteSpools() {
        snapshots.forEach(Snapshot::close);
    }

    private static Member employee(String id, String name) {
        return new Member("wecom", "t", id, name, Role.EMPLOYEE, List.of("1"), null, null, Status.ACTIVE, List.of(),
                CanonicalJson.emptyObject());
    }

    private static List<Member> employees(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> employee(String.format("u%04d", i), "员工" + i)).toList();
    }

    private PublishedMembers prepare(List<Member> current, List<Member> previous) {
        Snapshot snapshot = new Snapshot();
        snapshots.add(snapshot);
        // listed out of id order, as a fetch would
        List<Member> fetched = new ArrayList<>(current);
        java.util.Collections.reverse(fetched);
        fetched.forEach(snapshot::addMember);
        return PublishedMembers.prepare(snapshot, new Publication(Privacy.PLAIN, null), previous, new java.util.TreeMap<>(), CarriedForward.none());
    }

    private static void assertSameAsTheDetector(PublishedMembers published, List<Member> current,
                                                List<Member> previous) {
        List<Change> expected = ChangeDetector.diff(new PreviousRun(previous.isEmpty() ? null : "r", List.of(),
                previous), List.of(), current);
        List<Change> changes = published.changes();
        assertThat(changes).hasSize(expected.size());
        assertThat(new ArrayList<>(changes)).as("iterated").isEqualTo(expected);
        assertThat(IntStream.range(0, changes.size()).mapToObj(changes::get).toList()).as("by index")
                .isEqualTo(expected);
        List<String> lines = new ArrayList<>();
        ((CanonicalLines.OfChanges) changes).changeLines().forEachRemaining(l -> lines.add(l.text()));
        assertThat(lines).as("as lines").isEqualTo(expected.stream()
                .map(change -> CanonicalJson.escapeUnpairedSurrogates(CanonicalJson.toLine(change))).toList());
        assertThat(published.members()).isEqualTo(current);
    }

    @Test
    void aFirstRunCreatesEveryMemberInIdOrder() {
        List<Member> current = employees(0, 300);

        PublishedMembers published = prepare(current, List.of());

        assertThat(published.created()).isEqualTo(300);
        assertThat(published.updated()).isZero();
        assertThat(published.deleted()).isZero();
        assertSameAsTheDetector(published, current, List.of());
    }

    @Test
    void aLaterRunHasItsCreatesUpdatesAndDeletes() {
        List<Member> previous = employees(0, 300);
        List<Member> current = new ArrayList<>(employees(5, 310));
        current.set(10, employee(current.get(10).id(), "改名"));

        PublishedMembers published = prepare(current, previous);

        assertThat(List.of(published.created(), published.updated(), published.deleted())).containsExactly(10, 1, 5);
        assertSameAsTheDetector(published, current, previous);
    }
}
