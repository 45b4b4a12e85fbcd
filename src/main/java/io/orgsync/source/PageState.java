package io.orgsync.source;

import io.orgsync.run.RunFailedException;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The three facts of a paginated listing, kept explicit: where the next token comes from (the
 * normaliser reads it from the answer and calls {@link #advance}), when to stop ({@link #more}),
 * and where the token goes ({@link #token}, put on the next request by the route). A listing that
 * repeats a token or runs past {@code maxPages} fails the run instead of looping for ever.
 *
 * <p>Routes keep one in the exchange property {@value #PROPERTY}, created by
 * {@code bean: paging, method: start} just before the {@code loop}, which also keeps its three
 * facts in plain exchange properties after every change: the loop runs
 * {@code doWhile: ${exchangeProperty.orgsyncPageMore}} and the call passes
 * {@code ${exchangeProperty.orgsyncPageToken}} or {@code ${exchangeProperty.orgsyncPageNumber}}.
 * Camel's simple language reads a plain property from a map; {@code orgsyncPage.more} took an
 * OGNL bean invocation on every read, twice a page.
 */
public final class PageState {

    public static final String PROPERTY = "orgsyncPage";
    /** Whether another page is to be read: the loop's {@code doWhile}. */
    public static final String MORE = "orgsyncPageMore";
    /** The token for the next request, {@code ""} on the first page ({@link #getToken}). */
    public static final String TOKEN = "orgsyncPageToken";
    /** The 1-based number of the next page ({@link #getPage}). */
    public static final String NUMBER = "orgsyncPageNumber";

    private final String listing;
    private final int maxPages;
    private final Set<String> seenTokens = new HashSet<>();
    private String token;
    private int page = 1;
    private int pagesRead;
    private boolean more = true;
    private boolean restarted;
    private final Consumer<PageState> changed;

    public PageState(String listing, int maxPages) {
        this(listing, maxPages, state -> { });
    }

    /** @param changed told of the state as it starts and after every change (the route's properties) */
    public PageState(String listing, int maxPages, Consumer<PageState> changed) {
        this.listing = listing;
        this.maxPages = maxPages;
        this.changed = changed;
        changed.accept(this);
    }

    /**
     * The token for the next request; empty (left out of it) on the first page. Never {@code null}:
     * a route passes it to {@code VendorApi.get}, whose bean call would drop a null value.
     */
    public String getToken() {
        return token == null ? "" : token;
    }

    /** The 1-based number of the next page, for APIs that page by number (Wuhan). */
    public int getPage() {
        return page;
    }

    public boolean isMore() {
        return more;
    }

    /** The last page a listing may read ({@code orgsync.http.max-pages}); one that goes on past it fails. */
    public int lastPage() {
        return maxPages;
    }

    public int pagesRead() {
        return pagesRead;
    }

    /**
     * Records one page read.
     *
     * @param nextToken the token the vendor gave for the next page (ignored when {@code hasMore} is false)
     * @param hasMore   whether the vendor says more pages follow
     */
    public void advance(String nextToken, boolean hasMore) {
        requireOpen();
        pagesRead++;
        page++;
        if (!hasMore) {
            more = false;
            token = null;
            changed.accept(this);
            return;
        }
        if (nextToken == null || nextToken.isEmpty()) {
            throw new RunFailedException(listing + ": the vendor says more pages follow but gave no page token "
                    + "(after page " + pagesRead + ")");
        }
        if (!seenTokens.add(nextToken)) {
            throw new RunFailedException(listing + ": the vendor repeated a page token after page " + pagesRead
                    + "; stopping rather than reading the same pages for ever");
        }
        checkBound();
        token = nextToken;
        changed.accept(this);
    }

    /** What is being listed, e.g. {@code feishu: users of od-123}. */
    public String listing() {
        return listing;
    }

    /**
     * Goes back to the first page, once per listing, after the vendor refused a token it had
     * issued (Feishu 40012). Pages read before are read again; what they added is added again,
     * which the snapshot takes as the same listing twice. The tokens seen so far are forgotten,
     * since the vendor gives the same ones again.
     *
     * @return {@code false} when this listing was already restarted: the run fails instead
     */
    public boolean restart() {
        if (restarted) {
            return false;
        }
        restarted = true;
        seenTokens.clear();
        token = null;
        page = 1;
        pagesRead = 0;
        more = true;
        changed.accept(this);
        return true;
    }

    /** For APIs that page by number: more pages follow while the vendor says so. */
    public void advanceByNumber(boolean hasMore) {
        requireOpen();
        pagesRead++;
        page++;
        more = hasMore;
        if (hasMore) {
            checkBound();
        }
        changed.accept(this);
    }

    /**
     * A page read after the listing ended means the route's loop did not see the end, and would
     * otherwise ask for the last page for ever: seen when Feishu's 43010 was thrown and caught by a
     * {@code doTry} inside the page loop, whose catch step ended the listing and the loop went on.
     */
    private void requireOpen() {
        if (!more) {
            throw new RunFailedException(listing + ": a page was read after the listing ended (page " + page
                    + "); the route's loop must end when " + MORE + " is false");
        }
    }

    private void checkBound() {
        if (pagesRead >= maxPages) {
            throw new RunFailedException(listing + ": more than " + maxPages + " pages; the listing does not end "
                    + "(raise orgsync.http.max-pages if the organisation really is this large)");
        }
    }
}
