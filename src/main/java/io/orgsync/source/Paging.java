package io.orgsync.source;

import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;

import java.util.Map;

/** The {@code paging} bean: starts a {@link PageState} for the loop that follows in the route. */
public final class Paging {

    private final int maxPages;

    public Paging(int maxPages) {
        this.maxPages = maxPages;
    }

    /** The exchange property a route names its listing in before {@link #start}. */
    public static final String LISTING = "orgsyncListing";

    /**
     * @param properties the exchange's properties: the loop reads {@value PageState#MORE},
     *                   {@value PageState#TOKEN} and {@value PageState#NUMBER} there as the state moves on
     * @param listing    what is being listed, for error messages, e.g. {@code feishu: users of od-123}
     */
    public PageState start(@ExchangeProperties Map<String, Object> properties,
                           @ExchangeProperty(LISTING) String listing) {
        PageState state = new PageState(listing, maxPages, changed -> {
            properties.put(PageState.MORE, changed.isMore());
            properties.put(PageState.TOKEN, changed.getToken());
            properties.put(PageState.NUMBER, changed.getPage());
        });
        properties.put(PageState.PROPERTY, state);
        return state;
    }

    /** The page state {@link #start} put on the exchange, as a bean step bound it. */
    public static PageState required(PageState state) {
        if (state == null) {
            throw new IllegalStateException("no page state: the route must call paging.start before its loop");
        }
        return state;
    }
}
