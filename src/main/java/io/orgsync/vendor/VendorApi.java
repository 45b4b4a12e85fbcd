package io.orgsync.vendor;

import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.run.RunContext;
import org.apache.camel.Exchange;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The vendor call as routes use it, e.g.
 * {@code method: "get(*, '/cgi-bin/school/user/list', 'department_id', ${body})"}: the path and
 * its parameters stay visible in the YAML, the mechanics stay in {@link VendorClient}. Empty
 * parameter values are left out of the request.
 */
public final class VendorApi {

    private final VendorClient client;

    public VendorApi(VendorClient client) {
        this.client = client;
    }

    public VendorClient client() {
        return client;
    }

    public JsonNode get(Exchange exchange, String path) {
        return client.get(run(exchange), path, Map.of());
    }

    public JsonNode get(Exchange exchange, String path, String name, String value) {
        return client.get(run(exchange), path, query(name, value));
    }

    public JsonNode get(Exchange exchange, String path, String name1, String value1, String name2, String value2) {
        Map<String, String> query = query(name1, value1);
        query.put(name2, value2);
        return client.get(run(exchange), path, query);
    }

    private static Map<String, String> query(String name, String value) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put(name, value);
        return query;
    }

    private static RunContext run(Exchange exchange) {
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        if (run == null) {
            throw new IllegalStateException("vendor call outside a run: the route must call runs.begin first");
        }
        return run;
    }
}
