package io.orgsync.run;

import com.fasterxml.jackson.databind.ObjectReader;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Member;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.AbstractList;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Members kept in a {@link RecordSpool} map as canonical JSON, seen as a read-only list sorted by
 * id. Iterating reads one record at a time; {@link #get} finds a position in the map's B-tree, so
 * batching by {@code subList} stays cheap (not {@code RandomAccess}: streams should iterate). Nothing is cached: each pass re-reads the spool, which
 * is what keeps the heap flat however many members a run has.
 */
final class SpooledRecords extends AbstractList<Member> implements CanonicalLines.OfRecords {

    private static final ObjectReader MEMBER = CanonicalJson.MAPPER.readerFor(Member.class);

    private final MVMap<String, byte[]> records;

    SpooledRecords(MVMap<String, byte[]> records) {
        this.records = records;
    }

    /**
     * The bytes every sink writes: a vendor name's lone surrogate (from a {@code \\ud800}
     * escape), which has no UTF-8 form, stays an escape and reads back as itself.
     */
    static byte[] encode(Member member) {
        return CanonicalJson.toUtf8Line(member);
    }

    static Member decode(byte[] line) {
        try {
            return MEMBER.readValue(line);
        } catch (IOException e) {
            throw new UncheckedIOException("a spooled member cannot be read back: " + e.getMessage(), e);
        }
    }

    @Override
    public Member get(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException(index);
        }
        return decode(records.get(records.getKey(index)));
    }

    @Override
    public int size() {
        return Math.toIntExact(records.sizeAsLong());
    }

    @Override
    public Iterator<Member> iterator() {
        return values(SpooledRecords::decode);
    }

    /**
     * The lines as spooled, which is what encoding each decoded member again would give: every
     * line was written by {@link #encode}, and {@link #decode} reads back exactly what it wrote.
     */
    @Override
    public Iterator<byte[]> recordLines() {
        return values(Function.identity());
    }

    private <T> Iterator<T> values(Function<byte[], T> read) {
        Cursor<String, byte[]> cursor = records.cursor(null);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return cursor.hasNext();
            }

            @Override
            public T next() {
                if (!cursor.hasNext()) {
                    throw new NoSuchElementException();
                }
                cursor.next();
                return read.apply(cursor.getValue());
            }
        };
    }
}
