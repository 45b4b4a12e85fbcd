package io.orgsync.run;

import java.util.ArrayList;
import java.util.List;

/**
 * The deletion guard (docs/guarantees.md). A vendor answering with a fraction of the directory
 * (a narrowed app scope, a half-empty page) looks exactly like mass deletions; holding such a run
 * protects every sink downstream. Per kind, with {@code p} the previous run's count of that kind,
 * a run is held when its deletions exceed
 * {@code max(5, min(p × maxPercent / 100, maxCount))}.
 *
 * <p>Pure: it judges figures; whether {@code orgsync.deletes.force} overrides a hold is the
 * caller's decision, so that the verdict (and its message) is the same with or without force.
 *
 * <p>Rounding: {@code p × maxPercent / 100} is compared as a real number ({@code deletions × 100 >
 * p × maxPercent}, exact in integers). For a whole number of deletions {@code d} that is the same
 * verdict as comparing with the fraction rounded down, since {@code d > x ⇔ d > ⌊x⌋} for integer
 * {@code d}; so the limit is reported rounded down ({@code p = 601}: 120.2 → "limit of 120", and
 * 121 deletions are held). Rounding up would have let 121 of 601 through, above the configured 20%.
 */
public final class DeletionGuard {

    public static final String MAX_PERCENT_KEY = "orgsync.deletes.max-percent";
    public static final String MAX_COUNT_KEY = "orgsync.deletes.max-count";
    public static final String FORCE_KEY = "orgsync.deletes.force";
    public static final int DEFAULT_MAX_PERCENT = 20;
    public static final long DEFAULT_MAX_COUNT = 500;
    /** So few deletions are never held, or a ten-person team could not lose two people. */
    public static final long ALWAYS_ALLOWED = 5;

    private final int maxPercent;
    private final long maxCount;

    public DeletionGuard() {
        this(DEFAULT_MAX_PERCENT, DEFAULT_MAX_COUNT);
    }

    /**
     * @throws IllegalArgumentException naming the key when a setting is out of range
     */
    public DeletionGuard(int maxPercent, long maxCount) {
        if (maxPercent < 0 || maxPercent > 100) {
            throw new IllegalArgumentException(MAX_PERCENT_KEY + " must be between 0 and 100, was " + maxPercent);
        }
        if (maxCount < 0) {
            throw new IllegalArgumentException(MAX_COUNT_KEY + " must not be negative, was " + maxCount);
        }
        this.maxPercent = maxPercent;
        this.maxCount = maxCount;
    }

    public int maxPercent() {
        return maxPercent;
    }

    public long maxCount() {
        return maxCount;
    }

    /** The most deletions of one kind that pass, given {@code previous} records of that kind. */
    public long limit(long previous) {
        if (previous < 0) {
            throw new IllegalArgumentException("previous count must not be negative, was " + previous);
        }
        long byPercent = Math.multiplyExact(previous, (long) maxPercent) / 100; // rounded down, see class comment
        return Math.max(ALWAYS_ALLOWED, Math.min(byPercent, maxCount));
    }

    /** One kind: {@code kind} is {@code departments} or {@code members}, as it reads in the message. */
    public KindCheck check(String kind, long previous, long deletions) {
        if (deletions < 0) {
            throw new IllegalArgumentException("deletions must not be negative, was " + deletions);
        }
        long limit = limit(previous);
        return new KindCheck(kind, previous, deletions, limit, deletions > limit);
    }

    public Verdict check(long previousDepartments, long deletedDepartments, long previousMembers,
                         long deletedMembers) {
        List<KindCheck> checks = List.of(
                check("departments", previousDepartments, deletedDepartments),
                check("members", previousMembers, deletedMembers));
        List<String> exceeded = new ArrayList<>();
        for (KindCheck c : checks) {
            if (c.exceeded()) {
                exceeded.add(c.kind() + ": " + c.deletions() + " of " + c.previous()
                        + " would be deleted, above the limit of " + c.limit());
            }
        }
        if (exceeded.isEmpty()) {
            return new Verdict(false, null, checks);
        }
        String message = String.join("; ", exceeded) + " (" + MAX_PERCENT_KEY + "=" + maxPercent + ", "
                + MAX_COUNT_KEY + "=" + maxCount + "); rerun with -D" + FORCE_KEY + "=true to apply";
        return new Verdict(true, message, checks);
    }

    /** The usual call: the previous snapshot and the changes {@link ChangeDetector} derived from it. */
    public Verdict check(PreviousRun previous, ChangeCounts counts) {
        return check(previous.departments().size(), counts.deletedDepartments(), previous.members().size(),
                counts.deletedMembers());
    }

    /** The figures behind the verdict for one kind. */
    public record KindCheck(String kind, long previous, long deletions, long limit, boolean exceeded) {
    }

    /**
     * @param held    whether the run must be held
     * @param message why, for the log and the {@code orgsync_run.error} column; {@code null} when
     *                not held
     * @param checks  the departments check, then the members check
     */
    public record Verdict(boolean held, String message, List<KindCheck> checks) {

        public Verdict {
            checks = List.copyOf(checks);
        }
    }
}
