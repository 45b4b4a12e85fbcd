package io.orgsync.vendor;

import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.run.RunContext;
import io.orgsync.run.RunFailedException;
import org.apache.camel.Exchange;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The vendor call as routes write it, e.g.
 * {@code method: "get(*, '/cgi-bin/school/user/list', 'department_id', ${body})"}: the path and its
 * query parameters stay visible in the YAML, the mechanics stay in {@link VendorClient}. Parameters
 * come in name/value pairs; a {@code null} or empty value (a missing page token, say) is left out
 * of the request. Camel's bean binding picks the overload by the number of arguments.
 */
public final class VendorApi {

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

    public JsonNode get(Exchange exchange, String path) {
        return client.get(run(exchange), path, Map.of());
    }

    public JsonNode get(Exchange exchange, String path, String n1, String v1) {
        return client.get(run(exchange), path, query(n1, v1));
    }

    public JsonNode get(Exchange exchange, String path, String n1, String v1, String n2, String v2) {
        return client.get(run(exchange), path, query(n1, v1, n2, v2));
    }

    public JsonNode get(Exchange exchange, String path, String n1, String v1, String n2, String v2, String n3,
                        String v3) {
        return client.get(run(exchange), path, query(n1, v1, n2, v2, n3, v3));
    }

    public JsonNode get(Exchange exchange, String path, String n1, String v1, String n2, String v2, String n3,
                        String v3, String n4, String v4) {
        return client.get(run(exchange), path, query(n1, v1, n2, v2, n3, v3, n4, v4));
    }

    public JsonNode get(Exchange exchange, String path, String n1, String v1, String n2, String v2, String n3,
                        String v3, String n4, String v4, String n5, String v5) {
        return client.get(run(exchange), path, query(n1, v1, n2, v2, n3, v3, n4, v4, n5, v5));
    }

    public JsonNode get(Exchange exchange, String path, String n1, String v1, String n2, String v2, String n3,
                        String v3, String n4, String v4, String n5, String v5, String n6, String v6) {
        return client.get(run(exchange), path, query(n1, v1, n2, v2, n3, v3, n4, v4, n5, v5, n6, v6));
    }

    public JsonNode get(Exchange exchange, String path, String n1, String v1, String n2, String v2, String n3,
                        String v3, String n4, String v4, String n5, String v5, String n6, String v6, String n7,
                        String v7) {
        return client.get(run(exchange), path, query(n1, v1, n2, v2, n3, v3, n4, v4, n5, v5, n6, v6, n7, v7));
    }

    /** A POST whose JSON body was built by the step before (a map or a Jackson tree). */
    public JsonNode post(Exchange exchange, String path, Object jsonBody) {
        return client.post(run(exchange), path, Map.of(), jsonBody);
    }

    private static Map<String, String> query(String... pairs) {
        Map<String, String> query = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            query.put(pairs[i], pairs[i + 1]);
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
