package io.orgsync.run;

import java.util.AbstractList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** Two lists read as one, without copying either: the second may be a spooled million changes. */
final class Concatenated<T> extends AbstractList<T> {

    private final List<T> first;
    private final List<T> second;

    private Concatenated(List<T> first, List<T> second) {
        this.first = first;
        this.second = second;
    }

    static <T> List<T> of(List<T> first, List<T> second) {
        return new Concatenated<>(first, second);
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
        Iterator<T> a = first.iterator();
        Iterator<T> b = second.iterator();
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
}
