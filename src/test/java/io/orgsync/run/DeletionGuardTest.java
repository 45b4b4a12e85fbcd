package io.orgsync.run;

import io.orgsync.model.Member;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.stream.IntStream;

import static io.orgsync.run.Fixtures.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class DeletionGuardTest {

    private final DeletionGuard guard = new DeletionGuard();

    @ParameterizedTest(name = "p={0}, {1} deletions: limit {2}, held={3}")
    @CsvSource({
            // an empty previous run: max(5, min(0, 500)) = 5
            "0, 0, 5, false",
            "0, 5, 5, false",
            "0, 6, 5, true",
            // 20% of 10 is 2, but up to 5 always pass
            "10, 5, 5, false",
            "10, 6, 5, true",
            // 20% of 1000 is 200
            "1000, 200, 200, false",
            "1000, 201, 200, true",
            // 20% of 10000 is 2000, capped at 500
            "10000, 500, 500, false",
            "10000, 501, 500, true",
            // 20% of 601 is 120.2: 120 pass, 121 are above it
            "601, 120, 120, false",
            "601, 121, 120, true",
            // 20% of 29 is 5.8: the floor of 5 governs
            "29, 5, 5, false",
            "29, 6, 5, true",
            // 20% of 30 is exactly 6
            "30, 6, 6, false",
            "30, 7, 6, true"})
    void boundaries(long previous, long deletions, long limit, boolean held) {
        DeletionGuard.KindCheck check = guard.check("members", previous, deletions);

        assertThat(check.limit()).isEqualTo(limit);
        assertThat(check.exceeded()).isEqualTo(held);
        assertThat(guard.check(0, 0, previous, deletions).held()).isEqualTo(held);
        assertThat(guard.check(previous, deletions, 0, 0).held()).as("departments alike").isEqualTo(held);
    }

    @Test
    void theMessageSaysWhatWhyAndHowToOverride() {
        DeletionGuard.Verdict verdict = guard.check(40, 2, 600, 130);

        assertThat(verdict.held()).isTrue();
        assertThat(verdict.message()).isEqualTo("members: 130 of 600 would be deleted, above the limit of 120 "
                + "(orgsync.deletes.max-percent=20, orgsync.deletes.max-count=500); "
                + "rerun with -Dorgsync.deletes.force=true to apply");
        assertThat(verdict.checks()).extracting(DeletionGuard.KindCheck::kind, DeletionGuard.KindCheck::exceeded)
                .containsExactly(tuple("departments", false),
                        tuple("members", true));
    }

    @Test
    void kindsAreJudgedSeparatelyAndBothReported() {
        // 6 of 10 departments (limit 5) and 130 of 600 members (limit 120) together are 136 of 610,
        // which a combined count would judge against 122; each kind is judged on its own
        DeletionGuard.Verdict verdict = guard.check(10, 6, 600, 130);

        assertThat(verdict.message()).startsWith("departments: 6 of 10 would be deleted, above the limit of 5; "
                + "members: 130 of 600 would be deleted, above the limit of 120 (");
        assertThat(guard.check(10, 5, 600, 120).held()).isFalse();
        assertThat(guard.check(10, 5, 600, 120).message()).isNull();
    }

    @Test
    void settingsChangeTheLimit() {
        DeletionGuard strict = new DeletionGuard(1, 50);

        assertThat(strict.limit(1000)).isEqualTo(10);
        assertThat(strict.limit(100000)).isEqualTo(50);
        assertThat(new DeletionGuard(0, 0).limit(1_000_000)).isEqualTo(5);
        assertThat(new DeletionGuard(100, Long.MAX_VALUE).limit(1_000_000)).isEqualTo(1_000_000);
        assertThat(strict.check(0, 0, 1000, 11).message())
                .contains("(orgsync.deletes.max-percent=1, orgsync.deletes.max-count=50)");
    }

    @Test
    void outOfRangeSettingsNameTheirKey() {
        assertThatThrownBy(() -> new DeletionGuard(101, 500)).hasMessageContaining("orgsync.deletes.max-percent");
        assertThatThrownBy(() -> new DeletionGuard(-1, 500)).hasMessageContaining("orgsync.deletes.max-percent");
        assertThatThrownBy(() -> new DeletionGuard(20, -1)).hasMessageContaining("orgsync.deletes.max-count");
    }

    @Test
    void forceIsTheCallersDecisionNotTheGuards() {
        String before = System.getProperty(DeletionGuard.FORCE_KEY);
        System.setProperty(DeletionGuard.FORCE_KEY, "true");
        try {
            assertThat(guard.check(0, 0, 10, 6).held()).isTrue();
        } finally {
            if (before == null) {
                System.clearProperty(DeletionGuard.FORCE_KEY);
            } else {
                System.setProperty(DeletionGuard.FORCE_KEY, before);
            }
        }
    }

    @Test
    void judgesWhatTheChangeDetectorFound() {
        List<Member> before = IntStream.range(0, 10)
                .mapToObj(i -> member("m" + i, "n" + i)).toList();
        PreviousRun previous = new PreviousRun("r1", List.of(), before);
        List<Change> changes = ChangeDetector.diff(previous, List.of(), before.subList(0, 4));

        DeletionGuard.Verdict verdict = guard.check(previous, ChangeCounts.of(changes));

        assertThat(verdict.held()).isTrue();
        assertThat(verdict.message()).startsWith("members: 6 of 10 would be deleted, above the limit of 5");
    }
}
