package io.orgsync.source;

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
    void marksOnlyIdsOfTheSetAndCountsThoseLeftUnmarked() {
        IdHashSet named = new IdHashSet();
        for (String id : new String[]{"f1", "f2", "f3", "", "f2"}) {
            named.add(id);
        }

        assertThat(named.mark("f2")).isTrue();
        assertThat(named.mark("f2")).as("marked already").isFalse();
        assertThat(named.mark("f9")).as("not in the set").isFalse();
        assertThat(named.add("f2")).as("a marked id is still in the set").isFalse();

        assertThat(named.isMarked("f2")).isTrue();
        assertThat(named.isMarked("f1")).isFalse();
        assertThat(named.isMarked("f9")).isFalse();
        assertThat(named.contains("f9")).isFalse();
        assertThat(named.countUnmarked()).isEqualTo(3);
        assertThat(named.size()).isEqualTo(4);
    }

    @Test
    void marksSurviveTheTablesGrowing() {
        IdHashSet set = new IdHashSet();
        int ids = IdHashSet.SEGMENTS * 40;
        for (int i = 0; i < ids; i++) {
            set.add("p" + i);
            if (i % 3 == 0) {
                set.mark("p" + i);
            }
        }

        for (int i = 0; i < ids; i++) {
            assertThat(set.isMarked("p" + i)).as("p%d", i).isEqualTo(i % 3 == 0);
        }
        assertThat(set.countUnmarked()).isEqualTo(ids - (ids + 2) / 3);
        assertThat(set.size()).isEqualTo(ids);
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
