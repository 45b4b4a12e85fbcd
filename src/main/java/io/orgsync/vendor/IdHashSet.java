package io.orgsync.vendor;

/**
 * A set of vendor ids held as 64-bit hashes in one open-addressing table: 16 to 32 bytes an id
 * (the table doubles when half full), where a {@code HashSet<String>} of 32-character ids takes
 * about 100. For the bookkeeping of a listing that must know which ids it has met (a page that
 * serves no new one, parents named and parents listed) across a million-member directory, which
 * otherwise costs more heap than the records. Two ids of one hash (odds about 10^-7 among two million ids) count as one: the
 * callers' checks may then miss one repeat, never fail a good run. Not thread-safe.
 */
public final class IdHashSet {

    private static final long EMPTY = 0;

    private long[] table = new long[1 << 10];
    private int size;
    /** 0 is the empty slot's mark; an id hashing to 0 is remembered here. */
    private boolean hasZero;

    /** Adds {@code id}; true when it was not in the set. */
    public boolean add(String id) {
        long hash = hash(id);
        if (hash == EMPTY) {
            boolean added = !hasZero;
            hasZero = true;
            return added;
        }
        if ((size + 1) * 2L > table.length) {
            grow();
        }
        boolean added = insert(table, hash);
        if (added) {
            size++;
        }
        return added;
    }

    public boolean contains(String id) {
        long hash = hash(id);
        return hash == EMPTY ? hasZero : containsHash(hash);
    }

    /** How many ids of this set are not in {@code other}. */
    public long countNotIn(IdHashSet other) {
        long count = hasZero && !other.hasZero ? 1 : 0;
        for (long hash : table) {
            if (hash != EMPTY && !other.containsHash(hash)) {
                count++;
            }
        }
        return count;
    }

    public int size() {
        return size + (hasZero ? 1 : 0);
    }

    public void clear() {
        table = new long[1 << 10];
        size = 0;
        hasZero = false;
    }

    private boolean containsHash(long hash) {
        int mask = table.length - 1;
        for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
            if (table[i] == hash) {
                return true;
            }
            if (table[i] == EMPTY) {
                return false;
            }
        }
    }

    private static boolean insert(long[] into, long hash) {
        int mask = into.length - 1;
        for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
            if (into[i] == hash) {
                return false;
            }
            if (into[i] == EMPTY) {
                into[i] = hash;
                return true;
            }
        }
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        for (long hash : old) {
            if (hash != EMPTY) {
                insert(table, hash);
            }
        }
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
