package io.orgsync.run;

import io.orgsync.model.Department;
import io.orgsync.model.Member;

import java.util.List;

/** What the last successful run of a source and tenant published: the base for change detection. */
public record PreviousRun(String runId, List<Department> departments, List<Member> members) {

    public static PreviousRun none() {
        return new PreviousRun(null, List.of(), List.of());
    }

    public boolean exists() {
        return runId != null;
    }
}
