package io.orgsync.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;
import org.h2.mvstore.MVMap;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything one run fetched, with people merged: a person listed in several departments, or as
 * the parent of several children, becomes one record holding the union of departments and
 * relations. Safe for concurrent use by parallel splits.
 *
 * <p>Departments stay on the heap (the tree is resolved from them, and there are a hundred
 * members to a department). Members go to the run's {@link RecordSpool} as they arrive, so a run
 * holds no member object for longer than it takes to merge it.
 */
public final class Snapshot implements AutoCloseable {

    /** Merges of one id must not interleave; a lock per id would cost a map entry per member. */
    private static final int LOCK_STRIPES = 256;

    private final Map<String, Department> departments = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[LOCK_STRIPES];
    private volatile RecordSpool spool;
    private volatile MVMap<String, String> members;

    public Snapshot() {
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    /** A department listed twice (e.g. by overlapping recursive calls) keeps the first sighting. */
    public void addDepartment(Department department) {
        departments.putIfAbsent(department.id(), department);
    }

    public void addMember(Member member) {
        MVMap<String, String> spooled = spooledMembers();
        synchronized (locks[Math.floorMod(member.id().hashCode(), LOCK_STRIPES)]) {
            String known = spooled.get(member.id());
            Member merged = known == null ? member : merge(SpooledRecords.decode(known), member);
            spooled.put(member.id(), SpooledRecords.encode(merged));
        }
    }

    public int departmentCount() {
        return departments.size();
    }

    public int memberCount() {
        MVMap<String, String> spooled = members;
        return spooled == null ? 0 : Math.toIntExact(spooled.sizeAsLong());
    }

    public Map<String, Department> departmentsById() {
        return Map.copyOf(departments);
    }

    /**
     * Members ordered by id, so exports and change lists do not depend on fetch order. Read from
     * the spool on every pass; valid until the snapshot is closed.
     */
    public List<Member> members() {
        return new SpooledRecords(spooledMembers());
    }

    /** The members as stored, for a second spool map of the same run (see {@link PublishedMembers}). */
    MVMap<String, String> memberMap() {
        return spooledMembers();
    }

    RecordSpool spool() {
        spooledMembers();
        return spool;
    }

    private MVMap<String, String> spooledMembers() {
        MVMap<String, String> spooled = members;
        if (spooled == null) {
            synchronized (this) {
                if (members == null) {
                    spool = RecordSpool.create();
                    members = spool.map("fetched");
                }
                spooled = members;
            }
        }
        return spooled;
    }

    /** Deletes the spool file; the run is over and nothing reads its members any more. */
    @Override
    public synchronized void close() {
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
