package io.orgsync.run;

import io.orgsync.model.CanonicalJson;
import io.orgsync.model.CanonicalRecord;
import io.orgsync.model.Member;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A run's records and changes as their canonical JSON lines in UTF-8
 * ({@link CanonicalJson#toUtf8Line}), for sinks that write that text. A spooled run already holds
 * every member as those bytes: reading them through here spares decoding each member only to
 * encode it again, which for a few hundred thousand members was most of the sinks' time. Lists
 * that hold objects give the same bytes by encoding each element, so a sink need not care which
 * kind it was handed.
 */
public final class CanonicalLines {

    private CanonicalLines() {
    }

    /** A list of records that holds them as their canonical lines. */
    public interface OfRecords {
        /** Each record's line, in list order. */
        Iterator<byte[]> recordLines();
    }

    /** A list of changes that holds their records as canonical lines. */
    public interface OfChanges {
        /** Each change's line, in list order. */
        Iterator<ChangeLine> changeLines();
    }

    /**
     * One change as {@link CanonicalJson#toUtf8Line} writes it, with its op beside it so that
     * counting the changes does not read the text.
     */
    public record ChangeLine(ChangeOp op, byte[] line) {

        /**
         * What {@code toLine(change)} writes before and after the record's own line, per op. Cut
         * from Jackson's text of a sample change rather than spelled out here, so that the JSON
         * shape of {@link Change} has one definition.
         */
        private static final Map<ChangeOp, byte[][]> AROUND_RECORD = aroundRecord();

        static ChangeLine of(Change change) {
            return new ChangeLine(change.op(), CanonicalJson.toUtf8Line(change));
        }

        /** @param recordLine the changed record's canonical line in UTF-8 */
        static ChangeLine of(ChangeOp op, byte[] recordLine) {
            byte[][] around = AROUND_RECORD.get(op);
            byte[] line = new byte[around[0].length + recordLine.length + around[1].length];
            System.arraycopy(around[0], 0, line, 0, around[0].length);
            System.arraycopy(recordLine, 0, line, around[0].length, recordLine.length);
            System.arraycopy(around[1], 0, line, around[0].length + recordLine.length, around[1].length);
            return new ChangeLine(op, line);
        }

        /** The line as text, for reading it rather than writing it. */
        public String text() {
            return new String(line, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ChangeLine that && op == that.op && Arrays.equals(line, that.line);
        }

        @Override
        public int hashCode() {
            return 31 * op.hashCode() + Arrays.hashCode(line);
        }

        @Override
        public String toString() {
            return op + " " + text();
        }

        private static Map<ChangeOp, byte[][]> aroundRecord() {
            Member sample = new Member(null, null, null, null, null, null, null, null, null, null, null);
            String record = CanonicalJson.toLine(sample);
            Map<ChangeOp, byte[][]> around = new EnumMap<>(ChangeOp.class);
            for (ChangeOp op : ChangeOp.values()) {
                String change = CanonicalJson.toLine(new Change(op, sample));
                int at = change.indexOf(record);
                if (at < 0 || change.lastIndexOf(record) != at) {
                    throw new IllegalStateException("a change's JSON does not hold its record's JSON once: " + change);
                }
                around.put(op, new byte[][]{change.substring(0, at).getBytes(StandardCharsets.UTF_8),
                        change.substring(at + record.length()).getBytes(StandardCharsets.UTF_8)});
            }
            return around;
        }
    }

    /** The records' lines, read from the spool when the list is spooled. */
    public static Iterator<byte[]> records(List<? extends CanonicalRecord> records) {
        if (records instanceof OfRecords spooled) {
            return spooled.recordLines();
        }
        return records.stream().map(CanonicalJson::toUtf8Line).iterator();
    }

    /** The changes' lines, their records read from the spool when the list is spooled. */
    public static Iterator<ChangeLine> changes(List<Change> changes) {
        if (changes instanceof OfChanges spooled) {
            return spooled.changeLines();
        }
        return changes.stream().map(ChangeLine::of).iterator();
    }
}
