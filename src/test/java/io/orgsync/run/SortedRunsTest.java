package io.orgsync.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SortedRunsTest {

    @TempDir
    Path dir;

    /** Combining is order-sensitive on purpose: the result shows the order records were combined in. */
    private static String combine(String first, String second) {
        return first + "+" + second;
    }

    @Test
    void manyRunsAndAnIntermediateMergeGiveEveryIdOnceInOrderCombinedInTheOrderAdded() throws Exception {
        Random random = new Random(7);
        Map<String, String> expected = new TreeMap<>();
        // a tiny buffer: hundreds of runs, so the fan-in limit forces intermediate merges
        SortedRuns runs = new SortedRuns(dir, 2_000, SortedRunsTest::combine);
        for (int i = 0; i < 20_000; i++) {
            String id = "id" + random.nextInt(6_000);
            String record = "r" + i;
            runs.add(id, record);
            expected.merge(id, record, SortedRunsTest::combine);
        }
        assertThat(files()).as("runs written while adding").isNotEmpty();

        Map<String, String> drained = new LinkedHashMap<>();
        runs.drain(drained::put);

        assertThat(new ArrayList<>(drained.keySet())).isEqualTo(new ArrayList<>(expected.keySet()));
        assertThat(drained).isEqualTo(expected);
        assertThat(runs.added()).isEqualTo(20_000);
        assertThat(files()).as("run files are deleted once read").isEmpty();
    }

    @Test
    void textThatStandardUtf8WouldDamageAndLongRecordsSurviveARunFile() throws Exception {
        String loneSurrogate = "{\"name\":\"\ud800 张三\"}";
        String longRecord = "长".repeat(70_000) + "x";
        String longWithSurrogate = "\ud83d".repeat(3) + "长".repeat(40_000) + "\ud800";
        String empty = "";
        SortedRuns runs = new SortedRuns(dir, 1, SortedRunsTest::combine); // every add is a run of its own
        runs.add("b", longRecord);
        runs.add("a", loneSurrogate);
        runs.add("c", empty);
        runs.add("d", longWithSurrogate);

        Map<String, String> drained = new LinkedHashMap<>();
        runs.drain(drained::put);

        assertThat(drained).containsExactly(Map.entry("a", loneSurrogate), Map.entry("b", longRecord),
                Map.entry("c", empty), Map.entry("d", longWithSurrogate));
    }

    @Test
    void nothingMayBeAddedOnceDrainedAndClosingDeletesTheRuns() throws Exception {
        SortedRuns runs = new SortedRuns(dir, 1, SortedRunsTest::combine);
        runs.add("a", "1");
        runs.add("b", "2");
        assertThat(files()).hasSize(2);

        runs.close();

        assertThat(files()).isEmpty();
        assertThatThrownBy(() -> runs.add("c", "3")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'c'");
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }
}
