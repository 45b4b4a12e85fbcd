package io.orgsync.run;

import io.orgsync.model.Department;
import io.orgsync.model.Member;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeSet;

/**
 * A fetched run set against the last successful one: what it publishes — the department forest,
 * with what could not be read carried forward, and the members as {@link Publication} turns them —
 * and its changes. What the run doubted along the way goes to its warnings.
 */
final class RunComparison {

    private static final Logger LOG = LoggerFactory.getLogger("io.orgsync.run");

    private final List<Department> departments;
    private final PublishedMembers members;
    private final List<Change> departmentChanges;
    private final PreviousRun previous;

    private RunComparison(List<Department> departments, PublishedMembers members, List<Change> departmentChanges,
                          PreviousRun previous) {
        this.departments = departments;
        this.members = members;
        this.departmentChanges = departmentChanges;
        this.previous = previous;
    }

    /** Ends the run's fetching: its members are merged here. */
    static RunComparison of(RunContext run, PreviousRun previous, Privacy privacy) {
        Snapshot snapshot = run.snapshot();
        Map<String, Department> fetched = snapshot.departmentsById();
        CarriedForward carried = CarriedForward.departments(run.source(), run.unread(), previous, fetched);
        Map<String, Department> byId = fetched;
        if (!carried.departments().isEmpty()) {
            byId = new HashMap<>(fetched);
            carried.departments().forEach(byId::putIfAbsent);
        }
        String root = run.rootDepartmentId();
        List<Department> departments;
        if (root == null) {
            departments = List.copyOf(byId.values());
        } else {
            DepartmentTree.Resolved tree = DepartmentTree.resolve(byId, root);
            departments = tree.departments();
            LOG.info("run department tree runId={} source={} tenant={} roots={}: {}", run.runId(), run.source(),
                    run.tenant(), tree.roots().size(), DepartmentTree.Resolved.sample(tree.roots()));
            tree.warnings(run.source()).forEach(run::warn);
        }
        List<Change> departmentChanges = ChangeDetector.diffDepartments(previous.departments(), departments);
        NavigableMap<String, Member> carriedMembers = carried.members(previous, snapshot.memberMap());
        carried.warnings().forEach(run::warn);
        // privacy before change detection, so the state store, every sink and the diff hold the same value
        PublishedMembers members = PublishedMembers.prepare(snapshot,
                publication(run, privacy, departments, carriedMembers.isEmpty()), previous.members(), carriedMembers,
                carried);
        return new RunComparison(departments, members, departmentChanges, previous);
    }

    /** The last successful run this one was compared with: what the deletion guard weighs the changes against. */
    PreviousRun previous() {
        return previous;
    }

    List<Department> departments() {
        return departments;
    }

    PublishedMembers members() {
        return members;
    }

    ChangeCounts counts() {
        return ChangeCounts.of(departmentChanges).plusMembers(members.created(), members.updated(), members.deleted());
    }

    /** Departments' changes, then members', as changes.jsonl and the webhook list them. */
    List<Change> changes() {
        return Concatenated.changes(departmentChanges, members.changes());
    }

    /**
     * How fetched members are published: privacy applied, and department ids cut to the published
     * tree only when some member names a department the run does not publish (checked on the ids
     * the snapshot collected, not by reading every member).
     */
    private static Publication publication(RunContext run, Privacy privacy, List<Department> departments,
                                           boolean nothingCarried) {
        Set<String> published = new HashSet<>();
        departments.forEach(d -> published.add(d.id()));
        Set<String> outside = new TreeSet<>(run.snapshot().namedDepartmentIds());
        outside.removeAll(published);
        if (!outside.isEmpty()) {
            LOG.info("run {}: members name {} department(s) the run does not publish (outside the app's visible "
                    + "range or the configured root); kept as their attributes.{}: {}", run.runId(), outside.size(),
                    Publication.OUT_OF_SCOPE, DepartmentTree.Resolved.sample(List.copyOf(outside)));
        }
        return new Publication(privacy, outside.isEmpty() && nothingCarried ? null : published);
    }
}
