package io.orgsync.source;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

/** The {@code paging} bean: starts a {@link PageState} for the loop that follows in the route. */
public final class Paging {

    private final int maxPages;

    public Paging(int maxPages) {
        this.maxPages = maxPages;
    }

    /** The exchange property a route names its listing in before {@link #start}. */
    public static final String LISTING = "orgsyncListing";

    /** @param listing what is being listed, for error messages, e.g. {@code feishu: users of od-123} */
    public PageState start(Exchange exchange, @ExchangeProperty(LISTING) String listing) {
        PageState state = new PageState(listing, maxPages, changed -> {
            exchange.setProperty(PageState.MORE, changed.isMore());
            exchange.setProperty(PageState.TOKEN, changed.getToken());
            exchange.setProperty(PageState.NUMBER, changed.getPage());
        });
        exchange.setProperty(PageState.PROPERTY, state);
        return state;
    }

    public static PageState of(Exchange exchange) {
        PageState state = exchange.getProperty(PageState.PROPERTY, PageState.class);
        if (state == null) {
            throw new IllegalStateException("no page state: the route must call paging.start before its loop");
        }
        return state;
    }
}
