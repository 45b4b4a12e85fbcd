package io.orgsync.vendor.wuhan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The parents the students named, and which of them the parent list then gave: a parent on the
 * list is synced only when a student named them, and those named but never listed are reported.
 * One per run, used by one thread (Wuhan is read one request at a time).
 *
 * <p>Held as 64-bit hashes of the ids, sorted when asked, not as strings in sets: a school of
 * 1,000,000 students names 1.6 million parents, which as two {@code HashSet<String>} took about
 * 200 bytes each and failed a sync at {@code -Xmx256m}; as hashes they take 8 bytes a naming.
 * Two ids of one hash (odds about 10^-7 at that size) would only let a parent without a child in
 * scope through, or miscount the report by one. The report's sample is drawn from the first
 * {@value #SAMPLED} parents named, whose ids are kept.
 */
final class NamedParents {

    static final int SAMPLED = 1_000;

    private final Hashes named = new Hashes();
    private final Hashes listed = new Hashes();
    private final Set<String> firstNamed = new LinkedHashSet<>();

    void named(String parentId) {
        named.add(hash(parentId));
        if (firstNamed.size() < SAMPLED) {
            firstNamed.add(parentId);
        }
    }

    boolean isNamed(String parentId) {
        return named.contains(hash(parentId));
    }

    void listed(String parentId) {
        listed.add(hash(parentId));
    }

    /** How many parents were named and never listed. */
    long unlisted() {
        return named.countMissingFrom(listed);
    }

    /** Up to {@code max} of the named but unlisted parents, among the first {@value #SAMPLED} named. */
    List<String> unlistedSample(int max) {
        List<String> sample = new ArrayList<>();
        for (String id : firstNamed) {
            if (sample.size() == max) {
                break;
            }
            if (!listed.contains(hash(id))) {
                sample.add(id);
            }
        }
        return sample;
    }

    /** FNV-1a over the id's chars, then MurmurHash3's 64-bit finaliser to spread the bits. */
    static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    /** A growing array of hashes, sorted and freed of repeats when first searched after an add. */
    private static final class Hashes {
        private long[] values = new long[1024];
        private int size;
        private boolean sorted = true;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
            sorted = false;
        }

        boolean contains(long value) {
            sort();
            return Arrays.binarySearch(values, 0, size, value) >= 0;
        }

        /** How many of these are not in {@code other}. */
        int countMissingFrom(Hashes other) {
            sort();
            int count = 0;
            for (int i = 0; i < size; i++) {
                if (!other.contains(values[i])) {
                    count++;
                }
            }
            return count;
        }

        private void sort() {
            if (!sorted) {
                Arrays.sort(values, 0, size);
                int distinct = 0;
                for (int i = 0; i < size; i++) {
                    if (distinct == 0 || values[distinct - 1] != values[i]) {
                        values[distinct++] = values[i];
                    }
                }
                size = distinct;
                sorted = true;
            }
        }
    }
}
