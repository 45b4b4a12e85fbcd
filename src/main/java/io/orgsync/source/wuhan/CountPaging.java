package io.orgsync.source.wuhan;

import io.orgsync.run.RunFailedException;
import io.orgsync.source.IdHashSet;
import io.orgsync.source.PageState;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The stop rule of Wuhan's number-paged listings ({@code page} from 1, {@code page_size},
 * {@code count}), applied to the shared {@link PageState} through {@code advanceByNumber}.
 *
 * <p>Pages carry no token, so the repeated-token check of the shared state cannot see a vendor
 * that serves the same rows again; this adds the equivalent for content: a full page whose first
 * id opened an earlier page, or which brings no id the listing has not already served, fails the
 * run. Only pages after which the listing would go on are checked, so a row repeated across a
 * page boundary by an insertion mid-listing does not fail a run that is about to end anyway.
 * Kept per listing in the exchange property {@value #PROPERTY}.
 */
final class CountPaging {

    static final String PROPERTY = "wuhanPageContent";

    private final PageState owner;
    // hashes, not strings: a million-member listing's ids would otherwise cost more heap than its records
    private final IdHashSet seen = new IdHashSet();
    private final IdHashSet firstIds = new IdHashSet();
    /** The last page's {@code count} and page size: how many pages the listing promises. */
    private Long promisedRows;
    private int pageSize;

    private CountPaging(PageState owner) {
        this.owner = owner;
    }

    /** @param properties the exchange's properties, where a listing's checks live from page to page */
    static CountPaging of(java.util.Map<String, Object> properties, PageState pages) {
        CountPaging current = properties.get(PROPERTY) instanceof CountPaging kept ? kept : null;
        if (current == null || current.owner != pages) {
            current = new CountPaging(pages);
            properties.put(PROPERTY, current);
        }
        return current;
    }

    /**
     * Records the page just read and advances {@code pages}, checking its ids against those the
     * listing served before.
     *
     * @param ids           the ids on the page, in order
     * @param answeredSize  {@code page_size} as answered (the vendor may cap what was asked), or null
     * @param requestedSize what the route asked for
     * @param count         the vendor's total, or null when it gave none
     * @param listing       what is listed, for messages
     */
    void advance(PageState pages, List<String> ids, Integer answeredSize, int requestedSize, Long count,
                 String listing) {
        advance(pages, ids, () -> {
            boolean anyNew = false;
            for (String id : ids) {
                anyNew |= id != null && seen.add(id);
            }
            return anyNew;
        }, answeredSize, requestedSize, count, listing);
    }

    /**
     * As {@link #advance(PageState, List, Integer, int, Long, String)}, for a listing whose caller
     * already keeps every id it served (the parent list, in {@link NamedParents}): a second set
     * of 1.6 million parents would cost 26 MB.
     *
     * @param anyNew whether the page brought an id the listing had not served
     */
    void advance(PageState pages, List<String> ids, boolean anyNew, Integer answeredSize, int requestedSize,
                 Long count, String listing) {
        advance(pages, ids, () -> anyNew, answeredSize, requestedSize, count, listing);
    }

    /**
     * The pages to ask for next: the next one alone until an answer has said how many rows the
     * listing holds, then every page that count promises, which the route fetches in parallel and
     * maps in page order. A vendor that gives no count is read one page at a time. No further than
     * the listing's page bound: a count of billions would otherwise ask for billions of pages
     * before the bound failed the listing, where a serial read fails at it.
     */
    List<Integer> pagesToRead(PageState pages) {
        int next = pages.getPage();
        if (promisedRows == null || pageSize <= 0) {
            return List.of(next);
        }
        long promised = (promisedRows + pageSize - 1) / pageSize;
        long last = Math.max(next, Math.min(promised, pages.lastPage()));
        List<Integer> numbers = new ArrayList<>((int) (last - next + 1));
        for (long page = next; page <= last; page++) {
            numbers.add((int) page);
        }
        return numbers;
    }

    /** @param anyNew asked only of a page after which the listing goes on */
    private void advance(PageState pages, List<String> ids, BooleanSupplier anyNew, Integer answeredSize,
                         int requestedSize, Long count, String listing) {
        int page = pages.getPage();
        int size = answeredSize != null && answeredSize > 0 ? answeredSize : requestedSize;
        int rows = ids.size();
        promisedRows = count;
        pageSize = size;
        boolean more;
        if (count == null) {
            more = rows >= size;
        } else {
            long expected = Math.max(0, Math.min(size, count - (long) (page - 1) * size));
            if (rows < expected) {
                throw new RunFailedException(listing + ": page " + page + " ended early with " + rows
                        + " rows where count " + count + " promises " + expected + "; stopping rather than "
                        + "publishing an incomplete listing");
            }
            more = rows > 0 && (long) page * size < count;
        }
        if (more) {
            // a parent listed without user_id is skipped, not an id: the page is known by its first real one
            String first = ids.stream().filter(Objects::nonNull).findFirst().orElse(null);
            if ((first != null && !firstIds.add(first)) || !anyNew.getAsBoolean()) {
                throw new RunFailedException(listing + ": page " + page + " repeats rows already read (first "
                        + "user_id " + first + ", count now " + count + "); the vendor's paging does not advance, "
                        + "stopping rather than reading the same pages for ever");
            }
        } else {
            seen.clear(); // the listing is over: release the ids
        }
        pages.advanceByNumber(more);
    }
}
