package io.orgsync.run;

import io.orgsync.model.CanonicalJson;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Records keyed by id, taken in any order and handed back once in id order with the records of
 * one id combined: an external merge sort. A record is opaque bytes (a member's canonical line as
 * UTF-8), written to a run file and read back as it is. Records fill a bounded buffer; a full buffer is sorted
 * and written out as a run file; at the end the runs are merged.
 *
 * <p>Why not a sorted map on disk from the start: ids arrive in fetch order, which is random
 * against id order, so every write-out of a B-tree rewrites most of its leaves. Profiling a
 * 100,000-member WeCom run showed the spool's page writer using half of the two cores while
 * fetching. Run files are written once, sequentially, and read once.
 *
 * <p>Records of one id are combined in the order they were added (runs are written in order, and
 * the sort within a run is stable), so the result does not depend on when buffers filled.
 * Safe for concurrent {@link #add}; {@link #drain} once, after the last add.
 */
final class SortedRuns implements AutoCloseable {

    /** Open runs read at once when merging; more are merged into one first, so read buffers stay bounded. */
    static final int MAX_FAN_IN = 64;
    private static final int IO_BUFFER = 32 * 1024;
    /** {@link DataOutputStream#writeUTF} takes at most 65,535 bytes, three per char at worst. */
    private static final int UTF_SEGMENT_CHARS = 16 * 1024;
    private static final Comparator<Entry> BY_ID = Comparator.comparing(Entry::id);

    private final Path dir;
    private final long bufferBytes;
    private final Function<List<byte[]>, byte[]> combine;
    private final BiConsumer<List<String>, List<byte[]>> written;
    /** Written runs by number, which is the order their records were added in. */
    private final NavigableMap<Integer, Path> runs = new TreeMap<>();
    private List<Entry> buffer = new ArrayList<>();
    private long buffered;
    /** Read by the progress log without the lock, which {@link #drain} holds for the whole merge. */
    private final AtomicLong added = new AtomicLong();
    private int runNumber;
    private int spilling;
    private int mergedFiles;
    private boolean drained;

    /**
     * @param dir         where run files go (the caller deletes it)
     * @param bufferBytes how much record text to hold before writing a run
     * @param combine     the record of one id from two or more records of it, in the order they came
     * @param written     given the ids of a run in id order, and their records combined within the
     *                    run, once that run is on disk, in the adding thread that wrote it; and,
     *                    when draining, those of the last buffer, never written out
     */
    SortedRuns(Path dir, long bufferBytes, Function<List<byte[]>, byte[]> combine,
               BiConsumer<List<String>, List<byte[]>> written) {
        this.dir = dir;
        this.bufferBytes = bufferBytes;
        this.combine = combine;
        this.written = written;
    }

    SortedRuns(Path dir, long bufferBytes, Function<List<byte[]>, byte[]> combine) {
        this(dir, bufferBytes, combine, (ids, records) -> { });
    }

    private record Entry(String id, byte[] record) {
    }

    /**
     * Takes a record. The caller that fills the buffer sorts and writes it, outside the lock:
     * the other fetchers go on adding to a new buffer meanwhile (writing under the lock stopped
     * every fetcher of a WeCom run for the length of each write, which showed as seconds with a
     * third fewer requests).
     */
    void add(String id, byte[] record) {
        List<Entry> full;
        int number;
        synchronized (this) {
            if (drained) {
                throw new IllegalStateException("record '" + id + "' added after the run's records were read back");
            }
            buffer.add(new Entry(id, record));
            added.incrementAndGet();
            // an entry costs its id (one byte a char when Latin-1, two otherwise), its record and headers
            buffered += id.length() + record.length + 64;
            if (buffered < bufferBytes) {
                return;
            }
            full = buffer;
            number = runNumber++;
            buffer = new ArrayList<>();
            buffered = 0;
            spilling++;
        }
        Path run = null;
        List<Entry> sorted = sorted(full);
        try {
            run = writeRun(number, sorted.iterator());
        } finally {
            synchronized (this) {
                spilling--;
                if (run != null) {
                    if (drained) {
                        deleteRuns(List.of(run)); // closed meanwhile: nobody will read it
                    } else {
                        runs.put(number, run);
                    }
                }
                notifyAll();
            }
        }
        tell(sorted);
    }

    private void tell(List<Entry> run) {
        written.accept(run.stream().map(Entry::id).toList(), run.stream().map(Entry::record).toList());
    }

    /** Records added so far, an id listed twice counted twice. */
    long added() {
        return added.get();
    }

    /**
     * Hands every id once, in ascending order, with its combined record, then deletes the runs.
     * Waits for runs still being written.
     */
    synchronized void drain(BiConsumer<String, byte[]> sink) {
        if (drained) {
            throw new IllegalStateException("the records were already read back");
        }
        drained = true;
        try {
            while (spilling > 0) {
                wait();
            }
            if (runs.size() != runNumber) {
                throw new IllegalStateException("a sorted run of the spool was not written; the run cannot be read back");
            }
            while (runs.size() > MAX_FAN_IN) {
                mergeFirstRuns();
            }
            List<Iterator<Entry>> sources = new ArrayList<>();
            List<RunReader> readers = new ArrayList<>();
            try {
                for (Path run : runs.values()) {
                    RunReader reader = new RunReader(run);
                    readers.add(reader);
                    sources.add(reader);
                }
                List<Entry> last = sorted(buffer);
                buffer = List.of();
                tell(last);
                sources.add(last.iterator());
                merge(sources, sink);
            } finally {
                readers.forEach(RunReader::close);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the spool's runs were being written", e);
        } finally {
            deleteRuns(runs.values());
            runs.clear();
        }
    }

    @Override
    public synchronized void close() {
        drained = true;
        buffer = List.of();
        deleteRuns(runs.values());
        runs.clear();
    }

    /** The first {@link #MAX_FAN_IN} runs become one, numbered as the first of them: order is kept. */
    private void mergeFirstRuns() {
        List<Map.Entry<Integer, Path>> first = new ArrayList<>(runs.entrySet()).subList(0, MAX_FAN_IN);
        List<RunReader> readers = new ArrayList<>();
        Path into = dir.resolve("merged-" + (mergedFiles++) + ".run");
        try {
            for (Map.Entry<Integer, Path> run : first) {
                readers.add(new RunReader(run.getValue()));
            }
            try (DataOutputStream out = output(into)) {
                merge(new ArrayList<>(readers), (id, record) -> write(out, id, record));
            } catch (IOException e) {
                throw failed("write", into, e);
            }
        } finally {
            readers.forEach(RunReader::close);
        }
        List<Path> merged = first.stream().map(Map.Entry::getValue).toList();
        int number = first.get(0).getKey();
        first.stream().map(Map.Entry::getKey).toList().forEach(runs::remove);
        deleteRuns(merged);
        runs.put(number, into);
    }

    /** Entries by id, the records of one id combined in the order they came. */
    private List<Entry> sorted(List<Entry> entries) {
        entries.sort(BY_ID); // stable: equal ids keep the order they came in
        List<Entry> sorted = new ArrayList<>(entries.size());
        for (int from = 0; from < entries.size(); ) {
            String id = entries.get(from).id();
            int to = from + 1;
            while (to < entries.size() && entries.get(to).id().equals(id)) {
                to++;
            }
            sorted.add(to == from + 1 ? entries.get(from)
                    : new Entry(id, combine.apply(entries.subList(from, to).stream().map(Entry::record).toList())));
            from = to;
        }
        return sorted;
    }

    /** K-way merge; a source earlier in the list holds earlier records, so ties go to it first. */
    private void merge(List<Iterator<Entry>> sources, BiConsumer<String, byte[]> sink) {
        PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing((Head h) -> h.entry().id())
                .thenComparingInt(Head::source));
        for (int i = 0; i < sources.size(); i++) {
            if (sources.get(i).hasNext()) {
                heads.add(new Head(sources.get(i).next(), i));
            }
        }
        while (!heads.isEmpty()) {
            Head first = heads.poll();
            String id = first.entry().id();
            advance(sources, heads, first.source());
            List<byte[]> listings = null;
            while (!heads.isEmpty() && heads.peek().entry().id().equals(id)) {
                if (listings == null) {
                    listings = new ArrayList<>();
                    listings.add(first.entry().record());
                }
                Head same = heads.poll();
                listings.add(same.entry().record());
                advance(sources, heads, same.source());
            }
            // all listings of an id at once: a parent listed once per child is combined in one go
            sink.accept(id, listings == null ? first.entry().record() : combine.apply(listings));
        }
    }

    private static void advance(List<Iterator<Entry>> sources, PriorityQueue<Head> heads, int source) {
        Iterator<Entry> from = sources.get(source);
        if (from.hasNext()) {
            heads.add(new Head(from.next(), source));
        }
    }

    private record Head(Entry entry, int source) {
    }

    private Path writeRun(int number, Iterator<Entry> entries) {
        Path run = dir.resolve("sorted-" + number + ".run");
        try (DataOutputStream out = output(run)) {
            while (entries.hasNext()) {
                Entry entry = entries.next();
                write(out, entry.id(), entry.record());
            }
        } catch (IOException e) {
            throw failed("write", run, e);
        }
        return run;
    }

    private static DataOutputStream output(Path run) throws IOException {
        return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), IO_BUFFER));
    }

    private void write(DataOutputStream out, String id, byte[] record) {
        try {
            writeText(out, id);
            out.writeInt(record.length);
            out.write(record);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run's sorted records under " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * An id as UTF-8, or modified UTF-8 in segments when it holds a surrogate: that keeps a lone
     * one (a vendor's {@code \ud800} escape), which standard UTF-8 would replace. A negative
     * length marks the second form.
     */
    private static void writeText(DataOutputStream out, String text) throws IOException {
        if (CanonicalJson.firstUnpairedSurrogate(text) < 0) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            out.writeInt(utf8.length);
            out.write(utf8);
            return;
        }
        out.writeInt(-1 - text.length());
        for (int from = 0; from < text.length(); from += UTF_SEGMENT_CHARS) {
            out.writeUTF(text.substring(from, Math.min(text.length(), from + UTF_SEGMENT_CHARS)));
        }
    }

    private static String readText(DataInputStream in, int header) throws IOException {
        if (header >= 0) {
            byte[] utf8 = new byte[header];
            in.readFully(utf8);
            return new String(utf8, StandardCharsets.UTF_8);
        }
        int length = -1 - header;
        StringBuilder text = new StringBuilder(length);
        while (text.length() < length) {
            text.append(in.readUTF());
        }
        return text.toString();
    }

    private static void deleteRuns(Collection<Path> paths) {
        for (Path path : paths) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // the spool directory goes with the run; a file left here goes with it
            }
        }
    }

    private static UncheckedIOException failed(String what, Path run, IOException e) {
        return new UncheckedIOException("cannot " + what + " the run's sorted records in " + run + ": "
                + e.getMessage(), e);
    }

    /** One run file, read front to back. */
    private static final class RunReader implements Iterator<Entry>, AutoCloseable {
        private final Path path;
        private final DataInputStream in;
        private Entry next;

        RunReader(Path path) {
            this.path = path;
            try {
                this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path), IO_BUFFER));
            } catch (IOException e) {
                throw failed("read", path, e);
            }
            next = read();
        }

        private Entry read() {
            try {
                int idHeader;
                try {
                    idHeader = in.readInt();
                } catch (EOFException end) {
                    return null; // a run ends after a whole record
                }
                String id = readText(in, idHeader);
                byte[] record = new byte[in.readInt()];
                in.readFully(record); // a run cut short fails here rather than handing back part of a record
                return new Entry(id, record);
            } catch (IOException e) {
                throw failed("read", path, e);
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Entry next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            Entry current = next;
            next = read();
            return current;
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                // read to the end already, or failing anyway
            }
        }
    }
}
