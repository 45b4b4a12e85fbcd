package io.orgsync.run;

import io.orgsync.model.Member;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One run of one source for one tenant, from its first request to its manifest. Lives in the
 * exchange property {@value #PROPERTY}, so split and loop sub-exchanges share it.
 */
public final class RunContext {

    public static final String PROPERTY = "orgsyncRun";

    /** The run a bean step bound from {@value #PROPERTY}; a step before {@code runs.begin} is a route error. */
    public static RunContext required(RunContext run) {
        if (run == null) {
            throw new IllegalStateException("no run on this exchange: the route must call runs.begin first");
        }
        return run;
    }

    private static final DateTimeFormatter RUN_ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final int MAX_WARNINGS = 1000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.orgsync.run");

    private final String runId;
    private final String source;
    private final String tenant;
    private final Instant startedAt;
    private final Snapshot snapshot = new Snapshot();
    private final AtomicLong apiCalls = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong tokensRejected = new AtomicLong();
    private final Unread unread = new Unread();
    private final AtomicLong moreWarnings = new AtomicLong();
    private final AtomicLong earlierDelivered = new AtomicLong();
    /** In the order they arose; a set, so parallel fetches reporting the same thing report it once. */
    private final Set<String> warnings = Collections.synchronizedSet(new LinkedHashSet<>());
    private volatile String rootDepartmentId;
    /** The previous run's state, read while this one fetches; null where nobody started reading it. */
    private volatile Future<PreviousRun> previous;
    private Manifest failure;
    /** Members written to the state store while fetching; null unless this is a first run that can. */
    private volatile FirstLoad firstLoad;

    public RunContext(String source, String tenant, Instant startedAt) {
        this(newRunId(startedAt), source, tenant, startedAt);
    }

    /** A run taken over from elsewhere (a source Kamelet's message) keeps its id. */
    public RunContext(String runId, String source, String tenant, Instant startedAt) {
        this.runId = runId;
        this.source = source;
        this.tenant = tenant;
        this.startedAt = startedAt;
    }

    void readPreviousMeanwhile(Future<PreviousRun> reading) {
        previous = reading;
    }

    /**
     * From now on the members of every sorted run the snapshot writes while fetching also go to
     * {@code load}, as {@code publish} turns them.
     */
    void loadWhileFetching(FirstLoad load, UnaryOperator<Member> publish) {
        firstLoad = load;
        snapshot.alsoTell((ids, lines) -> load.addRun(ids, lines, line -> publish.apply(SpooledRecords.decode(line))));
    }

    /** Ends the run's snapshot, and its first load unless staging took that over. */
    void release() {
        snapshot.close();
        FirstLoad load = firstLoad;
        if (load != null) {
            load.close();
        }
    }

    /** What {@link #readPreviousMeanwhile} was given, or null. */
    Future<PreviousRun> previousBeingRead() {
        return previous;
    }

    private static String newRunId(Instant startedAt) {
        // sortable by start time, unique across replicas starting in the same millisecond
        byte[] suffix = new byte[3];
        RANDOM.nextBytes(suffix);
        return RUN_ID_TIME.format(startedAt).replace(".", "") + "-" + HexFormat.of().formatHex(suffix);
    }

    /** The requests a run taken over had already made before it got here. */
    public void countEarlier(long calls, long retried) {
        apiCalls.addAndGet(calls);
        retries.addAndGet(retried);
    }

    public String runId() {
        return runId;
    }

    public String source() {
        return source;
    }

    public String tenant() {
        return tenant;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /** The id the department tree hangs from, set by the source once it has seen the tree. */
    public String rootDepartmentId() {
        return rootDepartmentId;
    }

    public void setRootDepartmentId(String rootDepartmentId) {
        this.rootDepartmentId = rootDepartmentId;
    }

    /**
     * Records the run's failure, the first one only: parallel fetchers that fail together each
     * reach the error policy, and the run must still fail once. Answers the failure that counts.
     */
    public synchronized Manifest recordFailure(Supplier<Manifest> failure) {
        if (this.failure == null) {
            this.failure = failure.get();
        }
        return this.failure;
    }

    public synchronized boolean failed() {
        return failure != null;
    }

    /** What the vendor refused to show this run; what was published there before is carried forward. */
    public Unread unread() {
        return unread;
    }

    /**
     * Something the run skipped or doubted without failing, for the manifest's {@code warnings};
     * logged once, now. At most {@value #MAX_WARNINGS} are kept, then one line counts the rest:
     * a vendor refusing every department must not turn the manifest into megabytes.
     */
    public void warn(String warning) {
        synchronized (warnings) {
            if (warnings.contains(warning)) {
                return;
            }
            if (warnings.size() < MAX_WARNINGS) {
                warnings.add(warning);
                LOG.warn("run {} warning: {}", runId, warning);
            } else {
                moreWarnings.incrementAndGet();
            }
        }
    }

    public List<String> warnings() {
        synchronized (warnings) {
            List<String> all = new java.util.ArrayList<>(warnings);
            long more = moreWarnings.get();
            if (more > 0) {
                all.add("… and " + more + " more warning(s); see the log");
            }
            return List.copyOf(all);
        }
    }

    public void countApiCall() {
        apiCalls.incrementAndGet();
    }

    public void countRetry() {
        retries.incrementAndGet();
    }

    /** A rate-limit answer from the vendor; its retry, if any, is counted by {@link #countRetry()} as well. */
    public void countRateLimited() {
        rateLimited.incrementAndGet();
    }

    /** An answer rejecting the access token (expired, revoked); the refresh and retry are counted apart. */
    public void countTokenRejected() {
        tokensRejected.incrementAndGet();
    }

    /** Messages that earlier runs left waiting, delivered by this run's sinks before its own. */
    public void countEarlierDelivered(long messages) {
        earlierDelivered.addAndGet(messages);
    }

    public long earlierDelivered() {
        return earlierDelivered.get();
    }

    public long rateLimited() {
        return rateLimited.get();
    }

    public long tokensRejected() {
        return tokensRejected.get();
    }

    public long apiCalls() {
        return apiCalls.get();
    }

    public long retries() {
        return retries.get();
    }

    @Override
    public String toString() {
        return "run " + runId + " of " + source + "/" + tenant;
    }
}
