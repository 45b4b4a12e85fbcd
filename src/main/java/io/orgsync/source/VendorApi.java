package io.orgsync.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.run.RunContext;
import io.orgsync.run.RunFailedException;
import org.apache.camel.Exchange;
import org.apache.camel.TypeConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The vendor call as routes write it, e.g.
 * {@code method: "get(*, '/cgi-bin/school/user/list', 'department_id', ${body})"}: the path and its
 * query parameters stay visible in the YAML, the mechanics stay in {@link VendorClient}. Parameters
 * come in name/value pairs; an empty value (a missing page token, say) is left out of the request.
 */
public final class VendorApi {

    private static final Logger LOG = LoggerFactory.getLogger(VendorApi.class);

    private final VendorClient client;

    public VendorApi(VendorClient client) {
        this.client = client;
    }

    public VendorClient client() {
        return client;
    }

    /**
     * Drops a mapped answer from its exchange. A parallel split's finished sub-exchanges stay
     * reachable until the whole split ends, so each would otherwise keep its parsed answer: a
     * 100,000-member run held every user/list answer, 200 MB of JSON trees, until the last came in.
     */
    public static void answerMapped(Exchange exchange) {
        exchange.getMessage().setBody(null);
    }

    /**
     * A GET of {@code path} with its query in name/value pairs. One method, not an overload per
     * arity: with overloads Camel chose among them on every call by parsing the method text again,
     * 0.86 CPU seconds of a profiled 100,000-member Feishu first sync (0.25 with one method). Values
     * come as Camel evaluated them (a page number, a department id) and are converted to text by
     * Camel's type converters.
     */
    public JsonNode get(Exchange exchange, String path, Object... query) {
        Map<String, String> pairs = query(exchange, path, query);
        RunContext run = run(exchange);
        try {
            return client.get(run, path, pairs);
        } catch (VendorFailure.PageTokenRejected rejected) {
            return restartListing(exchange, run, path, pairs, rejected);
        }
    }

    /**
     * The vendor refused a page token it issued (Feishu 40012, typically expired mid-listing):
     * the loop's listing starts again with its first page, sent now in place of the refused one, so
     * the route and its mapping carry on as if that page had been asked for. A first page refused,
     * or a listing refused again after its restart, fails the run.
     */
    private JsonNode restartListing(Exchange exchange, RunContext run, String path, Map<String, String> pairs,
                                    VendorFailure.PageTokenRejected rejected) {
        PageState page = exchange.getProperty(PageState.PROPERTY, PageState.class);
        String token = pairs.get(rejected.tokenParameter());
        if (page == null || token == null || token.isEmpty() || !token.equals(page.getToken())) {
            throw VendorFailure.fail(rejected.getMessage());
        }
        int pagesRead = page.pagesRead();
        if (!page.restart()) {
            throw VendorFailure.fail(rejected.getMessage() + ", again after the listing was started over");
        }
        LOG.warn("{}: page {} refused ({}); reading the listing again from its first page, once",
                page.listing(), pagesRead + 1, rejected.getMessage());
        run.countRetry();
        pairs.put(rejected.tokenParameter(), "");
        return client.get(run, path, pairs);
    }

    /** A POST whose JSON body was built by the step before (a map or a Jackson tree). */
    public JsonNode post(Exchange exchange, String path, Object jsonBody) {
        return client.post(run(exchange), path, Map.of(), jsonBody);
    }

    private static Map<String, String> query(Exchange exchange, String path, Object[] pairs) {
        // Camel's bean binding drops a value that evaluated to null from a varargs call, which
        // would shift every later pair; an absent value must be written as '' (PageState does so).
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("get(" + path + "): query parameters come in name/value pairs, got "
                    + pairs.length + " values; a value that is null is dropped by the bean call, write '' instead");
        }
        TypeConverter text = exchange.getContext().getTypeConverter();
        Map<String, String> query = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            query.put(text.convertTo(String.class, exchange, pairs[i]),
                    text.convertTo(String.class, exchange, pairs[i + 1]));
        }
        return query;
    }

    private static RunContext run(Exchange exchange) {
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        if (run == null) {
            throw new IllegalStateException("vendor call outside a run: the route must call runs.begin first");
        }
        if (run.failed()) {
            // a parallel split still draining its queue after another fetch failed the run
            throw new RunFailedException("run " + run.runId() + " has already failed");
        }
        return run;
    }
}
