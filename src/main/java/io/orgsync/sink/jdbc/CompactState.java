package io.orgsync.sink.jdbc;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * The {@code orgsync_compact_state} table: a tenant's last successful run as its canonical lines,
 * Zstandard-compressed in pieces (an earlier release's gzip is still read). It is the state when
 * the run's sinks do not include the jdbc tables, which then need not be written: one row per 256 KiB instead of several rows per member, so a
 * first run of 100,000 members commits at once instead of spending seconds in the database.
 *
 * <p>Lines are stored as {@code record_json} would be (unpaired surrogates escaped, as
 * {@link io.orgsync.model.CanonicalJson#toUtf8Line} writes them), so that a record's digest is the
 * same whichever form holds it.
 */
final class CompactState {

    /** Small enough for every driver's packet limit (MariaDB's default is 16 MiB), big enough for few rows. */
    static final int PIECE_BYTES = 256 * 1024;

    private CompactState() {
    }

    /** The run the tenant's pieces hold; null when it has none. */
    static String runId(Connection connection, String source, String tenant) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT run_id FROM orgsync_compact_state "
                + "WHERE source = ? AND tenant = ? AND seq = 0")) {
            select.setString(1, source);
            select.setString(2, tenant);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    /**
     * Replaces the tenant's pieces with {@code lines} ({@link io.orgsync.model.CanonicalJson#toUtf8Line}),
     * inside the caller's transaction.
     */
    static void write(Connection connection, String source, String tenant, String runId, int pieceBytes,
                      Iterator<byte[]> lines) throws SQLException {
        delete(connection, source, tenant);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orgsync_compact_state "
                + "(source, tenant, seq, run_id, data) VALUES (?, ?, ?, ?, ?)")) {
            Pieces pieces = new Pieces(pieceBytes, piece -> {
                try {
                    insert.setString(1, source);
                    insert.setString(2, tenant);
                    insert.setInt(3, piece.seq());
                    insert.setString(4, runId);
                    insert.setBytes(5, piece.bytes());
                    insert.executeUpdate();
                } catch (SQLException e) {
                    throw new SqlFailure(e);
                }
            });
            try (OutputStream out = new BufferedOutputStream(compressing(pieces), 1 << 16)) {
                while (lines.hasNext()) {
                    out.write(lines.next());
                    out.write('\n');
                }
            } catch (SqlFailure e) {
                throw e.getCause();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot compress the state", e);
            }
        }
    }

    /** The pieces now hold run {@code runId}: for a run that changed nothing. */
    static void retag(Connection connection, String source, String tenant, String runId) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE orgsync_compact_state SET run_id = ? WHERE source = ? AND tenant = ?")) {
            update.setString(1, runId);
            update.setString(2, source);
            update.setString(3, tenant);
            update.executeUpdate();
        }
    }

    static void delete(Connection connection, String source, String tenant) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM orgsync_compact_state WHERE source = ? AND tenant = ?")) {
            delete.setString(1, source);
            delete.setString(2, tenant);
            delete.executeUpdate();
        }
    }

    /**
     * Hands every line of run {@code runId} to {@code line}, in the order written, as the UTF-8
     * bytes written: a load hashes them as they are and reads only a few fields of each.
     *
     * @throws StateMovedOn when the pieces hold another run (another process applied one since)
     */
    static void read(Connection connection, String source, String tenant, String runId, Consumer<byte[]> line)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT run_id, data FROM orgsync_compact_state "
                + "WHERE source = ? AND tenant = ? ORDER BY seq")) {
            select.setString(1, source);
            select.setString(2, tenant);
            select.setFetchSize(4);
            try (ResultSet rows = select.executeQuery();
                 InputStream in = decompressing(new SequenceInputStream(new RowPieces(rows, runId)))) {
                eachLine(in, line);
            } catch (SqlFailure e) {
                throw e.getCause();
            } catch (IOException e) {
                throw new IllegalStateException("the compact state of " + source + "/" + tenant
                        + " is unreadable: " + e.getMessage(), e);
            }
        }
    }

    /** The lines of {@code in}, split at each newline (JSON escapes every newline within a record). */
    static void eachLine(InputStream in, Consumer<byte[]> line) throws IOException {
        byte[] buffer = new byte[1 << 16];
        // the start of a line the last read cut off
        ByteArrayOutputStream carried = new ByteArrayOutputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    if (carried.size() == 0) {
                        line.accept(Arrays.copyOfRange(buffer, start, i));
                    } else {
                        carried.write(buffer, start, i - start);
                        line.accept(carried.toByteArray());
                        carried.reset();
                    }
                    start = i + 1;
                }
            }
            carried.write(buffer, start, n - start);
        }
        if (carried.size() > 0) {
            line.accept(carried.toByteArray());
        }
    }

    /** The pieces hold a run other than the one asked for. */
    static final class StateMovedOn extends RuntimeException {
        StateMovedOn(String held) {
            super(held);
        }
    }

    private record Piece(int seq, byte[] bytes) {
    }

    /** An SQL failure carried through the stream's IOException-only signatures. */
    private static final class SqlFailure extends RuntimeException {
        SqlFailure(SQLException cause) {
            super(cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    /**
     * Zstandard at its fastest level: on two cores gzip's fastest took 0.4 s for a 100,000-member
     * Feishu run (97 MB of lines) and shrank it to 17.8 MB; this takes 0.11-0.13 s for 12 MB and
     * reads back in less than half gunzip's time. The frame's checksum finds a damaged piece.
     */
    private static OutputStream compressing(OutputStream pieces) throws IOException {
        ZstdOutputStream out = new ZstdOutputStream(pieces, 1);
        out.setChecksum(true);
        return out;
    }

    /** A state written by an earlier release is gzip: it is read as such until the next run replaces it. */
    static InputStream decompressing(InputStream pieces) throws IOException {
        BufferedInputStream in = new BufferedInputStream(pieces, 1 << 16);
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return gzip ? new GZIPInputStream(in, 1 << 16) : new ZstdInputStream(in);
    }

    /** Cuts what is written into pieces of {@code pieceBytes} and hands each over when full and at close. */
    private static final class Pieces extends OutputStream {
        private final int pieceBytes;
        private final Consumer<Piece> store;
        private byte[] buffer;
        private int size;
        private int seq;

        Pieces(int pieceBytes, Consumer<Piece> store) {
            this.pieceBytes = pieceBytes;
            this.store = store;
            this.buffer = new byte[pieceBytes];
        }

        @Override
        public void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            while (length > 0) {
                int n = Math.min(length, buffer.length - size);
                System.arraycopy(bytes, offset, buffer, size, n);
                size += n;
                offset += n;
                length -= n;
                if (size == buffer.length) {
                    handOver();
                }
            }
        }

        @Override
        public void close() {
            if (size > 0 || seq == 0) {
                handOver();
            }
        }

        private void handOver() {
            byte[] piece = size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
            store.accept(new Piece(seq++, piece));
            buffer = new byte[pieceBytes];
            size = 0;
        }
    }

    /** The rows' pieces one after another, each checked to belong to the run asked for. */
    private static final class RowPieces implements Enumeration<InputStream> {
        private final ResultSet rows;
        private final String runId;
        private Boolean more;

        RowPieces(ResultSet rows, String runId) {
            this.rows = rows;
            this.runId = runId;
        }

        @Override
        public boolean hasMoreElements() {
            if (more == null) {
                try {
                    more = rows.next();
                    if (more && !runId.equals(rows.getString(1))) {
                        throw new StateMovedOn(rows.getString(1));
                    }
                } catch (SQLException e) {
                    throw new SqlFailure(e);
                }
            }
            return more;
        }

        @Override
        public InputStream nextElement() {
            if (!hasMoreElements()) {
                throw new NoSuchElementException();
            }
            more = null;
            try {
                return new ByteArrayInputStream(rows.getBytes(2));
            } catch (SQLException e) {
                throw new SqlFailure(e);
            }
        }
    }
}
