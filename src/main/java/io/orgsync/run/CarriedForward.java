package io.orgsync.run;

import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;
import org.h2.mvstore.MVMap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * What the last successful run published where this run could not read ({@link Unread}): carried
 * into this run unchanged, so that a refusal (no permission, a department gone between two calls)
 * never deletes anyone. A run deletes only what it could read.
 *
 * <ul>
 *   <li>a department whose own record was refused: its last known record;</li>
 *   <li>a department whose children were refused: every department last seen below it;</li>
 *   <li>the members last seen in a department whose member listing was refused, or in one carried
 *       forward above: their last known records. A person the run did read but who was related to
 *       such a member (a parent of children in a readable and an unreadable class) keeps the
 *       unreadable department and the relation from the last run; the rest of them is as read now.</li>
 * </ul>
 *
 * Only runs with a refusal pay for this: the previous records it needs are read from the state
 * store here, not kept by every run.
 */
final class CarriedForward {

    private final Map<String, Department> departments;
    private final Set<String> unreadMembers;
    private final List<String> warnings;

    private CarriedForward(Map<String, Department> departments, Set<String> unreadMembers, List<String> warnings) {
        this.departments = departments;
        this.unreadMembers = unreadMembers;
        this.warnings = warnings;
    }

    static CarriedForward none() {
        return new CarriedForward(Map.of(), Set.of(), List.of());
    }

    /** @param fetched the departments this run read, by id */
    static CarriedForward departments(String source, Unread unread, PreviousRun previous,
                                      Map<String, Department> fetched) {
        if (unread.isEmpty()) {
            return none();
        }
        List<String> warnings = new ArrayList<>();
        Map<String, Department> carried = new HashMap<>();
        Set<String> unreadMembers = new HashSet<>(unread.memberListings());
        Set<String> ownRecords = unread.departments();
        Set<String> subtrees = unread.subtrees();
        int belowSubtrees = 0;
        if (previous.exists() && (!ownRecords.isEmpty() || !subtrees.isEmpty())) {
            for (Department before : all(previous.departments())) {
                boolean below = before.path().stream().anyMatch(id -> subtrees.contains(id) && !id.equals(before.id()));
                if ((below || ownRecords.contains(before.id())) && !fetched.containsKey(before.id())) {
                    carried.put(before.id(), before);
                    if (below) {
                        unreadMembers.add(before.id());
                        belowSubtrees++;
                    }
                }
            }
        }
        if (!subtrees.isEmpty()) {
            warnings.add(source + ": the departments below " + DepartmentTree.Resolved.sample(List.copyOf(subtrees))
                    + " could not be listed; " + count(belowSubtrees, "department") + " last published there "
                    + "carried forward unchanged");
        }
        if (!ownRecords.isEmpty()) {
            warnings.add(source + ": the records of department(s) " + DepartmentTree.Resolved.sample(
                    List.copyOf(ownRecords)) + " could not be read; the last published ones are carried forward");
        }
        return new CarriedForward(carried, unreadMembers, warnings);
    }

    /** Departments to publish although this run did not read them. */
    Map<String, Department> departments() {
        return departments;
    }

    /**
     * The members to publish although this run did not (wholly) read them, by id: the last known
     * records of people it did not read, and of people it did read who were related to one of
     * those ({@link #merge} keeps of them only what lies in the unreadable departments).
     *
     * @param fetched the run's members by id
     */
    NavigableMap<String, Member> members(PreviousRun previous, MVMap<String, byte[]> fetched) {
        NavigableMap<String, Member> carried = new TreeMap<>();
        if (unreadMembers.isEmpty() || !previous.exists() || previous.members().isEmpty()) {
            return carried;
        }
        List<Member> before = previous.members();
        IdAt ids = IdAt.of(before);
        int[] notRead = IntStream.range(0, before.size()).filter(i -> !fetched.containsKey(ids.at(i))).toArray();
        for (Member member : lastKnown(before, notRead)) {
            if (member.departmentIds().stream().anyMatch(unreadMembers::contains)) {
                carried.put(member.id(), member);
            }
        }
        // the people read now who were related to someone carried: their side of that relation
        Set<String> relatedToCarried = new HashSet<>();
        for (Member member : carried.values()) {
            for (Relation relation : member.relations()) {
                if (!carried.containsKey(relation.id()) && fetched.containsKey(relation.id())) {
                    relatedToCarried.add(relation.id());
                }
            }
        }
        if (!relatedToCarried.isEmpty()) {
            int[] indices = IntStream.range(0, before.size()).filter(i -> relatedToCarried.contains(ids.at(i))).toArray();
            for (Member last : lastKnown(before, indices)) {
                carried.put(last.id(), last);
            }
        }
        if (!carried.isEmpty()) {
            int notReadAtAll = carried.size() - relatedToCarried.size();
            warnings.add("members last published in department(s) whose member listing was refused ("
                    + DepartmentTree.Resolved.sample(List.copyOf(new TreeSet<>(unreadMembers)))
                    + ") are carried forward unchanged: " + count(notReadAtAll, "member") + " not read at all, "
                    + count(relatedToCarried.size(), "member") + " read elsewhere keep their link to them");
        }
        return carried;
    }

    /**
     * A person this run read, with what of their last known record lies where it could not read:
     * the unreadable departments and the relations to people carried forward. Lists keep the last
     * run's order where they still hold the same entries, so that a person whose readable part did
     * not change is published exactly as before.
     */
    Member merge(Member read, Member last, java.util.function.Predicate<String> carriedId) {
        List<String> departmentIds = ordered(read.departmentIds(), last.departmentIds(), unreadMembers::contains);
        List<Relation> relations = ordered(read.relations(), last.relations(), r -> carriedId.test(r.id()));
        return new Member(read.source(), read.tenant(), read.id(), read.name(), read.role(), departmentIds,
                read.mobile(), read.email(), read.status(), relations, read.attributes());
    }

    /** {@code read} plus the entries of {@code last} that {@code kept}, in {@code last}'s order first. */
    private static <T> List<T> ordered(List<T> read, List<T> last, java.util.function.Predicate<T> kept) {
        java.util.LinkedHashSet<T> merged = new java.util.LinkedHashSet<>();
        for (T entry : last) {
            if (read.contains(entry) || kept.test(entry)) {
                merged.add(entry);
            }
        }
        merged.addAll(read);
        return List.copyOf(merged);
    }

    /** What the manifest says of the carrying forward. */
    List<String> warnings() {
        return List.copyOf(warnings);
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** Every record of a kind of the last run; a store's digested records are read in one batch. */
    private static <R extends io.orgsync.model.CanonicalRecord> List<R> all(List<R> records) {
        return lastKnown(records, IntStream.range(0, records.size()).toArray());
    }

    private static <R extends io.orgsync.model.CanonicalRecord> List<R> lastKnown(List<R> records, int[] indices) {
        if (indices.length == 0) {
            return List.of();
        }
        if (records instanceof DigestedRecords<R> digested) {
            return digested.lastKnown(indices);
        }
        return IntStream.of(indices).mapToObj(records::get).toList();
    }

    /** Ids of the last run's records without reading the records (a store holds them packed). */
    private interface IdAt {
        String at(int index);

        static IdAt of(List<Member> records) {
            if (records instanceof DigestedRecords<Member> digested) {
                return digested::idAt;
            }
            return i -> records.get(i).id();
        }
    }
}
