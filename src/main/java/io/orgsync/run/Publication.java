package io.orgsync.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.Member;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a fetched member becomes before any sink sees it: the privacy setting applied to mobile and
 * email, and {@code departmentIds} cut to the departments the run publishes — the others the vendor
 * named (outside the app's visible range or the configured root) kept as
 * {@code attributes.outOfScopeDepartmentIds}, so that every published department id names a
 * published department and nothing the vendor said is dropped.
 */
final class Publication {

    static final String OUT_OF_SCOPE = "outOfScopeDepartmentIds";

    private final Privacy privacy;
    /** Null when every department a member names is published: then nothing needs cutting. */
    private final Set<String> published;

    Publication(Privacy privacy, Set<String> published) {
        this.privacy = privacy;
        this.published = published;
    }

    /** Whether a fetched member is published exactly as fetched (the fast path of large runs). */
    boolean isPlain() {
        return privacy.isPlain() && published == null;
    }

    /** A fetched member as published. */
    Member fetched(Member member) {
        return scoped(privacy.apply(member));
    }

    /** A member carried forward from the last run: already published once, so privacy is not applied again. */
    Member carried(Member member) {
        return scoped(member);
    }

    private Member scoped(Member member) {
        if (published == null || published.containsAll(member.departmentIds())) {
            return member;
        }
        List<String> inScope = new ArrayList<>();
        Set<String> outside = new LinkedHashSet<>();
        ObjectNode attributes = member.attributes().deepCopy();
        if (attributes.get(OUT_OF_SCOPE) instanceof ArrayNode earlier) {
            earlier.forEach(id -> outside.add(id.asText()));
        }
        for (String id : member.departmentIds()) {
            if (published.contains(id)) {
                inScope.add(id);
            } else {
                outside.add(id);
            }
        }
        ArrayNode ids = attributes.putArray(OUT_OF_SCOPE);
        outside.forEach(ids::add);
        return new Member(member.source(), member.tenant(), member.id(), member.name(), member.role(), inScope,
                member.mobile(), member.email(), member.status(), member.relations(), attributes);
    }
}
