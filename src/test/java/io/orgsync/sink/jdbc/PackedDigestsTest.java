package io.orgsync.sink.jdbc;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The last run's ids and digests, packed: every id comes back exactly, in the order asked for. */
class PackedDigestsTest {

    private static final List<String> IDS = List.of("zhangsan", "李四", "p1", "s10", "s9", "\uD83D\uDE00emoji",
            "broken\uD800", "", "ZhangSan", "x".repeat(300));

    @Test
    void idsComeBackExactlyInIdOrderWithTheirDigests() throws Exception {
        PackedDigests.Builder builder = new PackedDigests.Builder(true);
        for (String id : IDS) {
            builder.add(id, digest(id));
        }

        PackedDigests packed = builder.build();

        assertHolds(packed, IDS.stream().sorted().toList());
    }

    @Test
    void departmentsKeepTheOrderTheyCameIn() throws Exception {
        PackedDigests.Builder builder = new PackedDigests.Builder(false);
        List<String> treeOrder = List.of("1", "20", "3", "broken\uD800", "200");
        for (String id : treeOrder) {
            builder.add(id, digest(id));
        }

        PackedDigests packed = builder.build();

        assertThat(IntStream.range(0, packed.size()).mapToObj(packed::id).toList()).isEqualTo(treeOrder);
        assertThat(packed.digestEquals(3, digest("broken\uD800"))).isTrue();
    }

    @Test
    void manyIdsGrowTheArrays() throws Exception {
        PackedDigests.Builder builder = new PackedDigests.Builder(true);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(String.format("u%05d", i));
            builder.add(ids.get(i), digest(ids.get(i)));
        }

        PackedDigests packed = builder.build();

        assertThat(packed.size()).isEqualTo(10_000);
        assertThat(packed.id(9_999)).isEqualTo("u09999");
        assertThat(packed.digestEquals(5_000, digest("u05000"))).isTrue();
    }

    @Test
    void idsAndDigestsCrossTheirBlocksIntact() throws Exception {
        // 7 records and 16 bytes of ids a block: ids straddle, fill and overflow blocks
        PackedDigests.Builder builder = new PackedDigests.Builder(true, 7, 16);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String id = i % 50 == 0 ? "long-" + "x".repeat(40) + i : i % 13 == 0 ? "odd\uDC00" + i : "名" + i;
            ids.add(id);
        }
        List<String> shuffled = new ArrayList<>(ids);
        java.util.Collections.shuffle(shuffled, new java.util.Random(7));
        for (String id : shuffled) {
            builder.add(id, digest(id));
        }

        PackedDigests packed = builder.build();

        assertHolds(packed, ids.stream().sorted().toList());
    }

    @Test
    void hexIdsAreKeptAsBytesAndComeBackAsTheyWere() throws Exception {
        List<String> ids = List.of("5da8062971668571af1d1be87b4affcf", "00ff", "0", "abc", "ABCD", "00Ff", "0g",
                "ff", "a1b2c3d4", "ou_3a1b2c3d4e5f", "7" + "0".repeat(299));
        for (String id : ids) {
            assertThat(PackedDigests.isPackableHex(id)).as(id).isEqualTo(id.matches("([0-9a-f]{2})+"));
        }
        // small blocks, so that packed and unpacked ids meet within a block and across blocks
        PackedDigests.Builder builder = new PackedDigests.Builder(true, 3, 20);
        for (String id : ids) {
            builder.add(id, digest(id));
        }

        assertHolds(builder.build(), ids.stream().sorted().toList());
    }

    @Test
    void aDigestOfAnotherLengthIsRefused() {
        assertThatThrownBy(() -> new PackedDigests.Builder(true).add("a", new byte[20]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** {@code packed} lists exactly {@code expected}, each with its own digest and no other. */
    private static void assertHolds(PackedDigests packed, List<String> expected) throws Exception {
        assertThat(IntStream.range(0, packed.size()).mapToObj(packed::id).toList()).isEqualTo(expected);
        for (int i = 0; i < packed.size(); i++) {
            assertThat(packed.digestEquals(i, digest(expected.get(i)))).as(expected.get(i)).isTrue();
            assertThat(packed.digestEquals(i, digest(expected.get(i) + "changed"))).isFalse();
        }
    }

    private static byte[] digest(String text) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_16BE));
    }
}
