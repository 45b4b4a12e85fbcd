package io.orgsync.run;

import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Member;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * The members of a prepared run as every sink reads them — privacy applied, sorted by id — and
 * their changes against the previous run, found in one merge of two id-ordered sequences: the
 * run's spool and the previous members. Neither side is ever loaded whole: memory is the previous
 * run's ids and digests (which the state store hands over) and the deleted members' last known
 * records, whose number the deletion guard bounds.
 *
 * <p>The changes follow {@link ChangeDetector}'s rules: creates and updates in the current order
 * (by id), then deletes in the previous snapshot's order.
 */
final class PublishedMembers {

    private static final String CREATE = "c";
    private static final String UPDATE = "u";

    private final MVMap<String, byte[]> published;
    /**
     * Id to {@link #CREATE} or {@link #UPDATE}, for the members that changed; null when there
     * were no previous members, so that every published member is created and a first run of
     * 260,000 members need not write their ids a second time.
     */
    private final MVMap<String, String> changed;
    private final List<Member> deleted;
    private final int created;

    private PublishedMembers(MVMap<String, byte[]> published, MVMap<String, String> changed, List<Member> deleted,
                             int created) {
        this.published = published;
        this.changed = changed;
        this.deleted = deleted;
        this.created = created;
    }

    /**
     * @param previous sorted by id for the merge to stream; any other order is sorted first
     * @param carried  last known members this run could not (wholly) read, by id
     *                 ({@link CarriedForward#members}): published as they were, or merged into the
     *                 fetched member of the same id by {@code carrying}
     * @throws IllegalArgumentException when the previous snapshot lists an id twice or a record
     *                                  without an id, as {@link ChangeDetector} would
     */
    static PublishedMembers prepare(Snapshot snapshot, Publication publication, List<Member> previous,
                                    NavigableMap<String, Member> carried, CarriedForward carrying) {
        RecordSpool spool = snapshot.spool();
        MVMap<String, byte[]> fetched = snapshot.memberMap();
        Previous before = Previous.of(previous);
        boolean asFetched = publication.isPlain() && carried.isEmpty();
        if (asFetched && before.size() == 0) {
            // a first run without privacy rules: every fetched member is published as it is, and created
            return new PublishedMembers(fetched, null, List.of(), Math.toIntExact(fetched.sizeAsLong()));
        }
        // without privacy rules, scoping or carried members the published members are the fetched ones, byte for byte
        MVMap<String, byte[]> published = asFetched ? fetched : spool.appendedLines("published");
        MVMap<String, String> changed = before.size() == 0 ? null : spool.appendedMap("changed");

        int created = 0;
        List<Integer> gone = new ArrayList<>();
        int p = 0;
        Lines lines = new Lines(fetched.cursor(null), carried, publication, asFetched,
                (read, last) -> carrying.merge(read, last, id -> carried.containsKey(id) && !fetched.containsKey(id)));
        while (lines.advance()) {
            String id = lines.id;
            byte[] line = lines.line;
            if (!asFetched) {
                published.append(id, line);
            }
            while (p < before.size() && before.id(p).compareTo(id) < 0) {
                gone.add(before.index(p++));
            }
            if (p < before.size() && before.id(p).equals(id)) {
                if (!before.sameContent(p, line)) {
                    changed.append(id, UPDATE);
                }
                p++;
            } else {
                if (changed != null) {
                    changed.append(id, CREATE);
                }
                created++;
            }
        }
        while (p < before.size()) {
            gone.add(before.index(p++));
        }
        // the walk gave the ids in ascending order, each once, as append requires
        published.flushAndGetRoot();
        if (changed != null) {
            changed.flushAndGetRoot();
        }
        int[] goneInPreviousOrder = gone.stream().mapToInt(Integer::intValue).sorted().toArray();
        return new PublishedMembers(published, changed, before.lastKnown(goneInPreviousOrder), created);
    }

    /**
     * The published members in id order, one at a time: the fetched ones as {@link Publication}
     * turns them, and the carried ones slotted in by id (merged into a fetched one of the same id,
     * what was read first). No object per member when the fetched line is published as it is.
     */
    private static final class Lines {
        private final Cursor<String, byte[]> fetched;
        private final Iterator<Map.Entry<String, Member>> carried;
        private final Publication publication;
        private final boolean asFetched;
        private final java.util.function.BinaryOperator<Member> mergeRead;
        private String fetchedId;
        private Map.Entry<String, Member> nextCarried;
        String id;
        byte[] line;

        Lines(Cursor<String, byte[]> fetched, NavigableMap<String, Member> carried, Publication publication,
              boolean asFetched, java.util.function.BinaryOperator<Member> mergeRead) {
            this.fetched = fetched;
            this.mergeRead = mergeRead;
            this.carried = carried.entrySet().iterator();
            this.publication = publication;
            this.asFetched = asFetched;
            this.fetchedId = fetched.hasNext() ? fetched.next() : null;
            this.nextCarried = this.carried.hasNext() ? this.carried.next() : null;
        }

        boolean advance() {
            if (fetchedId == null && nextCarried == null) {
                return false;
            }
            int order = fetchedId == null ? 1 : nextCarried == null ? -1 : fetchedId.compareTo(nextCarried.getKey());
            if (order > 0) {
                id = nextCarried.getKey();
                line = SpooledRecords.encode(publication.carried(nextCarried.getValue()));
                nextCarried = carried.hasNext() ? carried.next() : null;
                return true;
            }
            id = fetchedId;
            byte[] read = fetched.getValue();
            if (order == 0) {
                Member merged = mergeRead.apply(publication.fetched(SpooledRecords.decode(read)), nextCarried.getValue());
                line = SpooledRecords.encode(publication.carried(merged));
                nextCarried = carried.hasNext() ? carried.next() : null;
            } else {
                line = asFetched ? read : SpooledRecords.encode(publication.fetched(SpooledRecords.decode(read)));
            }
            fetchedId = fetched.hasNext() ? fetched.next() : null;
            return true;
        }
    }

    List<Member> members() {
        return new SpooledRecords(published);
    }

    int created() {
        return created;
    }

    int updated() {
        return changedCount() - created;
    }

    private int changedCount() {
        return Math.toIntExact((changed == null ? published : changed).sizeAsLong());
    }

    int deleted() {
        return deleted.size();
    }

    /** Creates and updates by id, then deletes; records are read from the spool as the list is walked. */
    List<Change> changes() {
        return new Changes();
    }

    private final class Changes extends AbstractList<Change> implements CanonicalLines.OfChanges {

        @Override
        public Change get(int index) {
            int changes = changedCount();
            if (index < 0 || index >= size()) {
                throw new IndexOutOfBoundsException(index);
            }
            if (index >= changes) {
                return new Change(ChangeOp.DELETE, deleted.get(index - changes));
            }
            if (changed == null) {
                return new Change(ChangeOp.CREATE, SpooledRecords.decode(published.get(published.getKey(index))));
            }
            String id = changed.getKey(index);
            return change(id, changed.get(id));
        }

        @Override
        public int size() {
            return changedCount() + deleted.size();
        }

        @Override
        public Iterator<Change> iterator() {
            return walk((op, line) -> new Change(op, SpooledRecords.decode(line.get())), change -> change);
        }

        @Override
        public Iterator<CanonicalLines.ChangeLine> changeLines() {
            return walk((op, line) -> CanonicalLines.ChangeLine.of(op, line.get()), CanonicalLines.ChangeLine::of);
        }

        /** @param spooled a create or update from its op and its published line (read on request) */
        private <T> Iterator<T> walk(SpooledChange<T> spooled, Function<Change, T> deletion) {
            // with no previous members every published one is created: walk them in place
            Cursor<String, byte[]> creates = changed == null ? published.cursor(null) : null;
            Cursor<String, String> marks = changed == null ? null : changed.cursor(null);
            Iterator<String> cursor = changed == null ? creates : marks;
            Iterator<Member> deletes = deleted.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return cursor.hasNext() || deletes.hasNext();
                }

                @Override
                public T next() {
                    if (cursor.hasNext()) {
                        String id = cursor.next();
                        if (changed == null) {
                            byte[] line = creates.getValue();
                            return spooled.apply(ChangeOp.CREATE, () -> line);
                        }
                        return spooled.apply(op(marks.getValue()), () -> published.get(id));
                    }
                    if (deletes.hasNext()) {
                        return deletion.apply(new Change(ChangeOp.DELETE, deletes.next()));
                    }
                    throw new NoSuchElementException();
                }
            };
        }
    }

    @FunctionalInterface
    private interface SpooledChange<T> {
        T apply(ChangeOp op, java.util.function.Supplier<byte[]> line);
    }

    private Change change(String id, String op) {
        return new Change(op(op), SpooledRecords.decode(published.get(id)));
    }

    private static ChangeOp op(String op) {
        return CREATE.equals(op) ? ChangeOp.CREATE : ChangeOp.UPDATE;
    }

    /**
     * The previous members in id order, whatever order the state store listed them in. Ids are
     * read through {@code idAt}: a store's digests hold them packed, and a copy of every id as a
     * string would be most of a large repeat sync's memory.
     */
    private record Previous(List<Member> records, int[] order, IntFunction<String> idAt) {

        static Previous of(List<Member> records) {
            int n = records.size();
            IntFunction<String> idAt;
            if (records instanceof DigestedRecords<Member> digested) {
                idAt = digested::idAt;
            } else {
                String[] ids = records.stream().map(Member::id).toArray(String[]::new);
                idAt = i -> ids[i];
            }
            String before = null;
            boolean sorted = true;
            for (int i = 0; i < n; i++) {
                String id = idAt.apply(i);
                if (id == null) {
                    throw new IllegalArgumentException("the previous snapshot holds a member without an id");
                }
                sorted &= before == null || before.compareTo(id) <= 0;
                before = id;
            }
            int[] order;
            if (sorted) {
                order = IntStream.range(0, n).toArray();
            } else {
                String[] ids = IntStream.range(0, n).mapToObj(idAt).toArray(String[]::new);
                order = IntStream.range(0, n).boxed().sorted((a, b) -> ids[a].compareTo(ids[b])).mapToInt(i -> i).toArray();
                idAt = i -> ids[i];
            }
            for (int i = 1; i < n; i++) {
                String id = idAt.apply(order[i]);
                if (idAt.apply(order[i - 1]).equals(id)) {
                    throw new IllegalArgumentException("the previous snapshot lists member id '" + id
                            + "' more than once; a run must hold one record per id");
                }
            }
            return new Previous(records, order, idAt);
        }

        int size() {
            return order.length;
        }

        String id(int position) {
            return idAt.apply(order[position]);
        }

        int index(int position) {
            return order[position];
        }

        boolean sameContent(int position, byte[] currentLine) {
            int index = order[position];
            if (records instanceof DigestedRecords<Member> digested) {
                return digested.sameContent(index, currentLine);
            }
            return Arrays.equals(CanonicalJson.toUtf8Line(records.get(index)), currentLine);
        }

        List<Member> lastKnown(int[] indices) {
            if (indices.length == 0) {
                return List.of();
            }
            if (records instanceof DigestedRecords<Member> digested) {
                return List.copyOf(digested.lastKnown(indices));
            }
            return Arrays.stream(indices).mapToObj(records::get).toList();
        }
    }
}
