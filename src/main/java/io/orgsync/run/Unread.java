package io.orgsync.run;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the vendor refused to show this run although it listed it (a SKIP answer: no permission,
 * not found, out of the visible range). A refusal is never evidence that people left: what the
 * last successful run published there is carried forward unchanged ({@link CarriedForward}).
 * Safe for the parallel fetches of one run.
 */
public final class Unread {

    private final Set<String> memberListings = ConcurrentHashMap.newKeySet();
    private final Set<String> subtrees = ConcurrentHashMap.newKeySet();
    private final Set<String> departments = ConcurrentHashMap.newKeySet();

    /** The members of this department could not be listed (all of them, or some pages). */
    public void memberListing(String departmentId) {
        memberListings.add(departmentId);
    }

    /** The departments below this one could not be listed, so neither could their members. */
    public void subtree(String departmentId) {
        subtrees.add(departmentId);
    }

    /** This department was listed, but its own record could not be read. */
    public void department(String departmentId) {
        departments.add(departmentId);
    }

    public boolean isEmpty() {
        return memberListings.isEmpty() && subtrees.isEmpty() && departments.isEmpty();
    }

    public Set<String> memberListings() {
        return new TreeSet<>(memberListings);
    }

    public Set<String> subtrees() {
        return new TreeSet<>(subtrees);
    }

    public Set<String> departments() {
        return new TreeSet<>(departments);
    }
}
