package io.orgsync.simulator;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a sync of one source should report between two states of the simulated organisation, by
 * the ids that source's sync publishes: records created, updated (canonical content differs) and
 * deleted, departments and members apart. A record that comes back after a deletion counts as
 * created. Worked out from the simulator's ground truth ({@link ExpectedRecords}), never from the
 * product's code, so a test comparing a run's manifest and changes with it checks both.
 */
public record OrgDiff(Vendor source, Set<String> createdDepartments, Set<String> updatedDepartments,
                      Set<String> deletedDepartments, Set<String> createdMembers, Set<String> updatedMembers,
                      Set<String> deletedMembers) {

    public OrgDiff {
        createdDepartments = Set.copyOf(createdDepartments);
        updatedDepartments = Set.copyOf(updatedDepartments);
        deletedDepartments = Set.copyOf(deletedDepartments);
        createdMembers = Set.copyOf(createdMembers);
        updatedMembers = Set.copyOf(updatedMembers);
        deletedMembers = Set.copyOf(deletedMembers);
    }

    static OrgDiff between(Vendor source, ExpectedRecords.Records before, ExpectedRecords.Records after) {
        Set<String>[] departments = compare(before.departments(), after.departments());
        Set<String>[] members = compare(before.members(), after.members());
        return new OrgDiff(source, departments[0], departments[1], departments[2], members[0], members[1], members[2]);
    }

    @SuppressWarnings("unchecked")
    private static Set<String>[] compare(Map<String, String> before, Map<String, String> after) {
        Set<String> created = new TreeSet<>();
        Set<String> updated = new TreeSet<>();
        Set<String> deleted = new TreeSet<>(before.keySet());
        deleted.removeAll(after.keySet());
        after.forEach((id, content) -> {
            String old = before.get(id);
            if (old == null) {
                created.add(id);
            } else if (!old.equals(content)) {
                updated.add(id);
            }
        });
        return new Set[]{created, updated, deleted};
    }

    /** Departments and members together, as the manifest counts them. */
    public int created() {
        return createdDepartments.size() + createdMembers.size();
    }

    public int updated() {
        return updatedDepartments.size() + updatedMembers.size();
    }

    public int deleted() {
        return deletedDepartments.size() + deletedMembers.size();
    }

    public boolean isEmpty() {
        return created() + updated() + deleted() == 0;
    }

    @Override
    public String toString() {
        return source + ": departments +" + new TreeSet<>(createdDepartments) + " ~" + new TreeSet<>(updatedDepartments)
                + " -" + new TreeSet<>(deletedDepartments) + ", members +" + new TreeSet<>(createdMembers) + " ~"
                + new TreeSet<>(updatedMembers) + " -" + new TreeSet<>(deletedMembers);
    }
}
