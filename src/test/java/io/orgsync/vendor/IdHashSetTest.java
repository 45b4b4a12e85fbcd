package io.orgsync.vendor;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A set of ids as hashes answers as a set of the ids themselves would. */
class IdHashSetTest {

    @Test
    void answersAsAHashSetOfTheIdsWould() {
        Random random = new Random(20261122);
        IdHashSet hashes = new IdHashSet();
        Set<String> strings = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            String id = Long.toHexString(random.nextLong() & 0xFFFFFL); // many repeats
            assertThat(hashes.add(id)).as("add %s", id).isEqualTo(strings.add(id));
        }
        assertThat(hashes.size()).isEqualTo(strings.size());
        for (int i = 0; i < 10_000; i++) {
            String id = Long.toHexString(random.nextLong() & 0x1FFFFFL);
            assertThat(hashes.contains(id)).as("contains %s", id).isEqualTo(strings.contains(id));
        }
    }

    @Test
    void countsTheIdsAnotherSetLacks() {
        IdHashSet named = new IdHashSet();
        IdHashSet listed = new IdHashSet();
        for (String id : new String[]{"f1", "f2", "f3", "", "f2"}) {
            named.add(id);
        }
        listed.add("f2");
        listed.add("f9");

        assertThat(named.countNotIn(listed)).isEqualTo(3);
        assertThat(listed.countNotIn(named)).isEqualTo(1);
    }

    @Test
    void clearingForgetsEveryId() {
        IdHashSet set = new IdHashSet();
        for (int i = 0; i < 5_000; i++) {
            set.add("u" + i);
        }

        set.clear();

        assertThat(set.size()).isZero();
        assertThat(set.contains("u1")).isFalse();
        assertThat(set.add("u1")).isTrue();
    }

    @Test
    void aMillionIdsOfTheVendorsShapesGiveAMillionHashes() {
        Set<Long> wuhan = new HashSet<>();
        Set<Long> school = new HashSet<>();
        for (int i = 0; i < 1_000_000; i++) {
            wuhan.add(IdHashSet.hash(String.format("%032x", (long) i * 2_654_435_761L)));
            school.add(IdHashSet.hash("s" + i));
        }
        assertThat(wuhan).hasSize(1_000_000);
        assertThat(school).hasSize(1_000_000);
    }
}
