package io.orgsync.sink.jdbc;

import io.orgsync.model.CanonicalJson;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The ids and content digests of one kind of a tenant's last run, held in blocks of a few
 * arrays: the ids' UTF-8 back to back, where each ends, and the digests back to back. A load
 * holds every previous record's id and digest while the run fetches, so their form is most of
 * a repeat sync's memory. As a {@code String} and a {@code byte[]} each, a school of 1,000,000
 * students (2.6 million records with parents) took 104 bytes a record; here about 31. Blocks of
 * fixed size, never one array grown by copying: growing a 2.6-million-digest array needed three
 * times its size at once, and failed that sync at {@code -Xmx256m}.
 *
 * <p>A digest is the first 16 bytes of the record's SHA-256: equal prefixes of two different
 * texts have odds of 2^-128, as good as the whole for telling a changed record.
 */
final class PackedDigests {

    /** The bytes of a digest kept. */
    static final int DIGEST_BYTES = 16;
    private static final int SHA_256_BYTES = 32;

    /**
     * Set in an id's end when it is kept as the bytes its hex digits spell: Wuhan's ids are 32
     * lowercase hex digits, 84 MB of UTF-8 for a million students' 2.6 million records, half that so.
     */
    private static final long HEX = 1L << 62;
    private static final HexFormat LOWER_HEX = HexFormat.of();

    private final int perBlock;
    private final List<byte[]> idBlocks;
    /**
     * Per record: its block of {@code idBlocks} and where its id ends there, as block * 2^32 + end,
     * plus {@link #HEX} when the id is hex packed.
     */
    private final List<long[]> idEnds;
    private final List<byte[]> digests;
    /** Ids UTF-8 cannot carry (an unpaired surrogate), by index: kept as they are. */
    private final Map<Integer, String> oddIds;
    private final int size;

    private PackedDigests(Builder built) {
        this.perBlock = built.perBlock;
        this.idBlocks = built.idBlocks;
        this.idEnds = built.idEnds;
        this.digests = built.digests;
        this.oddIds = built.oddIds.isEmpty() ? Map.of() : Map.copyOf(built.oddIds);
        this.size = built.count;
    }

    int size() {
        return size;
    }

    String id(int index) {
        if (!oddIds.isEmpty()) {
            String odd = oddIds.get(index);
            if (odd != null) {
                return odd;
            }
        }
        long end = idEnds.get(index / perBlock)[index % perBlock];
        int block = block(end);
        int to = (int) end;
        int from = 0;
        if (index > 0) {
            long before = idEnds.get((index - 1) / perBlock)[(index - 1) % perBlock];
            from = block(before) == block ? (int) before : 0;
        }
        byte[] bytes = idBlocks.get(block);
        return (end & HEX) != 0 ? LOWER_HEX.formatHex(bytes, from, to) : new String(bytes, from, to - from,
                StandardCharsets.UTF_8);
    }

    private static int block(long end) {
        return (int) ((end & ~HEX) >>> 32);
    }

    /** Whether {@code id} is lowercase hex digits, two or more and in pairs, which bytes carry exactly. */
    static boolean isPackableHex(String id) {
        if (id.length() < 2 || id.length() % 2 != 0) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** Whether the record at {@code index} has this SHA-256 (of which the first 16 bytes are kept). */
    boolean digestEquals(int index, byte[] sha256) {
        int at = (index % perBlock) * DIGEST_BYTES;
        return Arrays.equals(digests.get(index / perBlock), at, at + DIGEST_BYTES, sha256, 0, DIGEST_BYTES);
    }

    private byte[] digest(int index) {
        int at = (index % perBlock) * DIGEST_BYTES;
        return Arrays.copyOfRange(digests.get(index / perBlock), at, at + DIGEST_BYTES);
    }

    /**
     * Takes records in any order; {@link #build} puts them in id order ({@code String.compareTo})
     * when asked to, else keeps the order they came in (departments come in tree order).
     */
    static final class Builder {
        /*
         * Blocks of at most 128 KiB. G1 gives an array of half a region or more whole regions of its
         * own (512 KiB with its smallest regions, 1 MiB, which it picks for heaps up to about 2 GiB):
         * the blocks of 1 MiB ids and 512 KiB digests first used here took two regions and one each,
         * 140 MB of a 256 MB heap for the 82 MB a million-student school's digests hold.
         */
        private static final int RECORDS_PER_BLOCK = 8_192;
        private static final int ID_BLOCK_BYTES = 128 * 1024;

        private final boolean byId;
        private final int perBlock;
        private final int idBlockBytes;
        private final List<byte[]> idBlocks = new ArrayList<>();
        private final List<long[]> idEnds = new ArrayList<>();
        private final List<byte[]> digests = new ArrayList<>();
        private final Map<Integer, String> oddIds = new HashMap<>();
        private int bytesUsed;
        private int count;
        private String last;
        private boolean inOrder = true;

        Builder(boolean byId) {
            this(byId, RECORDS_PER_BLOCK, ID_BLOCK_BYTES);
        }

        /** Smaller blocks, for tests that cross their edges. */
        Builder(boolean byId, int perBlock, int idBlockBytes) {
            this.byId = byId;
            this.perBlock = perBlock;
            this.idBlockBytes = idBlockBytes;
        }

        void add(String id, byte[] sha256) {
            if (sha256.length != SHA_256_BYTES) {
                throw new IllegalArgumentException("a SHA-256 digest has " + SHA_256_BYTES + " bytes, not " + sha256.length);
            }
            addKept(id, sha256);
        }

        /** {@code digest} starts with the {@link #DIGEST_BYTES} kept. */
        private void addKept(String id, byte[] digest) {
            if (last != null && last.compareTo(id) > 0) {
                inOrder = false;
            }
            last = id;
            byte[] utf8;
            long hex = 0;
            if (isPackableHex(id)) {
                utf8 = LOWER_HEX.parseHex(id);
                hex = HEX;
            } else if (CanonicalJson.firstUnpairedSurrogate(id) >= 0) {
                oddIds.put(count, id);
                utf8 = new byte[0];
            } else {
                utf8 = id.getBytes(StandardCharsets.UTF_8);
            }
            if (idBlocks.isEmpty() || bytesUsed + utf8.length > idBlocks.get(idBlocks.size() - 1).length) {
                idBlocks.add(new byte[Math.max(idBlockBytes, utf8.length)]);
                bytesUsed = 0;
            }
            System.arraycopy(utf8, 0, idBlocks.get(idBlocks.size() - 1), bytesUsed, utf8.length);
            bytesUsed += utf8.length;
            if (count % perBlock == 0) {
                idEnds.add(new long[perBlock]);
                digests.add(new byte[perBlock * DIGEST_BYTES]);
            }
            idEnds.get(count / perBlock)[count % perBlock] = ((long) (idBlocks.size() - 1) << 32) | bytesUsed | hex;
            System.arraycopy(digest, 0, digests.get(count / perBlock), (count % perBlock) * DIGEST_BYTES, DIGEST_BYTES);
            count++;
        }

        PackedDigests build() {
            PackedDigests packed = new PackedDigests(this);
            if (inOrder || !byId) {
                return packed;
            }
            // the tables list rows in the database's order: sort once, as the records, then pack again
            List<Integer> order = new ArrayList<>(count);
            String[] ids = new String[count];
            for (int i = 0; i < count; i++) {
                order.add(i);
                ids[i] = packed.id(i);
            }
            order.sort(Comparator.comparing(i -> ids[i]));
            Builder sorted = new Builder(true, perBlock, idBlockBytes);
            for (int i : order) {
                sorted.addKept(ids[i], packed.digest(i));
            }
            return sorted.build();
        }
    }
}
