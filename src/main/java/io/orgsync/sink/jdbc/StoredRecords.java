package io.orgsync.sink.jdbc;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.CanonicalRecord;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.run.DigestedRecords;
import io.orgsync.run.RunFailedException;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

/** One kind of a tenant's last run: ids and SHA-256 of record_json, records on request. */
final class StoredRecords<R extends CanonicalRecord> extends DigestedRecords<R> {

    private static final ObjectReader DEPARTMENT_READER = reader(Department.class);
    private static final ObjectReader MEMBER_READER = reader(Member.class);
    /** Ids per {@code IN (…)} when fetching last known records: well under every driver's parameter limit. */
    private static final int IN_LIST = 500;

    private final RecordsById<R> records;
    private final PackedDigests digests;

    StoredRecords(RecordsById<R> records, PackedDigests digests) {
        this.records = records;
        this.digests = digests;
    }

    @Override
    public int size() {
        return digests.size();
    }

    @Override
    public String idAt(int index) {
        return digests.id(index);
    }

    /**
     * The hash of the text stage() would store (see {@link RecordColumns#recordJson}), against the
     * stored one: that text is the line's, unpaired surrogates escaped as {@code toUtf8Line} does.
     */
    @Override
    public boolean sameContent(int index, byte[] canonicalLine) {
        return digests.digestEquals(index, RecordColumns.sha256(canonicalLine));
    }

    /**
     * Read after the load's transaction: should another process have applied a run in
     * between, {@link JdbcStore#stage} finds orgsync_state moved on and applies nothing.
     */
    @Override
    public List<R> lastKnown(int[] indices) {
        List<String> wanted = new ArrayList<>(indices.length);
        for (int index : indices) {
            wanted.add(digests.id(index));
        }
        Map<String, R> byId = records.read(wanted);
        List<R> found = new ArrayList<>(indices.length);
        for (String id : wanted) {
            R record = byId.get(id);
            if (record == null) {
                throw new RunFailedException(records.where() + "/" + id
                        + " disappeared while this run was compared with it");
            }
            found.add(record);
        }
        return found;
    }

    /** Where a kind's last known records are read from, by id. */
    interface RecordsById<R extends CanonicalRecord> {
        /** The records of these ids that are there. */
        Map<String, R> read(List<String> ids);

        /** For messages: {@code orgsync_member}, or the compact state. */
        String where();
    }

    record FromTable<R extends CanonicalRecord>(DataSource database, String table, String source,
                                                String tenant, Class<R> type) implements RecordsById<R> {
        @Override
        public String where() {
            return table + " row " + source + "/" + tenant;
        }

        @Override
        public Map<String, R> read(List<String> ids) {
            Map<String, R> byId = new HashMap<>();
            try (Connection connection = database.getConnection()) {
                for (int from = 0; from < ids.size(); from += IN_LIST) {
                    int to = Math.min(ids.size(), from + IN_LIST);
                    String sql = "SELECT id, record_json FROM " + table + " WHERE source = ? AND tenant = ? AND id IN ("
                            + String.join(", ", Collections.nCopies(to - from, "?")) + ")";
                    try (PreparedStatement select = connection.prepareStatement(sql)) {
                        select.setString(1, source);
                        select.setString(2, tenant);
                        for (int i = from; i < to; i++) {
                            select.setString(3 + i - from, ids.get(i));
                        }
                        try (ResultSet rs = select.executeQuery()) {
                            while (rs.next()) {
                                byId.put(rs.getString(1), parse(type, where(), rs.getString(1), source, tenant,
                                        rs.getString(2)));
                            }
                        }
                    }
                }
            } catch (SQLException e) {
                throw new RunFailedException("cannot read the last known records from " + table + ": "
                        + Database.describe(e), e);
            }
            return byId;
        }
    }

    record FromCompactState<R extends CanonicalRecord>(DataSource database, String source, String tenant,
                                                       String runId, Class<R> type) implements RecordsById<R> {
        @Override
        public String where() {
            return "compact state line " + source + "/" + tenant;
        }

        @Override
        public Map<String, R> read(List<String> ids) {
            Set<String> wanted = new HashSet<>(ids);
            boolean departments = type == Department.class;
            Map<String, R> byId = new HashMap<>();
            try (Connection connection = database.getConnection()) {
                CompactState.read(connection, source, tenant, runId, line -> {
                    CompactLine read = CompactLine.of(line, source, tenant);
                    if (read.department() == departments && wanted.contains(read.id())) {
                        byId.put(read.id(), parse(type, where(), read.id(), source, tenant, line));
                    }
                });
            } catch (CompactState.StateMovedOn e) {
                throw new RunFailedException("run " + e.getMessage() + " of " + source + "/" + tenant
                        + " was applied while this run was compared with run " + runId + "; nothing was applied");
            } catch (SQLException e) {
                throw new RunFailedException("cannot read the last known records from the compact state: "
                        + Database.describe(e), e);
            }
            return byId;
        }
    }

    private static <R extends CanonicalRecord> R parse(Class<R> type, String where, String id, String source,
                                                       String tenant, String json) {
        return checked(type, where, id, source, tenant, reader -> reader.readValue(json));
    }

    /** A compact state line, as the UTF-8 it was written in. */
    private static <R extends CanonicalRecord> R parse(Class<R> type, String where, String id, String source,
                                                       String tenant, byte[] json) {
        return checked(type, where, id, source, tenant, reader -> reader.readValue(json));
    }

    private interface Reading {
        Object read(ObjectReader reader) throws IOException;
    }

    private static <R extends CanonicalRecord> R checked(Class<R> type, String where, String id, String source,
                                                         String tenant, Reading reading) {
        ObjectReader reader = type == Department.class ? DEPARTMENT_READER : MEMBER_READER;
        R record;
        try {
            record = type.cast(reading.read(reader));
        } catch (IOException | ClassCastException e) {
            throw new RunFailedException(where + "/" + id + " has unreadable record_json: " + e.getMessage(), e);
        }
        if (record == null || !id.equals(record.id()) || !source.equals(record.source())
                || !tenant.equals(record.tenant())) {
            throw new RunFailedException(where + "/" + id + " holds the record_json of another record");
        }
        return record;
    }

    private static ObjectReader reader(Class<?> type) {
        return CanonicalJson.MAPPER.readerFor(type).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }
}
