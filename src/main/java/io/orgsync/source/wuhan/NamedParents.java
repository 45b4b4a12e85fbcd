package io.orgsync.source.wuhan;

import io.orgsync.source.IdHashSet;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The parents the students named, and which of them the parent list then gave: a parent on the
 * list is synced only when a student named them, and those named but never listed are reported.
 * One per run, used by one thread at a time: the split maps its pages one after another, in order.
 *
 * <p>Held as one {@link IdHashSet}, a parent marked once listed, not as strings in sets: a school
 * of 1,000,000 students names 1.6 million parents, which as two {@code HashSet<String>} took about
 * 200 bytes each and failed a sync at {@code -Xmx256m}. Two ids of one hash would only let a parent without a child in
 * scope through, or miscount the report by one. The report's sample is drawn from the first
 * {@value #SAMPLED} parents named, whose ids are kept.
 */
final class NamedParents {

    static final int SAMPLED = 1_000;

    /** Marked once listed. */
    private final IdHashSet named = new IdHashSet();
    /** Parents on the list whom no student named: few, but a repeated page must be told from new ones. */
    private final IdHashSet listedUnnamed = new IdHashSet();
    private final Set<String> firstNamed = new LinkedHashSet<>();

    void named(String parentId) {
        named.add(parentId);
        if (firstNamed.size() < SAMPLED) {
            firstNamed.add(parentId);
        }
    }

    boolean isNamed(String parentId) {
        return named.contains(parentId);
    }

    /** Notes a parent the parent list gave, named or not; true the first time it gives them. */
    boolean listed(String parentId) {
        return named.mark(parentId) || !named.contains(parentId) && listedUnnamed.add(parentId);
    }

    /** How many parents were named and never listed. */
    long unlisted() {
        return named.countUnmarked();
    }

    /** Up to {@code max} of the named but unlisted parents, among the first {@value #SAMPLED} named. */
    List<String> unlistedSample(int max) {
        List<String> sample = new ArrayList<>();
        for (String id : firstNamed) {
            if (sample.size() == max) {
                break;
            }
            if (!named.isMarked(id)) {
                sample.add(id);
            }
        }
        return sample;
    }
}
