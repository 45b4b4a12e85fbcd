package io.orgsync.run;

import io.orgsync.model.Member;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The people of one vendor answer on their way into the run's snapshot. An id listed twice in one
 * answer with different content (the vendors' own documented examples do this) is merged as any
 * repeat listing is, and named in the run's warnings: silently keeping one name of two is how a
 * directory goes wrong without anyone noticing. An answer holds one page or one department, so
 * keeping its members until it is mapped costs little.
 */
public final class OneAnswer {

    private final RunContext run;
    private final String answer;
    private final Map<String, Member> listed = new HashMap<>();

    /** @param answer what the warning calls the answer: {@code "wuhan-edu: member list page 3"} */
    public OneAnswer(RunContext run, String answer) {
        this.run = run;
        this.answer = answer;
    }

    public void add(Member member) {
        Member earlier = listed.putIfAbsent(member.id(), member);
        if (earlier != null && !earlier.equals(member)) {
            run.warn(answer + " lists " + member.role().wireName() + " " + member.id()
                    + " twice with different " + String.join(", ", differences(earlier, member))
                    + "; the listings are merged");
        }
        run.snapshot().addMember(member);
    }

    private static List<String> differences(Member a, Member b) {
        List<String> fields = new ArrayList<>();
        check(fields, "name", a.name(), b.name());
        check(fields, "role", a.role(), b.role());
        check(fields, "departmentIds", a.departmentIds(), b.departmentIds());
        check(fields, "mobile", a.mobile(), b.mobile());
        check(fields, "email", a.email(), b.email());
        check(fields, "status", a.status(), b.status());
        check(fields, "relations", a.relations(), b.relations());
        check(fields, "attributes", a.attributes(), b.attributes());
        return fields;
    }

    private static void check(List<String> fields, String field, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            fields.add(field);
        }
    }
}
