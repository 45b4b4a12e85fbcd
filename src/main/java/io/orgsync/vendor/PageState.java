package io.orgsync.vendor;

import io.orgsync.run.RunFailedException;

import java.util.HashSet;
import java.util.Set;

/**
 * The three facts of a paginated listing, kept explicit: where the next token comes from (the
 * normaliser reads it from the answer and calls {@link #advance}), when to stop ({@link #more}),
 * and where the token goes ({@link #token}, put on the next request by the route). A listing that
 * repeats a token or runs past {@code maxPages} fails the run instead of looping for ever.
 *
 * <p>Routes keep one in the exchange property {@value #PROPERTY}, created by
 * {@code bean: paging, method: start} just before the {@code loop}; the loop runs
 * {@code doWhile: ${exchangeProperty.orgsyncPage.more}}.
 */
public final class PageState {

    public static final String PROPERTY = "orgsyncPage";

    private final String listing;
    private final int maxPages;
    private final Set<String> seenTokens = new HashSet<>();
    private String token;
    private int page = 1;
    private int pagesRead;
    private boolean more = true;
    private boolean restarted;

    public PageState(String listing, int maxPages) {
        this.listing = listing;
        this.maxPages = maxPages;
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
        pagesRead++;
        page++;
        if (!hasMore) {
            more = false;
            token = null;
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
        return true;
    }

    /** For APIs that page by number: more pages follow while the vendor says so. */
    public void advanceByNumber(boolean hasMore) {
        pagesRead++;
        page++;
        more = hasMore;
        if (hasMore) {
            checkBound();
        }
    }

    private void checkBound() {
        if (pagesRead >= maxPages) {
            throw new RunFailedException(listing + ": more than " + maxPages + " pages; the listing does not end "
                    + "(raise orgsync.http.max-pages if the organisation really is this large)");
        }
    }
}
