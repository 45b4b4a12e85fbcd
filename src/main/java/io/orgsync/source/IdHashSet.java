package io.orgsync.source;

/**
 * A set of vendor ids held as 64-bit hashes, each with one bit to mark it: 11 to 21 bytes an id
 * (a table grows when three quarters full), where a {@code HashSet<String>} of 32-character ids
 * takes about 100. For the bookkeeping of a listing that must know which ids it has met (a page
 * that serves no new one; parents named, marked once listed) across a million-member directory,
 * which otherwise costs more heap than the records.
 *
 * <p>The hashes are spread over {@value #SEGMENTS} open-addressing tables by their top bits, each
 * grown on its own: one table of 1.6 million parents is a 32 MiB array, which G1 must place in
 * contiguous free regions while the 16 MiB one it replaces is still live, and whose growth from
 * half full wastes half of it. These tables are about 64 KiB each at five million ids.
 *
 * <p>Two ids of one hash (63 bits are compared; odds about 10^-7 among two million ids) count as
 * one: the callers' checks may then miss one repeat, never fail a good run. Not thread-safe.
 */
public final class IdHashSet {

    private static final int SEGMENT_BITS = 10;
    static final int SEGMENTS = 1 << SEGMENT_BITS;
    private static final int FIRST_SLOTS = 8;
    private static final long EMPTY = 0;
    private static final long MARK = 1;

    private long[][] segments = new long[SEGMENTS][];
    private int[] filled = new int[SEGMENTS];
    private int size;

    /** Adds {@code id}, unmarked; true when it was not in the set. */
    public boolean add(String id) {
        long key = key(id);
        int segment = segment(key);
        long[] table = segments[segment];
        if (table == null) {
            table = segments[segment] = new long[FIRST_SLOTS];
        } else if ((filled[segment] + 1) * 4L > table.length * 3L) {
            table = segments[segment] = grown(table);
        }
        int mask = table.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            if ((table[i] & ~MARK) == key) {
                return false;
            }
            if (table[i] == EMPTY) {
                table[i] = key;
                filled[segment]++;
                size++;
                return true;
            }
        }
    }

    public boolean contains(String id) {
        return find(key(id)) >= 0;
    }

    /** Marks {@code id} if it is in the set; true when it is and was not marked before. */
    public boolean mark(String id) {
        long key = key(id);
        int at = find(key);
        if (at < 0) {
            return false;
        }
        long[] table = segments[segment(key)];
        boolean unmarked = (table[at] & MARK) == 0;
        table[at] |= MARK;
        return unmarked;
    }

    public boolean isMarked(String id) {
        long key = key(id);
        int at = find(key);
        return at >= 0 && (segments[segment(key)][at] & MARK) != 0;
    }

    /** How many ids of the set are not marked. */
    public long countUnmarked() {
        long count = 0;
        for (long[] table : segments) {
            if (table != null) {
                for (long entry : table) {
                    if (entry != EMPTY && (entry & MARK) == 0) {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    public int size() {
        return size;
    }

    public void clear() {
        segments = new long[SEGMENTS][];
        filled = new int[SEGMENTS];
        size = 0;
    }

    /** Where {@code key} is in its segment's table, or -1. */
    private int find(long key) {
        long[] table = segments[segment(key)];
        if (table == null) {
            return -1;
        }
        int mask = table.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            if ((table[i] & ~MARK) == key) {
                return i;
            }
            if (table[i] == EMPTY) {
                return -1;
            }
        }
    }

    private static long[] grown(long[] old) {
        long[] table = new long[old.length * 2];
        int mask = table.length - 1;
        for (long entry : old) {
            if (entry != EMPTY) {
                int i = slot(entry & ~MARK, mask);
                while (table[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                table[i] = entry;
            }
        }
        return table;
    }

    /** The id's hash without its lowest bit, which holds the mark; never 0, the empty slot. */
    private static long key(String id) {
        long key = hash(id) & ~MARK;
        return key == EMPTY ? 2 : key;
    }

    private static int segment(long key) {
        return (int) (key >>> (Long.SIZE - SEGMENT_BITS));
    }

    /** From the bits below the segment's, above the mark. */
    private static int slot(long key, int mask) {
        return (int) (key >>> 1) & mask;
    }

    /** FNV-1a over the id's chars, then MurmurHash3's 64-bit finaliser to spread the bits. */
    static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }
}
