package io.orgsync.run;

import io.orgsync.model.Department;
import io.orgsync.model.Member;

import java.util.List;

/**
 * A finished, successful run as the sinks receive it.
 *
 * @param tables whether the run goes to the jdbc sink's tables ({@code orgsync.sinks} lists
 *               {@code jdbc}, or a JDBC sink Kamelet took it); otherwise the state store keeps
 *               only a compact copy for the next run to compare with
 */
public record RunResult(Manifest manifest, List<Department> departments, List<Member> members, List<Change> changes,
                        boolean tables) {

    /** A run for the tables too. */
    public RunResult(Manifest manifest, List<Department> departments, List<Member> members, List<Change> changes) {
        this(manifest, departments, members, changes, true);
    }
}
