package io.orgsync.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Department;
import io.orgsync.model.DepartmentType;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;
import io.orgsync.model.Role;
import io.orgsync.model.Status;

import java.util.List;

/** Small canonical records and runs for the run and sink tests. */
public final class Fixtures {

    public static final String SOURCE = "wecom-school";
    public static final String TENANT = "ww123";

    private Fixtures() {
    }

    public static Department department(String id, String parentId, String name) {
        return new Department(SOURCE, TENANT, id, parentId, name, DepartmentType.CLASS, 1L,
                parentId == null ? List.of(id) : List.of(parentId, id), CanonicalJson.emptyObject());
    }

    public static Member member(String id, String name, String... departmentIds) {
        return new Member(SOURCE, TENANT, id, name, Role.STUDENT, List.of(departmentIds), null, null, Status.ACTIVE,
                List.of(new Relation(id + "_parent1", Role.PARENT, "爸爸")), CanonicalJson.emptyObject());
    }

    public static Member withAttributes(Member m, ObjectNode attributes) {
        return new Member(m.source(), m.tenant(), m.id(), m.name(), m.role(), m.departmentIds(), m.mobile(),
                m.email(), m.status(), m.relations(), attributes);
    }

    public static Manifest manifest(String runId, List<Department> departments, List<Member> members,
                                    List<Change> changes) {
        ChangeCounts counts = ChangeCounts.of(changes);
        return new Manifest(runId, SOURCE, TENANT, RunStatus.SUCCESS, "2026-11-21T02:00:00Z", "2026-11-21T02:01:00Z",
                departments.size(), members.size(), counts.created(), counts.updated(), counts.deleted(), 17, 1, 0,
                null);
    }

    /** A successful run whose changes and manifest figures are derived from {@code previous}. */
    public static RunResult run(String runId, PreviousRun previous, List<Department> departments,
                                List<Member> members) {
        List<Change> changes = ChangeDetector.diff(previous, departments, members);
        return new RunResult(manifest(runId, departments, members, changes), departments, members, changes);
    }

    public static RunResult firstRun(String runId, List<Department> departments, List<Member> members) {
        return run(runId, PreviousRun.none(), departments, members);
    }

    /**
     * The run {@link RunCoordinator#forSinks} would hand the sinks for these members fetched into
     * {@code snapshot}: members and member changes read from its spool, privacy applied. Valid
     * until the snapshot is closed.
     */
    public static RunResult spooledRun(Snapshot snapshot, String runId, PreviousRun previous,
                                       List<Department> departments, List<Member> fetched, Privacy privacy) {
        fetched.forEach(snapshot::addMember);
        PublishedMembers published = PublishedMembers.prepare(snapshot, new Publication(privacy, null), previous.members(),
                new java.util.TreeMap<>(), CarriedForward.none());
        List<Change> changes = Concatenated.changes(
                ChangeDetector.diffDepartments(previous.departments(), departments), published.changes());
        return new RunResult(manifest(runId, departments, published.members(), changes), departments,
                published.members(), changes);
    }
}
