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
    private static String combine(List<String> listings) {
        return String.join("+", listings);
    }

    @Test
    void manyRunsAndAnIntermediateMergeGiveEveryIdOnceInOrderCombinedInTheOrderAdded() throws Exception {
        Random random = new Random(7);
        Map<String, String> expected = new TreeMap<>();
        // a tiny buffer: hundreds of runs, so the fan-in limit forces merges before the last one
        SortedRuns runs = new SortedRuns(dir, 2_000, SortedRunsTest::combine);
        for (int i = 0; i < 20_000; i++) {
            String id = "id" + random.nextInt(6_000);
            String record = "r" + i;
            runs.add(id, record);
            expected.merge(id, record, (first, second) -> first + "+" + second);
        }
        assertThat(files()).as("runs written while adding").hasSizeGreaterThan(SortedRuns.MAX_FAN_IN);

        Map<String, String> drained = new LinkedHashMap<>();
        runs.drain(drained::put);

        assertThat(new ArrayList<>(drained.keySet())).isEqualTo(new ArrayList<>(expected.keySet()));
        assertThat(drained).isEqualTo(expected);
        assertThat(runs.added()).isEqualTo(20_000);
        assertThat(files()).as("run files are deleted once read").isEmpty();
    }

    @Test
    void fetchersAddingAtOnceWhileRunsAreWrittenLoseNothingAndKeepEachOnesOrder() throws Exception {
        SortedRuns runs = new SortedRuns(dir, 4_000, SortedRunsTest::combine);
        int threads = 4;
        int perThread = 5_000;
        List<Thread> fetchers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String prefix = "t" + t + "-";
            Thread fetcher = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    runs.add(prefix + (i % 300), Integer.toString(i));
                }
            });
            fetcher.start();
            fetchers.add(fetcher);
        }
        for (Thread fetcher : fetchers) {
            fetcher.join();
        }

        Map<String, String> drained = new LinkedHashMap<>();
        runs.drain(drained::put);

        assertThat(drained).hasSize(threads * 300);
        for (int t = 0; t < threads; t++) {
            for (int k = 0; k < 300; k++) {
                StringBuilder expected = new StringBuilder();
                for (int i = k; i < perThread; i += 300) {
                    expected.append(expected.isEmpty() ? "" : "+").append(i);
                }
                assertThat(drained.get("t" + t + "-" + k)).isEqualTo(expected.toString());
            }
        }
        assertThat(files()).isEmpty();
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
