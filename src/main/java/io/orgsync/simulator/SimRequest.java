package io.orgsync.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** An incoming request, decoded once: query parameters (first value wins), headers, raw body. */
final class SimRequest {

    final String method;
    final String path;
    final String endpoint;
    final Headers headers;
    final byte[] body;
    private final Map<String, String> query;

    SimRequest(String method, String path, String endpoint, String rawQuery, Headers headers, byte[] body) {
        this.method = method;
        this.path = path;
        this.endpoint = endpoint;
        this.headers = headers;
        this.body = body;
        this.query = parseQuery(rawQuery);
    }

    /** The decoded query parameter, or null when absent. An empty value stays empty. */
    String query(String name) {
        return query.get(name);
    }

    String header(String name) {
        return headers == null ? null : headers.getFirst(name);
    }

    /** The body as JSON, or null when it is not valid JSON. */
    JsonNode json() {
        return Json.parse(body);
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String part : raw.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String key = decode(eq < 0 ? part : part.substring(0, eq));
            String value = eq < 0 ? "" : decode(part.substring(eq + 1));
            out.putIfAbsent(key, value);
        }
        return out;
    }

    /** Form decoding, like a real server: an unencoded '+' in a token arrives as a space. */
    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
