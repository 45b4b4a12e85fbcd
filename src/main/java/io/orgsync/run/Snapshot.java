package io.orgsync.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything one run fetched, with people merged: a person listed in several departments, or as
 * the parent of several children, becomes one record holding the union of departments and
 * relations. Safe for concurrent use by parallel splits.
 */
public final class Snapshot {

    private final Map<String, Department> departments = new ConcurrentHashMap<>();
    private final Map<String, Member> members = new ConcurrentHashMap<>();

    /** A department listed twice (e.g. by overlapping recursive calls) keeps the first sighting. */
    public void addDepartment(Department department) {
        departments.putIfAbsent(department.id(), department);
    }

    public void addMember(Member member) {
        members.merge(member.id(), member, Snapshot::merge);
    }

    public int departmentCount() {
        return departments.size();
    }

    public int memberCount() {
        return members.size();
    }

    public Map<String, Department> departmentsById() {
        return Map.copyOf(departments);
    }

    /** Members ordered by id, so exports and change lists do not depend on fetch order. */
    public List<Member> members() {
        List<Member> sorted = new ArrayList<>(members.values());
        sorted.sort(Comparator.comparing(Member::id));
        return sorted;
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
