package io.orgsync.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;
import org.h2.mvstore.MVMap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything one run fetched, with people merged: a person listed in several departments, or as
 * the parent of several children, becomes one record holding the union of departments and
 * relations. Safe for concurrent use by parallel splits.
 *
 * <p>Departments stay on the heap (the tree is resolved from them, and there are a hundred
 * members to a department). Members go to the run's {@link RecordSpool} as they arrive, sorted on
 * disk by {@link SortedRuns}; the first read after fetching merges the sorted runs into the
 * spool's id-ordered map, combining the listings of one person in the order they were fetched.
 * A run holds no member object for longer than it takes to encode it.
 */
public final class Snapshot implements AutoCloseable {

    /**
     * Record text held before a sorted run is written: a 32nd of the heap, 1–16 MB of UTF-8. The tests set
     * {@code orgsync.spool.sort-buffer-bytes} small, so that their runs of a few hundred members
     * write sorted runs, and a first run's members reach the database while fetching, as large ones do.
     */
    private static final long SORT_BUFFER_BYTES = Long.getLong("orgsync.spool.sort-buffer-bytes",
            Math.max(1L << 20, Math.min(16L << 20, Runtime.getRuntime().maxMemory() / 32)));

    private final Map<String, Department> departments = new ConcurrentHashMap<>();
    private final Set<String> namedDepartments = ConcurrentHashMap.newKeySet();
    private RecordSpool spool;
    private volatile SortedRuns fetching;
    /** Set once fetching is over: the members by id. */
    private volatile MVMap<String, byte[]> members;
    /** Told of the members of every sorted run written while fetching (see {@link #alsoTell}). */
    private volatile BiConsumer<List<String>, List<byte[]>> listener = (ids, lines) -> { };

    /** A department listed twice (e.g. by overlapping recursive calls) keeps the first sighting. */
    public void addDepartment(Department department) {
        departments.putIfAbsent(department.id(), department);
    }

    public void addMember(Member member) {
        for (String departmentId : member.departmentIds()) {
            // read before written: after the first few members every id is known, and a read takes no lock
            if (!namedDepartments.contains(departmentId)) {
                namedDepartments.add(departmentId);
            }
        }
        sortedRuns().add(member.id(), SpooledRecords.encode(member));
    }

    /**
     * Every department id any member names, so that the run knows without reading its members
     * again whether some name departments it does not publish (see {@link Publication}).
     */
    public Set<String> namedDepartmentIds() {
        return Set.copyOf(namedDepartments);
    }

    /**
     * Hands over the members of each sorted run as it is written while fetching, then those of
     * the last buffer when fetching ends: ids in order, each once per run, and their listings in
     * that run combined, as canonical lines in UTF-8. An id listed in several runs comes once from
     * each. Set before the first member is added.
     */
    void alsoTell(BiConsumer<List<String>, List<byte[]>> listener) {
        this.listener = listener;
    }

    public int departmentCount() {
        return departments.size();
    }

    /** Distinct members; ends fetching (nothing may be added after). */
    public int memberCount() {
        return Math.toIntExact(memberMap().sizeAsLong());
    }

    /**
     * For progress while fetching: member listings so far (a person in two departments counts
     * twice until fetching is over), then {@link #memberCount}.
     */
    public long membersListed() {
        MVMap<String, byte[]> merged = members;
        if (merged != null) {
            return merged.sizeAsLong();
        }
        SortedRuns runs = fetching;
        return runs == null ? 0 : runs.added();
    }

    public Map<String, Department> departmentsById() {
        return Map.copyOf(departments);
    }

    /**
     * Members ordered by id, so exports and change lists do not depend on fetch order. Read from
     * the spool on every pass; valid until the snapshot is closed. Ends fetching.
     */
    public List<Member> members() {
        return new SpooledRecords(memberMap());
    }

    /** The members as stored, for a second spool map of the same run (see {@link PublishedMembers}). */
    MVMap<String, byte[]> memberMap() {
        MVMap<String, byte[]> merged = members;
        if (merged == null) {
            synchronized (this) {
                if (members == null) {
                    MVMap<String, byte[]> fetched = openSpool().appendedLines("fetched");
                    if (fetching != null) {
                        // the drain hands each id once, ascending: what append requires
                        fetching.drain(fetched::append);
                    }
                    fetched.flushAndGetRoot();
                    members = fetched;
                }
                merged = members;
            }
        }
        return merged;
    }

    RecordSpool spool() {
        memberMap();
        return spool;
    }

    /** Created with the first member; read without the snapshot's lock, as every member passes here. */
    private SortedRuns sortedRuns() {
        SortedRuns runs = fetching;
        if (runs == null) {
            synchronized (this) {
                if (fetching == null) {
                    fetching = new SortedRuns(openSpool().directory(), SORT_BUFFER_BYTES, Snapshot::mergeLines,
                            (ids, lines) -> listener.accept(ids, lines));
                }
                runs = fetching;
            }
        }
        return runs;
    }

    private synchronized RecordSpool openSpool() {
        if (spool == null) {
            spool = RecordSpool.create();
        }
        return spool;
    }

    /**
     * Each listing decoded once, and the combined record encoded once. The only place a fetched
     * line is decoded on its way to the sinks, and only for people listed more than once.
     */
    private static byte[] mergeLines(List<byte[]> listings) {
        byte[] first = listings.get(0);
        if (listings.stream().allMatch(listing -> Arrays.equals(listing, first))) {
            // WeCom lists a person in each of their departments with every department named:
            // identical listings, whose merge is the listing itself (decoding reads back what encoding wrote)
            return first;
        }
        Member merged = SpooledRecords.decode(first);
        for (int i = 1; i < listings.size(); i++) {
            merged = merge(merged, SpooledRecords.decode(listings.get(i)));
        }
        return SpooledRecords.encode(merged);
    }

    /** Deletes the spool; the run is over and nothing reads its members any more. */
    @Override
    public synchronized void close() {
        if (fetching != null) {
            fetching.close();
        }
        if (spool != null) {
            spool.close();
        }
    }

    static Member merge(Member first, Member second) {
        LinkedHashSet<String> departmentIds = new LinkedHashSet<>(first.departmentIds());
        departmentIds.addAll(second.departmentIds());
        List<Relation> relations = new ArrayList<>(first.relations());
        for (Relation relation : second.relations()) {
            boolean known = relations.stream()
                    .anyMatch(r -> r.id().equals(relation.id()) && r.role() == relation.role());
            if (!known) {
                relations.add(relation);
            }
        }
        ObjectNode attributes = first.attributes().deepCopy();
        second.attributes().properties().forEach(field -> {
            if (!attributes.has(field.getKey())) {
                attributes.set(field.getKey(), field.getValue());
            }
        });
        return new Member(first.source(), first.tenant(), first.id(),
                first.name() != null ? first.name() : second.name(),
                first.role(),
                List.copyOf(departmentIds),
                first.mobile() != null ? first.mobile() : second.mobile(),
                first.email() != null ? first.email() : second.email(),
                first.status(),
                relations,
                attributes);
    }
}
