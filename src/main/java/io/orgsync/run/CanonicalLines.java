package io.orgsync.run;

import io.orgsync.model.CanonicalJson;
import io.orgsync.model.CanonicalRecord;
import io.orgsync.model.Member;

import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A run's records and changes as their canonical JSON text ({@link CanonicalJson#toLine}), for
 * sinks that write that text. A spooled run already holds every member as that text: reading it
 * through here spares decoding each member only to encode it again, which for a few hundred
 * thousand members was most of the file sink's time. Lists that hold objects give the same text
 * by encoding each element, so a sink need not care which kind it was handed.
 */
public final class CanonicalLines {

    private CanonicalLines() {
    }

    /** A list of records that holds them as their canonical lines. */
    public interface OfRecords {
        /** Each record's line, in list order. */
        Iterator<String> recordLines();
    }

    /** A list of changes that holds their records as canonical lines. */
    public interface OfChanges {
        /** Each change's line, in list order. */
        Iterator<ChangeLine> changeLines();
    }

    /**
     * One change as {@link CanonicalJson#toLine} writes it, with its op beside it so that counting
     * the changes does not read the text.
     */
    public record ChangeLine(ChangeOp op, String line) {

        /**
         * What {@code toLine(change)} writes before and after the record's own line, per op. Cut
         * from Jackson's text of a sample change rather than spelled out here, so that the JSON
         * shape of {@link Change} has one definition.
         */
        private static final Map<ChangeOp, String[]> AROUND_RECORD = aroundRecord();

        static ChangeLine of(Change change) {
            return new ChangeLine(change.op(), CanonicalJson.toLine(change));
        }

        /** @param recordLine the changed record's canonical line */
        static ChangeLine of(ChangeOp op, String recordLine) {
            String[] around = AROUND_RECORD.get(op);
            return new ChangeLine(op, around[0] + recordLine + around[1]);
        }

        private static Map<ChangeOp, String[]> aroundRecord() {
            Member sample = new Member(null, null, null, null, null, null, null, null, null, null, null);
            String record = CanonicalJson.toLine(sample);
            Map<ChangeOp, String[]> around = new EnumMap<>(ChangeOp.class);
            for (ChangeOp op : ChangeOp.values()) {
                String change = CanonicalJson.toLine(new Change(op, sample));
                int at = change.indexOf(record);
                if (at < 0 || change.lastIndexOf(record) != at) {
                    throw new IllegalStateException("a change's JSON does not hold its record's JSON once: " + change);
                }
                around.put(op, new String[]{change.substring(0, at), change.substring(at + record.length())});
            }
            return around;
        }
    }

    /** The records' lines, read from the spool when the list is spooled. */
    public static Iterator<String> records(List<? extends CanonicalRecord> records) {
        if (records instanceof OfRecords spooled) {
            return spooled.recordLines();
        }
        return records.stream().map(CanonicalJson::toLine).iterator();
    }

    /** The changes' lines, their records read from the spool when the list is spooled. */
    public static Iterator<ChangeLine> changes(List<Change> changes) {
        if (changes instanceof OfChanges spooled) {
            return spooled.changeLines();
        }
        return changes.stream().map(ChangeLine::of).iterator();
    }
}
