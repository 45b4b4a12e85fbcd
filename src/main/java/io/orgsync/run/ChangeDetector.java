package io.orgsync.run;

import io.orgsync.model.CanonicalJson;
import io.orgsync.model.CanonicalRecord;
import io.orgsync.model.Department;
import io.orgsync.model.Member;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Derives a run's changes (docs/guarantees.md) from the previous successful snapshot and the current
 * one. Pure: no I/O, no clock, the same input always gives the same list in the same order —
 * departments before members; within a kind creates and updates in the current snapshot's order,
 * then deletes in the previous snapshot's order. Webhook receivers that apply changes in order
 * then see a parent department before its children, as the sources list them. The figures for the
 * manifest and the {@link DeletionGuard} come from {@link ChangeCounts#of} on the result.
 *
 * <p>When the previous snapshot comes as {@link DigestedRecords} (the database keeps a SHA-256 of
 * each record's canonical text), records are compared by digest, and the only I/O is the store
 * fetching the last known records of the deletions.
 */
public final class ChangeDetector {

    private ChangeDetector() {
    }

    /**
     * @throws IllegalArgumentException when a snapshot lists the same id twice within a kind or a
     *                                  record has no id: the contract promises one record per id,
     *                                  and guessing which duplicate wins would hide a source bug
     */
    public static List<Change> diff(PreviousRun previous, List<Department> departments, List<Member> members) {
        List<Change> changes = new ArrayList<>();
        diffKind(Department.KIND, previous.departments(), departments, changes);
        diffKind(Member.KIND, previous.members(), members, changes);
        return Collections.unmodifiableList(changes);
    }

    /**
     * The departments' changes alone: a run's members are compared as they stream out of its
     * spool ({@link PublishedMembers}), by the same rules.
     */
    static List<Change> diffDepartments(List<Department> before, List<Department> now) {
        List<Change> changes = new ArrayList<>();
        diffKind(Department.KIND, before, now, changes);
        return Collections.unmodifiableList(changes);
    }

    /**
     * Memory stays at one map entry per previous record and one set entry per current id: the
     * canonical text is produced on the fly for the pairs that exist in both snapshots and thrown
     * away after comparing, rather than kept for a million records. Comparing the full text rather
     * than a hash of it rules out collisions at the price of one more serialisation per record.
     */
    private static <R extends CanonicalRecord> void diffKind(String kind, List<R> before, List<R> now,
                                                             List<Change> out) {
        if (before instanceof DigestedRecords<R> digested) {
            diffDigested(kind, digested, now, out);
            return;
        }
        Map<String, R> previousById = new HashMap<>(capacityFor(before.size()));
        for (R record : before) {
            if (previousById.putIfAbsent(idOf(kind, "previous", record), record) != null) {
                throw duplicate(kind, "previous", record.id());
            }
        }
        Set<String> currentIds = new HashSet<>(capacityFor(now.size()));
        for (R record : now) {
            String id = idOf(kind, "current", record);
            if (!currentIds.add(id)) {
                throw duplicate(kind, "current", id);
            }
            R old = previousById.get(id);
            if (old == null) {
                out.add(new Change(ChangeOp.CREATE, record));
            } else if (!CanonicalJson.toLine(old).equals(CanonicalJson.toLine(record))) {
                out.add(new Change(ChangeOp.UPDATE, record));
            }
        }
        for (R record : before) {
            if (!currentIds.contains(record.id())) {
                out.add(new Change(ChangeOp.DELETE, record));
            }
        }
    }

    /**
     * The same rules as {@link #diffKind} with digests instead of text: equal digests of the
     * canonical text mean equal text (SHA-256 leaves a collision at odds of 2^-128), and the
     * previous records are never parsed, except those that were deleted.
     */
    private static <R extends CanonicalRecord> void diffDigested(String kind, DigestedRecords<R> before, List<R> now,
                                                                 List<Change> out) {
        Map<String, Integer> previousIndex = new HashMap<>(capacityFor(before.size()));
        for (int i = 0; i < before.size(); i++) {
            String id = before.idAt(i);
            if (id == null) {
                throw new IllegalArgumentException("the previous snapshot holds a " + kind + " without an id");
            }
            if (previousIndex.putIfAbsent(id, i) != null) {
                throw duplicate(kind, "previous", id);
            }
        }
        Set<String> currentIds = new HashSet<>(capacityFor(now.size()));
        for (R record : now) {
            String id = idOf(kind, "current", record);
            if (!currentIds.add(id)) {
                throw duplicate(kind, "current", id);
            }
            Integer old = previousIndex.get(id);
            if (old == null) {
                out.add(new Change(ChangeOp.CREATE, record));
            } else if (!before.sameContent(old, CanonicalJson.toUtf8Line(record))) {
                out.add(new Change(ChangeOp.UPDATE, record));
            }
        }
        int[] gone = IntStream.range(0, before.size())
                .filter(i -> !currentIds.contains(before.idAt(i))).toArray();
        if (gone.length > 0) {
            for (R record : before.lastKnown(gone)) {
                out.add(new Change(ChangeOp.DELETE, record));
            }
        }
    }

    private static String idOf(String kind, String snapshot, CanonicalRecord record) {
        if (record == null || record.id() == null) {
            throw new IllegalArgumentException("the " + snapshot + " snapshot holds a " + kind + " without an id");
        }
        return record.id();
    }

    private static IllegalArgumentException duplicate(String kind, String snapshot, String id) {
        return new IllegalArgumentException("the " + snapshot + " snapshot lists " + kind + " id '" + id
                + "' more than once; a run must hold one record per id");
    }

    private static int capacityFor(int entries) {
        return (int) Math.min(Integer.MAX_VALUE, entries * 4L / 3 + 1);
    }
}
