package io.orgsync.sink.jdbc;

import io.orgsync.model.CanonicalJson;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ids and SHA-256 digests of one kind of a tenant's last run, in id order, held in a few
 * arrays: the ids' UTF-8 back to back, where each ends, and the digests back to back. A load
 * holds every previous record's id and digest while the run fetches, so their form is most of
 * a repeat sync's memory: as a {@code String} and a {@code byte[]} each, a school of 1,000,000
 * students (2.6 million records with parents) needed 104 bytes a record, packed about 43.
 */
final class PackedDigests {

    static final int DIGEST_BYTES = 32;

    private final byte[] idBytes;
    private final int[] idEnds;
    private final byte[] digests;
    /** Ids UTF-8 cannot carry (an unpaired surrogate), by index: kept as they are. */
    private final Map<Integer, String> oddIds;

    private PackedDigests(byte[] idBytes, int[] idEnds, byte[] digests, Map<Integer, String> oddIds) {
        this.idBytes = idBytes;
        this.idEnds = idEnds;
        this.digests = digests;
        this.oddIds = oddIds;
    }

    int size() {
        return idEnds.length;
    }

    String id(int index) {
        if (!oddIds.isEmpty()) {
            String odd = oddIds.get(index);
            if (odd != null) {
                return odd;
            }
        }
        int start = index == 0 ? 0 : idEnds[index - 1];
        return new String(idBytes, start, idEnds[index] - start, StandardCharsets.UTF_8);
    }

    boolean digestEquals(int index, byte[] digest) {
        return Arrays.equals(digests, index * DIGEST_BYTES, (index + 1) * DIGEST_BYTES, digest, 0, DIGEST_BYTES);
    }

    private byte[] digest(int index) {
        return Arrays.copyOfRange(digests, index * DIGEST_BYTES, (index + 1) * DIGEST_BYTES);
    }

    /**
     * Takes records in any order; {@link #build} puts them in id order ({@code String.compareTo})
     * when asked to, else keeps the order they came in (departments come in tree order).
     */
    static final class Builder {
        private final boolean byId;
        private byte[] idBytes = new byte[1 << 12];
        private int bytesUsed;
        private int[] idEnds = new int[256];
        private byte[] digests = new byte[256 * DIGEST_BYTES];
        private int count;
        private final Map<Integer, String> oddIds = new HashMap<>();
        private String last;
        private boolean inOrder = true;

        Builder(boolean byId) {
            this.byId = byId;
        }

        void add(String id, byte[] digest) {
            if (digest.length != DIGEST_BYTES) {
                throw new IllegalArgumentException("a SHA-256 digest has " + DIGEST_BYTES + " bytes, not " + digest.length);
            }
            if (last != null && last.compareTo(id) > 0) {
                inOrder = false;
            }
            last = id;
            byte[] utf8;
            if (CanonicalJson.firstUnpairedSurrogate(id) >= 0) {
                oddIds.put(count, id);
                utf8 = new byte[0];
            } else {
                utf8 = id.getBytes(StandardCharsets.UTF_8);
            }
            if (bytesUsed + utf8.length > idBytes.length) {
                idBytes = Arrays.copyOf(idBytes, Math.max(idBytes.length * 2, bytesUsed + utf8.length));
            }
            System.arraycopy(utf8, 0, idBytes, bytesUsed, utf8.length);
            bytesUsed += utf8.length;
            if (count == idEnds.length) {
                idEnds = Arrays.copyOf(idEnds, count * 2);
                digests = Arrays.copyOf(digests, count * 2 * DIGEST_BYTES);
            }
            idEnds[count] = bytesUsed;
            System.arraycopy(digest, 0, digests, count * DIGEST_BYTES, DIGEST_BYTES);
            count++;
        }

        PackedDigests build() {
            PackedDigests packed = new PackedDigests(Arrays.copyOf(idBytes, bytesUsed), Arrays.copyOf(idEnds, count),
                    Arrays.copyOf(digests, count * DIGEST_BYTES), oddIds.isEmpty() ? Map.of() : Map.copyOf(oddIds));
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
            Builder sorted = new Builder(true);
            for (int i : order) {
                sorted.add(ids[i], packed.digest(i));
            }
            return sorted.build();
        }
    }
}
