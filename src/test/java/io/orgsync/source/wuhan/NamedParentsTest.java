package io.orgsync.source.wuhan;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which parents the students named, and which of them the parent list gave. */
class NamedParentsTest {

    @Test
    void aParentIsOfThisSyncOnlyWhenAStudentNamedThem() {
        NamedParents parents = new NamedParents();
        parents.named("f1");
        parents.named("f2");
        parents.named("f1"); // a parent of two children

        assertThat(parents.isNamed("f1")).isTrue();
        assertThat(parents.isNamed("f2")).isTrue();
        assertThat(parents.isNamed("f3")).isFalse();
        assertThat(parents.isNamed("F1")).as("ids are compared exactly").isFalse();
    }

    @Test
    void theNamedButNeverListedAreCountedOnceAndSampled() {
        NamedParents parents = new NamedParents();
        for (String id : new String[]{"f1", "f2", "f3", "f2", "f4"}) {
            parents.named(id);
        }
        parents.listed("f2");
        parents.listed("f4");
        parents.listed("f4");

        assertThat(parents.unlisted()).isEqualTo(2);
        assertThat(parents.unlistedSample(20)).containsExactly("f1", "f3");
        assertThat(parents.unlistedSample(1)).containsExactly("f1");
    }

    @Test
    void namingsAfterTheFirstLookUpAreStillFound() {
        NamedParents parents = new NamedParents();
        parents.named("f1");
        assertThat(parents.isNamed("f2")).isFalse();

        parents.named("f2");

        assertThat(parents.isNamed("f2")).isTrue();
        assertThat(parents.unlisted()).isEqualTo(2);
    }

    @Test
    void theCountIsExactBeyondTheSampledParents() {
        NamedParents parents = new NamedParents();
        int named = NamedParents.SAMPLED * 3;
        for (int i = 0; i < named; i++) {
            parents.named("parent-" + i);
        }
        for (int i = 0; i < named; i += 2) {
            parents.listed("parent-" + i);
        }

        assertThat(parents.unlisted()).isEqualTo(named / 2);
        assertThat(parents.unlistedSample(3)).containsExactly("parent-1", "parent-3", "parent-5");
    }

    @Test
    void listingTellsAParentsFirstListingFromARepeatNamedOrNot() {
        NamedParents parents = new NamedParents();
        parents.named("f1");

        assertThat(parents.listed("f1")).isTrue();
        assertThat(parents.listed("f1")).as("listed again").isFalse();
        assertThat(parents.listed("g1")).as("no child named them").isTrue();
        assertThat(parents.listed("g1")).isFalse();

        assertThat(parents.isNamed("g1")).as("listing names nobody").isFalse();
        assertThat(parents.unlisted()).isZero();
    }
}
