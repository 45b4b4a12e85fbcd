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
 * {@link FirstLoad}). Fetchers hand over member listings; one writer thread inserts each person's
 * first listing with its departments and relations. A person listed again (in another department,
 * as a parent of another child) is only noted: staging rewrites those from the combined record,
 * and skips everyone else, who is already in the tables exactly as published.
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
        synchronized (listed) {
            seen = listed.add(published.id(), Listings.digest(listing));
        }
        switch (seen) {
            case FIRST -> enqueue(published);
            // WeCom lists a person in two departments with the same record in both: nothing to combine
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

    /** Already in the tables as published: listed once, so the combined record is that listing. */
    boolean writtenAsPublished(String memberId) {
        return !listedAgain.contains(memberId);
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
     * The ids listed so far with a digest of their first listing, as pairs of 64-bit hashes in an
     * open-addressed table: 32 bytes a member at most, where a map of strings takes several times
     * that. Two ids sharing a hash make the second count as listed again with other text, which
     * staging rewrites from the combined record anyway: nothing is lost. The listing digest is
     * SHA-256's first 64 bits, so that no vendor text can pass for another listing of the same person.
     */
    static final class Listings {
        enum Seen { FIRST, SAME_TEXT, OTHER_TEXT }

        /** Pairs: id hash (0: empty slot), listing digest. */
        private long[] slots = new long[2 << 12];
        private int size;

        Seen add(String id, long listingDigest) {
            long hash = idHash(id);
            int mask = slots.length / 2 - 1;
            for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
                if (slots[2 * i] == hash) {
                    return slots[2 * i + 1] == listingDigest ? Seen.SAME_TEXT : Seen.OTHER_TEXT;
                }
                if (slots[2 * i] == 0) {
                    slots[2 * i] = hash;
                    slots[2 * i + 1] = listingDigest;
                    if (++size * 4 > slots.length) {
                        grow();
                    }
                    return Seen.FIRST;
                }
            }
        }

        private void grow() {
            long[] old = slots;
            slots = new long[old.length * 2];
            int mask = slots.length / 2 - 1;
            for (int j = 0; j < old.length; j += 2) {
                if (old[j] != 0) {
                    int i = (int) old[j] & mask;
                    while (slots[2 * i] != 0) {
                        i = (i + 1) & mask;
                    }
                    slots[2 * i] = old[j];
                    slots[2 * i + 1] = old[j + 1];
                }
            }
        }

        /** FNV-1a over the UTF-16 units, then MurmurHash3's 64-bit finaliser to spread the low bits. */
        static long idHash(String id) {
            long h = 0xcbf29ce484222325L;
            for (int i = 0; i < id.length(); i++) {
                h ^= id.charAt(i);
                h *= 0x100000001b3L;
            }
            h ^= h >>> 33;
            h *= 0xff51afd7ed558ccdL;
            h ^= h >>> 33;
            h *= 0xc4ceb9fe1a85ec53L;
            h ^= h >>> 33;
            return h == 0 ? 1 : h;
        }

        static long digest(String listing) {
            byte[] sha = JdbcStore.sha256(listing);
            long d = 0;
            for (int i = 0; i < 8; i++) {
                d = (d << 8) | (sha[i] & 0xff);
            }
            return d;
        }
    }
}
