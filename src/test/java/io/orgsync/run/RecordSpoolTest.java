package io.orgsync.run;

import io.orgsync.model.Member;
import io.orgsync.model.Role;
import io.orgsync.model.Status;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class RecordSpoolTest {

    private static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));

    @Test
    void aSpoolLeftByAKilledProcessIsDeletedAndOneInUseIsNot() throws Exception {
        Path leftover = Files.createTempFile("orgsync-spool-", ".mv.db");
        Files.writeString(leftover, "pages of a run whose process was killed");
        try (Snapshot running = new Snapshot()) {
            running.addMember(new Member("s", "t", "a", "甲", Role.EMPLOYEE, List.of(), null, null, Status.ACTIVE,
                    List.of(), null));
            Path inUse = spools().stream().filter(p -> !p.equals(leftover)).findFirst().orElseThrow();

            RecordSpool.removeLeftovers();

            assertThat(leftover).doesNotExist();
            assertThat(inUse).exists();
            assertThat(running.members()).extracting(Member::id).containsExactly("a");
        }
    }

    @Test
    void aSpoolDirectoryLeftByAKilledProcessIsDeletedWithItsSortedRuns() throws Exception {
        Path leftover = Files.createTempDirectory("orgsync-spool-");
        Files.writeString(leftover.resolve("records.mv.db"), "pages of a run whose process was killed");
        Files.writeString(leftover.resolve("sorted-0.run"), "a sorted run");

        RecordSpool.removeLeftovers();

        assertThat(leftover).doesNotExist();
    }

    @Test
    void aRunsSpoolIsGoneWhenTheRunEnds() throws Exception {
        List<Path> before = spools();
        Snapshot snapshot = new Snapshot();
        snapshot.addMember(new Member("s", "t", "a", "甲", Role.EMPLOYEE, List.of(), null, null, Status.ACTIVE,
                List.of(), null));
        assertThat(spools()).hasSize(before.size() + 1);
        snapshot.close();
        assertThat(spools()).containsExactlyInAnyOrderElementsOf(before);
    }

    private static List<Path> spools() throws Exception {
        try (Stream<Path> files = Files.list(TMP)) {
            return files.filter(p -> p.getFileName().toString().startsWith("orgsync-spool-")).toList();
        }
    }
}
