package io.orgsync.sink.jdbc;

import io.orgsync.model.Member;
import io.orgsync.model.Role;
import io.orgsync.run.FirstLoad;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A tenant's first run written into the run's own open transaction while it fetches (see
 * {@link FirstLoad}). The spool hands over its sorted runs as it writes them; one writer thread
 * inserts the members of a run with their departments and relations, each person the first time
 * they come. A person coming again with other text (listed in another department in a later run)
 * is only noted: staging rewrites those from the combined record, skips everyone else written
 * here, and inserts the rest.
 *
 * <p>Parents are not written here: a school directory lists a parent once for each child, with
 * that child only, so the first listing of a parent is rarely the record, and rewriting it costs
 * more than inserting it once when staging (Wuhan: 160,000 of 260,000 members).
 *
 * <p>A run is taken only while the writer is idle, and only while writing one takes less than
 * half the time between runs; after two runs in a row came too soon, no more are taken. When the
 * vendor's rate limit paces fetching, runs come slowly; with no limit, fetching alone keeps the
 * machine busy, runs come as fast as they can be written, and members written in between cost
 * more than writing them all in id order when staging (1,000,000 WeCom members at -Xmx256m took
 * a third longer). Members of a run not taken are still noted, so that a later listing of one of
 * them is not mistaken for its first.
 *
 * <p>The transaction holds the tenant's {@code orgsync_state} row from the start, as staging
 * would, so a second process starting the same tenant's first run waits for this one to end.
 */
final class FetchTimeLoad implements FirstLoad {

    private static final Logger LOG = LoggerFactory.getLogger(FetchTimeLoad.class);
    private static final Object END = new Object();

    /** A sorted run as the writer takes it: the listings, and which of them to write. */
    private record Run(List<byte[]> listings, boolean[] write, Function<byte[], Member> publish) {
    }

    private final Connection connection;
    private final int batchSize;
    private final String source;
    private final String tenant;
    private final String runId;
    private final LocalDateTime now;
    private final Runnable onEnd;
    /** Runs for the writer: one at most, as one is taken only while the writer is idle. */
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Listings listed = new Listings();
    private final Thread writer;
    /** Runs handed to the writer and not yet written; changed under the lock of {@link #listed}. */
    private int pending;
    /** When the last run came, and how long the writer took for the last run it wrote (0: none yet). */
    private long lastArrival;
    private volatile long lastWriteNanos;
    /** Runs in a row that came sooner than twice the writing of one. */
    private int tooSoon;
    /** No more runs are taken: from then on only the members already noted need watching. */
    private boolean stopped;
    private volatile Exception failure;
    private volatile boolean ended;
    /** Written by the writer thread; read once it has stopped. */
    private long written;

    FetchTimeLoad(Connection connection, int batchSize, String source, String tenant, String runId,
                  LocalDateTime now, Runnable onEnd) {
        this.connection = connection;
        this.batchSize = batchSize;
        this.source = source;
        this.tenant = tenant;
        this.runId = runId;
        this.now = now;
        this.onEnd = onEnd;
        this.writer = new Thread(this::write, "orgsync-first-load");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void addRun(List<String> ids, List<byte[]> listings, Function<byte[], Member> publish) {
        if (failure != null || ended) {
            return;
        }
        boolean[] write = new boolean[ids.size()];
        // hashed before taking the lock, which another fetcher's run may be waiting for
        long[] digests = new long[ids.size()];
        for (int i = 0; i < digests.length; i++) {
            digests[i] = Listings.digest(listings.get(i));
        }
        synchronized (listed) {
            long arrival = System.nanoTime();
            boolean soon = lastWriteNanos != 0 && 2 * lastWriteNanos >= arrival - lastArrival;
            tooSoon = soon ? tooSoon + 1 : 0;
            stopped |= tooSoon >= 2;
            boolean take = pending == 0 && !soon && !stopped;
            lastArrival = arrival;
            for (int i = 0; i < write.length; i++) {
                // noted whether taken or not, while runs may still be taken: a member first seen in
                // a run not taken must not pass for new in a later one. SAME_TEXT: a person in two
                // departments whose listings met in different runs.
                if (stopped) {
                    listed.noteAgain(ids.get(i), digests[i]);
                } else {
                    Listings.Seen seen = listed.add(ids.get(i), digests[i]);
                    write[i] = take && seen == Listings.Seen.FIRST;
                }
            }
            if (take) {
                pending++;
                queue.add(new Run(listings, write, publish));
            }
        }
    }

    private void write() {
        try (Batch members = new Batch(batchSize, connection, RecordColumns.INSERT_MEMBER);
             Batch memberships = new Batch(batchSize, connection, RecordColumns.INSERT_MEMBERSHIP);
             Batch relations = new Batch(batchSize, connection, RecordColumns.INSERT_RELATION)) {
            while (true) {
                Object next = queue.take();
                if (next == END) {
                    break;
                }
                Run run = (Run) next;
                long started = System.nanoTime();
                for (int i = 0; i < run.write().length && !ended; i++) {
                    if (run.write()[i]) {
                        Member member = run.publish().apply(run.listings().get(i));
                        if (member.role() == Role.PARENT) {
                            continue;
                        }
                        // what the database cannot keep fails the run with the record named, as staging would
                        RecordColumns.checkApplicable(runId, source, tenant, member);
                        synchronized (listed) {
                            listed.markWritten(member.id());
                        }
                        RecordColumns.bindMember(members.statement, member, runId, now);
                        members.add();
                        RecordColumns.addMemberships(memberships, relations, member);
                        written++;
                    }
                }
                members.flush();
                memberships.flush();
                relations.flush();
                lastWriteNanos = Math.max(1, System.nanoTime() - started);
                synchronized (listed) {
                    pending--;
                }
            }
        } catch (SQLException | RuntimeException e) {
            failure = e;
        } catch (InterruptedException e) {
            failure = e;
        }
    }

    /** The time every row of this run carries, as if it had been written when staging. */
    LocalDateTime now() {
        return now;
    }

    /**
     * Waits for the writer and passes the open transaction on to staging.
     *
     * @return null when writing failed: the transaction is rolled back, and staging applies the
     *         whole run as it would any other. A database that drops a transaction left open
     *         while fetching (PostgreSQL's {@code idle_in_transaction_session_timeout}) would
     *         otherwise fail every first run; a record it cannot keep fails staging just the same.
     */
    Connection handOver() {
        stopWriter();
        ended = true;
        onEnd.run();
        if (failure != null) {
            Rollback.rollbackAndClose(connection);
            String reason = failure instanceof SQLException e ? Database.describe(e) : failure.getMessage();
            LOG.warn("run {}: the members written while fetching were rolled back ({}); the run is applied "
                    + "when staged instead", runId, reason);
            return null;
        }
        return connection;
    }

    /** What staging must do for a created member, from one look-up. */
    enum Written {
        /** Not written here: insert it. */
        NO,
        /** Written as published: it came once, or always with the same text. */
        AS_PUBLISHED,
        /** Written, then came again with other text: rewrite it from the combined record. */
        THEN_CHANGED
    }

    Written earlyWrite(String memberId) {
        long flags;
        synchronized (listed) {
            flags = listed.flags(memberId);
        }
        if ((flags & Listings.WRITTEN) == 0) {
            return Written.NO;
        }
        return (flags & Listings.CAME_AGAIN) == 0 ? Written.AS_PUBLISHED : Written.THEN_CHANGED;
    }

    /** Members inserted while fetching; valid after {@link #handOver}. */
    long written() {
        return written;
    }

    @Override
    public void close() {
        if (ended) {
            return;
        }
        ended = true;
        queue.clear();
        try {
            stopWriter();
        } finally {
            onEnd.run();
            Rollback.rollbackAndClose(connection);
        }
    }

    private void stopWriter() {
        try {
            queue.add(END);
            writer.join(TimeUnit.SECONDS.toMillis(60));
            if (writer.isAlive()) {
                LOG.warn("run {}: the database has not taken a batch of members for 60 s; giving up on it", runId);
                failure = new SQLException("the database took no batch of members for 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        }
    }

    /**
     * The ids that came so far with a digest of the text they first came with, whether that was
     * written, and whether they came again with other text: 64 bits of SHA-256 of the id, and 62
     * of the text plus two flags, in an open-addressed table of 21 to 43 bytes a member, where a
     * set of strings takes several times that. Two ids sharing a hash (never seen; a vendor would
     * need billions of tries to make one) only make both count as come again, and be rewritten
     * from their combined records when staging: nothing is skipped.
     */
    static final class Listings {
        enum Seen { FIRST, SAME_TEXT, OTHER_TEXT }

        private static final long WRITTEN = 1;
        private static final long CAME_AGAIN = 2;
        private static final long FLAGS = WRITTEN | CAME_AGAIN;
        /** Pairs: id hash (0: empty slot), text digest with the flags as lowest bits. */
        private long[] slots = new long[2 << 12];
        private int size;

        Seen add(String id, long textDigest) {
            long hash = idHash(id);
            int i = find(hash);
            long digest = textDigest & ~FLAGS;
            if (slots[i] != 0) {
                return again(i, digest);
            }
            slots[i] = hash;
            slots[i + 1] = digest;
            // at most three quarters full
            if (++size * 8 > slots.length * 3) {
                grow();
            }
            return Seen.FIRST;
        }

        /** Like {@link #add}, but an id not noted yet stays so: nothing of it was written. */
        void noteAgain(String id, long textDigest) {
            int i = find(idHash(id));
            if (slots[i] != 0) {
                again(i, textDigest & ~FLAGS);
            }
        }

        private Seen again(int i, long digest) {
            if ((slots[i + 1] & ~FLAGS) == digest) {
                return Seen.SAME_TEXT;
            }
            slots[i + 1] |= CAME_AGAIN;
            return Seen.OTHER_TEXT;
        }

        void markWritten(String id) {
            int i = find(idHash(id));
            if (slots[i] == 0) {
                throw new IllegalStateException("member '" + id + "' is written before it came");
            }
            slots[i + 1] |= WRITTEN;
        }

        long flags(String id) {
            int i = find(idHash(id));
            return slots[i] == 0 ? 0 : slots[i + 1] & FLAGS;
        }

        /** The slot holding that hash, or the empty one where it would go. */
        private int find(long hash) {
            int capacity = slots.length / 2;
            for (int n = (int) hash & (capacity - 1); ; n = (n + 1) & (capacity - 1)) {
                if (slots[2 * n] == 0 || slots[2 * n] == hash) {
                    return 2 * n;
                }
            }
        }

        private void grow() {
            long[] old = slots;
            slots = new long[old.length * 2];
            for (int j = 0; j < old.length; j += 2) {
                if (old[j] != 0) {
                    int i = find(old[j]);
                    slots[i] = old[j];
                    slots[i + 1] = old[j + 1];
                }
            }
        }

        private static long idHash(String id) {
            long hash = bits(RecordColumns.sha256(id));
            return hash == 0 ? 1 : hash;
        }

        static long digest(byte[] line) {
            return bits(RecordColumns.sha256(line));
        }

        private static long bits(byte[] sha) {
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | (sha[i] & 0xff);
            }
            return value;
        }
    }
}
