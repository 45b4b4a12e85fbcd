package io.orgsync.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SortedRunsTest {

    @TempDir
    Path dir;

    /** Combining is order-sensitive on purpose: the result shows the order records were combined in. */
    private static byte[] combine(List<byte[]> listings) {
        return utf8(String.join("+", listings.stream().map(SortedRunsTest::text).toList()));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static BiConsumer<String, byte[]> into(Map<String, String> drained) {
        return (id, record) -> drained.put(id, text(record));
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
            runs.add(id, utf8(record));
            expected.merge(id, record, (first, second) -> first + "+" + second);
        }
        assertThat(files()).as("runs written while adding").hasSizeGreaterThan(SortedRuns.MAX_FAN_IN);

        Map<String, String> drained = new LinkedHashMap<>();
        runs.drain(into(drained));

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
                    runs.add(prefix + (i % 300), utf8(Integer.toString(i)));
                }
            });
            fetcher.start();
            fetchers.add(fetcher);
        }
        for (Thread fetcher : fetchers) {
            fetcher.join();
        }

        Map<String, String> drained = new LinkedHashMap<>();
        runs.drain(into(drained));

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
    void idsThatStandardUtf8WouldDamageAndLongOrEmptyRecordsSurviveARunFile() throws Exception {
        String loneSurrogate = "\ud800 张三";
        String longId = "\ud83d".repeat(3) + "长".repeat(40_000) + "\ud800";
        byte[] longRecord = utf8("长".repeat(70_000) + "x");
        byte[] empty = new byte[0];
        byte[] notUtf8 = {(byte) 0xed, (byte) 0xa0, (byte) 0x80, 0, (byte) 0xff};
        SortedRuns runs = new SortedRuns(dir, 1, SortedRunsTest::combine); // every add is a run of its own
        runs.add("b", longRecord);
        runs.add(loneSurrogate, notUtf8);
        runs.add("c", empty);
        runs.add(longId, utf8("d"));

        Map<String, byte[]> drained = new LinkedHashMap<>();
        runs.drain(drained::put);

        assertThat(drained.keySet()).as("in Java string order").containsExactly("b", "c", loneSurrogate, longId);
        assertThat(drained.get(loneSurrogate)).as("records are bytes, kept as they are").isEqualTo(notUtf8);
        assertThat(drained.get("b")).isEqualTo(longRecord);
        assertThat(drained.get("c")).isEmpty();
        assertThat(drained.get(longId)).isEqualTo(utf8("d"));
    }

    @Test
    void nothingMayBeAddedOnceDrainedAndClosingDeletesTheRuns() throws Exception {
        SortedRuns runs = new SortedRuns(dir, 1, SortedRunsTest::combine);
        runs.add("a", utf8("1"));
        runs.add("b", utf8("2"));
        assertThat(files()).hasSize(2);

        runs.close();

        assertThat(files()).isEmpty();
        assertThatThrownBy(() -> runs.add("c", utf8("3"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'c'");
    }

    @Test
    void theCountOfRecordsAddedCanBeReadWhileTheRunsAreMerged() throws Exception {
        SortedRuns runs = new SortedRuns(dir, 1, SortedRunsTest::combine);
        runs.add("a", utf8("1"));
        runs.add("b", utf8("2"));
        CountDownLatch merging = new CountDownLatch(1);
        CountDownLatch progressRead = new CountDownLatch(1);
        // the merge stays in its first record until the count has been read: were the count to wait
        // for the merge, it would never come (the minute below only bounds a failing test)
        Thread drainer = new Thread(() -> runs.drain((id, record) -> {
            merging.countDown();
            try {
                progressRead.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        drainer.start();
        assertThat(merging.await(60, TimeUnit.SECONDS)).isTrue();

        // the run's progress line reads this every few seconds; a million-member merge takes tens of them
        CompletableFuture<Long> added = CompletableFuture.supplyAsync(runs::added);

        try {
            assertThat(added.get(60, TimeUnit.SECONDS)).isEqualTo(2);
        } finally {
            progressRead.countDown();
        }
        drainer.join(60_000);
        assertThat(drainer.isAlive()).isFalse();
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }
}
