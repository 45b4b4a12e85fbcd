package io.orgsync.run;

import io.orgsync.model.Department;
import io.orgsync.model.Member;

import java.util.List;

/**
 * The figures of a change list: {@code created}, {@code updated} and {@code deleted} for the
 * manifest (departments and members together), and deletions per kind for the
 * {@link DeletionGuard}, which judges departments and members separately.
 */
public record ChangeCounts(long created, long updated, long deletedDepartments, long deletedMembers) {

    public static ChangeCounts of(List<Change> changes) {
        long created = 0;
        long updated = 0;
        long deletedDepartments = 0;
        long deletedMembers = 0;
        for (Change change : changes) {
            switch (change.op()) {
                case CREATE -> created++;
                case UPDATE -> updated++;
                case DELETE -> {
                    if (Department.KIND.equals(change.record().kind())) {
                        deletedDepartments++;
                    } else if (Member.KIND.equals(change.record().kind())) {
                        deletedMembers++;
                    } else {
                        throw new IllegalArgumentException("unknown record kind " + change.record().kind());
                    }
                }
                default -> throw new IllegalArgumentException("unknown change op " + change.op());
            }
        }
        return new ChangeCounts(created, updated, deletedDepartments, deletedMembers);
    }

    /** These figures with a run's member changes added, counted where they were found. */
    ChangeCounts plusMembers(long createdMembers, long updatedMembers, long deletedMembers) {
        return new ChangeCounts(created + createdMembers, updated + updatedMembers, deletedDepartments,
                this.deletedMembers + deletedMembers);
    }

    public long deleted() {
        return deletedDepartments + deletedMembers;
    }
}
