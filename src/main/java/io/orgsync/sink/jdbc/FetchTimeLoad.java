package io.orgsync.sink.jdbc;

import io.orgsync.model.Member;
import io.orgsync.run.FirstLoad;
import io.orgsync.run.RunFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A tenant's first run written into the run's own open transaction while it fetches (see
 * {@link FirstLoad}). The spool hands over its sorted runs as it writes them; one writer thread
 * inserts each person the first time they come, with their departments and relations. A person
 * coming again with other text (listed in another department or as a parent of another child in
 * a later run) is only noted: staging rewrites those from the combined record and skips everyone
 * else, who is already in the tables exactly as published.
 *
 * <p>The transaction holds the tenant's {@code orgsync_state} row from the start, as staging
 * would, so a second process starting the same tenant's first run waits for this one to end.
 */
final class FetchTimeLoad implements FirstLoad {

    private static final Logger LOG = LoggerFactory.getLogger(FetchTimeLoad.class);
    /** Listings waiting for the writer: enough to ride out a slow batch, small enough for any heap. */
    private static final int QUEUE = 1024;
    private static final Object END = new Object();

    private final Connection connection;
    private final int batchSize;
    private final String insertMember;
    private final String source;
    private final String tenant;
    private final String runId;
    private final LocalDateTime now;
    private final Runnable onEnd;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Listings listed = new Listings();
    private final Set<String> listedAgain = ConcurrentHashMap.newKeySet();
    private final Thread writer;
    private volatile Exception failure;
    private volatile boolean ended;
    /** Written by the writer thread; read once it has stopped. */
    private long written;

    FetchTimeLoad(Connection connection, int batchSize, String insertMember, String source, String tenant,
                  String runId, LocalDateTime now, Runnable onEnd) {
        this.connection = connection;
        this.batchSize = batchSize;
        this.insertMember = insertMember;
        this.source = source;
        this.tenant = tenant;
        this.runId = runId;
        this.now = now;
        this.onEnd = onEnd;
        this.writer = new Thread(this::write, "orgsync-first-load");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Checked here, in the fetching thread, so that a record the database cannot keep fails the
     * run at once with the record named, as staging would have.
     */
    @Override
    public void add(Member published, String listing) {
        if (failure != null || ended) {
            return;
        }
        JdbcStore.checkApplicable(runId, source, tenant, published);
        Listings.Seen seen;
        long digest = Listings.digest(listing);
        synchronized (listed) {
            seen = listed.add(published.id(), digest);
        }
        switch (seen) {
            case FIRST -> enqueue(published);
            // a person in two departments whose listings met in different runs: nothing new to combine
            case SAME_TEXT -> { }
            case OTHER_TEXT -> listedAgain.add(published.id());
            default -> throw new IllegalStateException("unknown " + seen);
        }
    }

    private void enqueue(Member published) {
        try {
            while (!queue.offer(published, 100, TimeUnit.MILLISECONDS)) {
                if (failure != null || ended) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunFailedException("run " + runId + " was interrupted while handing members to the database");
        }
    }

    private void write() {
        try (Batch members = new Batch(batchSize, connection, insertMember);
             Batch memberships = new Batch(batchSize, connection, JdbcStore.INSERT_MEMBERSHIP);
             Batch relations = new Batch(batchSize, connection, JdbcStore.INSERT_RELATION)) {
            while (true) {
                Object next = queue.take();
                if (next == END) {
                    break;
                }
                Member member = (Member) next;
                JdbcStore.bindMember(members.statement, member, runId, now);
                members.add();
                JdbcStore.addMemberships(memberships, relations, member);
                written++;
            }
            if (!ended) {
                members.flush();
                memberships.flush();
                relations.flush();
            }
        } catch (SQLException | RuntimeException e) {
            failure = e;
            queue.clear();
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
     * @throws RunFailedException when writing failed; the transaction is then rolled back
     */
    Connection handOver() {
        stopWriter();
        ended = true;
        onEnd.run();
        if (failure != null) {
            JdbcStore.rollbackAndClose(connection);
            String reason = failure instanceof SQLException e ? JdbcStore.describe(e) : String.valueOf(failure);
            throw new RunFailedException("the database did not take the members of run " + runId
                    + " while it fetched: " + reason, failure);
        }
        return connection;
    }

    /** Already in the tables as published: it came once, or always with the same text. */
    boolean writtenAsPublished(String memberId) {
        boolean came;
        synchronized (listed) {
            came = listed.contains(memberId);
        }
        return came && !listedAgain.contains(memberId);
    }

    /** Written once, then came again with other text: its row must be rewritten from the combined record. */
    boolean cameAgain(String memberId) {
        return listedAgain.contains(memberId);
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
            JdbcStore.rollbackAndClose(connection);
        }
    }

    private void stopWriter() {
        try {
            while (writer.isAlive() && !queue.offer(END, 100, TimeUnit.MILLISECONDS)) {
                // full: the writer is still taking; a failed writer has stopped, which ends the wait
            }
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
     * The ids that came so far with a digest of the text they first came with: the first 128
     * bits of SHA-256 of the id and 64 of the text, in an open-addressed table of 24 to 48 bytes
     * a member, where a set of strings takes several times that. SHA-256 rather than a faster
     * hash, so that no vendor text can be made to pass for another id, and be skipped.
     */
    static final class Listings {
        enum Seen { FIRST, SAME_TEXT, OTHER_TEXT }

        private static final int SLOT = 3;
        /** Triples: id hash high (0: empty slot), id hash low, text digest. */
        private long[] slots = new long[SLOT << 12];
        private int size;

        Seen add(String id, long textDigest) {
            byte[] sha = JdbcStore.sha256(id);
            long high = nonZero(bits(sha, 0));
            long low = bits(sha, 8);
            int i = find(high, low);
            if (slots[i] != 0) {
                return slots[i + 2] == textDigest ? Seen.SAME_TEXT : Seen.OTHER_TEXT;
            }
            slots[i] = high;
            slots[i + 1] = low;
            slots[i + 2] = textDigest;
            if (++size * 2 * SLOT > slots.length) {
                grow();
            }
            return Seen.FIRST;
        }

        boolean contains(String id) {
            byte[] sha = JdbcStore.sha256(id);
            return slots[find(nonZero(bits(sha, 0)), bits(sha, 8))] != 0;
        }

        /** The slot holding that id, or the empty one where it would go. */
        private int find(long high, long low) {
            int capacity = slots.length / SLOT;
            for (int n = (int) low & (capacity - 1); ; n = (n + 1) & (capacity - 1)) {
                int i = n * SLOT;
                if (slots[i] == 0 || (slots[i] == high && slots[i + 1] == low)) {
                    return i;
                }
            }
        }

        private void grow() {
            long[] old = slots;
            slots = new long[old.length * 2];
            for (int j = 0; j < old.length; j += SLOT) {
                if (old[j] != 0) {
                    int i = find(old[j], old[j + 1]);
                    System.arraycopy(old, j, slots, i, SLOT);
                }
            }
        }

        static long digest(String text) {
            return bits(JdbcStore.sha256(text), 0);
        }

        private static long bits(byte[] sha, int from) {
            long value = 0;
            for (int i = from; i < from + 8; i++) {
                value = (value << 8) | (sha[i] & 0xff);
            }
            return value;
        }

        private static long nonZero(long high) {
            return high == 0 ? 1 : high;
        }
    }
}
