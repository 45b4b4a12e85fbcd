package io.orgsync.run;

import io.orgsync.model.Department;
import io.orgsync.model.Member;

import java.util.List;

/** A finished, successful run as the sinks receive it. */
public record RunResult(Manifest manifest, List<Department> departments, List<Member> members, List<Change> changes) {
}
