package io.orgsync.simulator;

/**
 * Deterministic hashing: every generated attribute is a pure function of (seed, kind, index), so
 * nothing per person has to be stored and the same seed always yields the same organisation.
 */
final class Mix {

    // kinds of generated values; ids of one kind never collide with another's
    static final int SCHOOL_ORG = 1;
    static final int STUDENT = 2;
    static final int PARENT = 3;
    static final int TEACHER = 4;
    static final int FEISHU_DEPT = 5;
    static final int OPEN_ID = 6;
    static final int UNION_ID = 7;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Mix() {
    }

    /** SplitMix64 finaliser: a bijection on 64 bits with good avalanche. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static long hash(long seed, long kind, long index) {
        return mix(mix(seed + 0x9E3779B97F4A7C15L * (kind + 1)) ^ (index * 0xD1B54A32D192ED03L + 0x632BE59BD9B4E019L));
    }

    /** A value in [0, bound), fixed for (seed, kind, index). */
    static int pick(long seed, long kind, long index, int bound) {
        return (int) Long.remainderUnsigned(hash(seed, kind, index), bound);
    }

    /**
     * A 32-char lower-case hex id that looks random but can be decoded back to (kind, index):
     * the simulator then needs no reverse index over a million ids to resolve one from a request.
     */
    static String hex32(long seed, int kind, long index) {
        long hi = hash(seed, kind, index);
        long lo = (((long) kind << 48) | index) ^ mix(hi ^ seed);
        char[] out = new char[32];
        writeHex(hi, out, 0);
        writeHex(lo, out, 16);
        return new String(out);
    }

    /** Index encoded in a {@link #hex32} id of the given kind, or -1 if the id is not one of ours. */
    static long decodeHex32(long seed, int kind, String id) {
        if (id == null || id.length() != 32) {
            return -1;
        }
        long hi;
        long lo;
        try {
            hi = Long.parseUnsignedLong(id.substring(0, 16), 16);
            lo = Long.parseUnsignedLong(id.substring(16), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
        long v = lo ^ mix(hi ^ seed);
        if ((v >>> 48) != kind) {
            return -1;
        }
        long index = v & 0xFFFF_FFFF_FFFFL;
        return hash(seed, kind, index) == hi && id.equals(hex32(seed, kind, index)) ? index : -1;
    }

    static String hex16(long v) {
        char[] out = new char[16];
        writeHex(v, out, 0);
        return new String(out);
    }

    private static void writeHex(long v, char[] out, int at) {
        for (int i = 15; i >= 0; i--) {
            out[at + i] = HEX[(int) (v & 0xF)];
            v >>>= 4;
        }
    }

    /** Zero-padded decimal without String.format, which is slow on hot paths. */
    static String pad(long value, int width) {
        String s = Long.toString(value);
        if (s.length() >= width) {
            return s;
        }
        return "0".repeat(width - s.length()) + s;
    }
}
