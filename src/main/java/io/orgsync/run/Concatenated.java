package io.orgsync.run;

import java.util.AbstractList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** Two lists read as one, without copying either: the second may be a spooled million changes. */
class Concatenated<T> extends AbstractList<T> {

    private final List<T> first;
    private final List<T> second;

    private Concatenated(List<T> first, List<T> second) {
        this.first = first;
        this.second = second;
    }

    /** Keeps the lines of a spooled part within reach of the sinks (see {@link CanonicalLines}). */
    static List<Change> changes(List<Change> first, List<Change> second) {
        return new Changes(first, second);
    }

    @Override
    public T get(int index) {
        return index < first.size() ? first.get(index) : second.get(index - first.size());
    }

    @Override
    public int size() {
        return first.size() + second.size();
    }

    @Override
    public Iterator<T> iterator() {
        return concatenate(first.iterator(), second.iterator());
    }

    private static <T> Iterator<T> concatenate(Iterator<T> a, Iterator<T> b) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return a.hasNext() || b.hasNext();
            }

            @Override
            public T next() {
                if (a.hasNext()) {
                    return a.next();
                }
                if (b.hasNext()) {
                    return b.next();
                }
                throw new NoSuchElementException();
            }
        };
    }

    private static final class Changes extends Concatenated<Change> implements CanonicalLines.OfChanges {

        private Changes(List<Change> first, List<Change> second) {
            super(first, second);
        }

        @Override
        public Iterator<CanonicalLines.ChangeLine> changeLines() {
            return concatenate(CanonicalLines.changes(super.first), CanonicalLines.changes(super.second));
        }
    }
}
